using Aqueduct.Civis.Testing;

namespace Aqueduct.Civis.Tests.Api;

/// <summary>CivisClientOptions: grouped settings, defaults from one place, copies that later changes do not reach.</summary>
public sealed class ClientOptionsTests : IAsyncLifetime
{
    private FakeCivisApi _api = null!;

    public async ValueTask InitializeAsync() => _api = await FakeCivisApi.StartAsync();

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public void DefaultBaseAddress_Always_IsTheEnvironmentsDefaultEndpoint()
    {
        Assert.Same(CivisEnvironment.DefaultApiEndpoint, CivisClientOptions.DefaultBaseAddress);
        Assert.Equal(new Uri("https://api.civisanalytics.com/"), CivisClientOptions.DefaultBaseAddress);
    }

    [Fact]
    public void Constructor_NewOptions_HoldsTheDocumentedDefaults()
    {
        var options = new CivisClientOptions();
        Assert.Equal(TimeSpan.FromSeconds(100), options.Transport.AttemptTimeout);
        Assert.Equal(CivisClientOptions.DefaultMaxResponseBodySize, options.Transport.MaxResponseBodySize);
        Assert.Null(options.Transport.PageSize);
        Assert.Equal(8, options.Retry.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromSeconds(1), options.Retry.BaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(60), options.Retry.MaxDelay);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Retry.Budget);
        Assert.Null(options.Retry.Randomizer);
        Assert.Equal(TimeSpan.FromSeconds(1), options.Polling.Interval);
        Assert.Equal(1.2, options.Polling.BackoffFactor);
        Assert.Equal(TimeSpan.FromSeconds(15), options.Polling.MaxInterval);
        Assert.Equal(50L * 1024 * 1024, options.Uploads.MultipartThreshold);
        Assert.Equal(5L * 1024 * 1024, options.Uploads.MinPartSize);
        Assert.Equal(4, options.Uploads.MaxParallelUploads);
    }

    [Fact]
    public void FlatProperties_SetOnOptions_ChangeTheirGroup()
    {
        var options = new CivisClientOptions { PollInterval = TimeSpan.FromMilliseconds(5), MaxRetryAttempts = 2, MinPartSize = 1024, AttemptTimeout = TimeSpan.FromSeconds(3) };
        Assert.Equal(TimeSpan.FromMilliseconds(5), options.Polling.Interval);
        Assert.Equal(2, options.Retry.MaxRetryAttempts);
        Assert.Equal(1024, options.Uploads.MinPartSize);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Transport.AttemptTimeout);
    }

    [Theory]
    [InlineData("Retry.MaxRetryAttempts")]
    [InlineData("Retry.MaxDelay")]
    [InlineData("Polling.Interval")]
    [InlineData("Uploads.MaxParallelUploads")]
    [InlineData("Transport.MaxResponseBodySize")]
    public void Constructor_GroupSettingOutOfRange_NamesItWithItsGroup(string setting)
    {
        var options = new CivisClientOptions { ApiKey = "k" };
        switch (setting)
        {
            case "Retry.MaxRetryAttempts": options.Retry.MaxRetryAttempts = -1; break;
            case "Retry.MaxDelay": options.Retry.MaxDelay = TimeSpan.FromDays(2); break;
            case "Polling.Interval": options.Polling.Interval = TimeSpan.Zero; break;
            case "Uploads.MaxParallelUploads": options.Uploads.MaxParallelUploads = 0; break;
            default: options.Transport.MaxResponseBodySize = 0; break;
        }

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new CivisClient(options));
        Assert.Equal(setting, e.ParamName);
    }

    [Fact]
    public async Task Constructor_GroupChangedAfterwards_ClientKeepsItsCopy()
    {
        var options = _api.CreateClientOptions();
        options.Retry.MaxRetryAttempts = 0;
        var client = new CivisClient(options);
        options.Retry.MaxRetryAttempts = 5;
        _api.Faults.Enqueue(FakeFault.Status(503));
        await Assert.ThrowsAsync<CivisApiException>(() => client.Users.GetMeAsync(TestContext.Current.CancellationToken));
        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task GetAsync_StillFailingWhenTheBudgetIsSpent_FailsNamingTheBudgetAndTheLastFailure()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var options = _api.CreateClientOptions();
        options.TimeProvider = time;
        options.Transport.AttemptTimeout = TimeSpan.FromDays(1);
        options.Retry.MaxRetryAttempts = 1000;
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.Budget = TimeSpan.FromSeconds(30);
        _api.Faults.Enqueue(FakeFault.Status(503).Repeat(10_000));
        var start = time.GetUtcNow();
        var call = new CivisClient(options).Users.GetMeAsync(TestContext.Current.CancellationToken);
        await FakeTime.DriveAsync(time, (Task)call, TimeSpan.FromMilliseconds(500));
        var e = await Assert.ThrowsAsync<CivisApiException>(() => call);
        Assert.True(e.Message.Contains("Retry.Budget", StringComparison.Ordinal), e.Message);
        Assert.Contains("503", e.Message, StringComparison.Ordinal);
        Assert.True(e.IsTransient);
        // The budget ends the call at 30 s of fake time; the clock driver may step a little past it while the answer
        // travels, never near the hours that 1,000 retries would take.
        Assert.InRange((time.GetUtcNow() - start).TotalSeconds, 30, 45);
    }
}
