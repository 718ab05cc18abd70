using Aqueduct.Civis.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.DependencyInjection;

/// <summary>AddCivisClient and AddCivisEnvironment: what they register, and that it works against the fake platform.</summary>
public sealed class CivisServiceCollectionExtensionsTests : IAsyncLifetime
{
    private FakeCivisApi _api = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _api = await FakeCivisApi.StartAsync(cancellationToken: Ct);

    public async ValueTask DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task AddCivisClient_Configured_ResolvesOneSingletonThatWorks()
    {
        var services = new ServiceCollection();
        services.AddCivisClient(o =>
        {
            o.BaseAddress = _api.BaseAddress;
            o.ApiKey = _api.ApiKey;
            o.JobId = 5;
        });
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<CivisClient>();

        Assert.Same(client, provider.GetRequiredService<CivisClient>());
        Assert.NotNull((await client.Users.GetMeAsync(Ct)).Id);
        Assert.Equal("5", Assert.Single(_api.Requests, r => r.Path.EndsWith("users/me", StringComparison.Ordinal)).Headers["X-Civis-Job-ID"]);
    }

    [Fact]
    public async Task AddCivisClient_WithoutConfigure_UsesTheEnvironmentsKeyAndRunHeaders()
    {
        var services = new ServiceCollection();
        services.AddSingleton(Create(
            ("CIVIS_API_KEY", _api.ApiKey), ("CIVIS_API_ENDPOINT", _api.BaseAddress.ToString()), ("CIVIS_JOB_ID", "11"), ("CIVIS_RUN_ID", "12")));
        services.AddCivisClient();
        await using var provider = services.BuildServiceProvider();

        var me = await provider.GetRequiredService<CivisClient>().Users.GetMeAsync(Ct);

        Assert.NotNull(me.Id);
        var request = Assert.Single(_api.Requests, r => r.Path.EndsWith("users/me", StringComparison.Ordinal));
        Assert.True(request.Authorized);
        Assert.Equal("11", request.Headers["X-Civis-Job-ID"]);
        Assert.Equal("12", request.Headers["X-Civis-Run-ID"]);
    }

    [Fact]
    public void AddCivisEnvironment_ContainerConfiguration_ReadsItsVariables()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("CIVIS_JOB_ID", "5")]).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddCivisEnvironment();
        using var provider = services.BuildServiceProvider();

        Assert.Equal(5, provider.GetRequiredService<CivisEnvironment>().JobId);
    }
}
