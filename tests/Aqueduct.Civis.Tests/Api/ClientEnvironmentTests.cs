using Aqueduct.Civis.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Api;

public class ClientEnvironmentTests
{
    [Fact]
    public void FromEnvironment_PlatformVariables_FillKeyAddressAndIds()
    {
        var env = Create(("CIVIS_API_KEY", "key-123"), ("CIVIS_API_ENDPOINT", "https://civis.example/api"), ("CIVIS_JOB_ID", "7"), ("CIVIS_RUN_ID", "8"));

        var options = CivisClientOptions.FromEnvironment(env);

        Assert.Equal("key-123", options.ApiKey);
        Assert.Equal(new Uri("https://civis.example/api/"), options.BaseAddress);
        Assert.Equal((7, 8), (options.JobId, options.RunId));
    }

    [Fact]
    public void FromEnvironment_NothingSet_KeepsTheDefaultAddress() =>
        Assert.Equal(CivisClientOptions.DefaultBaseAddress, CivisClientOptions.FromEnvironment(Create()).BaseAddress);

    [Fact]
    public async Task AddCivisClient_WithoutConfigure_UsesTheEnvironmentsKeyAndRunHeaders()
    {
        await using var api = await FakeCivisApi.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var services = new ServiceCollection();
        services.AddSingleton(Create(
            ("CIVIS_API_KEY", api.ApiKey), ("CIVIS_API_ENDPOINT", api.BaseAddress.ToString()), ("CIVIS_JOB_ID", "11"), ("CIVIS_RUN_ID", "12")));
        services.AddCivisClient();
        await using var provider = services.BuildServiceProvider();

        var me = await provider.GetRequiredService<CivisClient>().Users.GetMeAsync(TestContext.Current.CancellationToken);

        Assert.NotNull(me);
        var request = Assert.Single(api.Requests, r => r.Path.EndsWith("users/me", StringComparison.Ordinal));
        Assert.Equal("11", request.Headers["X-Civis-Job-ID"]);
        Assert.Equal("12", request.Headers["X-Civis-Run-ID"]);
    }
}
