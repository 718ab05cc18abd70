using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Aqueduct.Civis.Api.Internal;
using Aqueduct.Civis.Testing;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace Aqueduct.Civis.Tests.Api;

/// <summary>Backoff is Polly's (exponential, jitter, cap); ours is only Retry-After. The jitter source is pinned, never Random.Shared.</summary>
public sealed partial class BackoffTests : IAsyncLifetime
{
    private FakeCivisApi _api = null!;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public async ValueTask InitializeAsync() => _api = await FakeCivisApi.StartAsync();

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    private static CivisPipeline Pipeline(TimeProvider? time = null, Func<double>? randomizer = null)
    {
        var options = new CivisClientOptions { TimeProvider = time ?? TimeProvider.System };
        options.Retry.BaseDelay = TimeSpan.FromSeconds(1);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(60);
        options.Retry.Randomizer = randomizer;
        return new(new HttpClient(), options);
    }

    /// <summary>The waits the client logged before each retry of a GET that failed <paramref name="failures"/> times with 503.</summary>
    private async Task<List<long>> RetryDelaysAsync(int failures, Func<double> randomizer, TimeSpan maxDelay)
    {
        var logs = new ListLoggerFactory();
        var options = _api.CreateClientOptions();
        options.TimeProvider = _time;
        options.LoggerFactory = logs;
        options.Transport.AttemptTimeout = TimeSpan.FromDays(1);
        options.Retry.MaxRetryAttempts = failures;
        options.Retry.BaseDelay = TimeSpan.FromSeconds(1);
        options.Retry.MaxDelay = maxDelay;
        options.Retry.Budget = TimeSpan.FromDays(1);
        options.Retry.Randomizer = randomizer;
        _api.Faults.Enqueue(FakeFault.Status(503).Repeat(failures));
        await FakeTime.DriveAsync(_time, new CivisClient(options).Users.GetMeAsync(TestContext.Current.CancellationToken), TimeSpan.FromSeconds(1));
        return [.. logs.Lines.Select(l => RetryDelay().Match(l)).Where(m => m.Success).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];
    }

    [GeneratedRegex(@"; retry \d+ in (\d+) ms")]
    private static partial Regex RetryDelay();

    [Fact]
    public void CreateRetryOptions_Always_UsesPollysExponentialBackoffWithJitterAndCap()
    {
        Func<double> pinned = () => 0.25;
        var retry = Pipeline(randomizer: pinned).CreateRetryOptions();
        Assert.Equal(DelayBackoffType.Exponential, retry.BackoffType);
        Assert.True(retry.UseJitter);
        Assert.Equal(TimeSpan.FromSeconds(1), retry.Delay);
        Assert.Equal(TimeSpan.FromSeconds(60), retry.MaxDelay);
        Assert.Equal(8, retry.MaxRetryAttempts);
        Assert.Same(pinned, retry.Randomizer);
    }

    [Fact]
    public async Task GetAsync_PinnedRandomizer_SameWaitsEveryTime()
    {
        var first = await RetryDelaysAsync(5, () => 0.5, TimeSpan.FromSeconds(60));
        var second = await RetryDelaysAsync(5, () => 0.5, TimeSpan.FromSeconds(60));
        Assert.Equal(5, first.Count);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task GetAsync_DifferentRandomizer_DifferentWaits()
    {
        var low = await RetryDelaysAsync(3, () => 0.05, TimeSpan.FromSeconds(60));
        var high = await RetryDelaysAsync(3, () => 0.95, TimeSpan.FromSeconds(60));
        Assert.NotEqual(low, high);
    }

    [Fact]
    public async Task GetAsync_ManyFailures_WaitsGrowThenStopAtMaxDelay()
    {
        var delays = await RetryDelaysAsync(8, () => 0.5, TimeSpan.FromSeconds(5));
        Assert.Equal(8, delays.Count);
        Assert.All(delays, d => Assert.InRange(d, 0, 5000));
        Assert.True(delays[2] > delays[0], string.Join(", ", delays));
        Assert.Equal(5000, delays[^1]);
    }

    [Fact]
    public void RetryAfter_LongerThanMaxDelay_IsHonouredAsSent()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(90));
        Assert.Equal(TimeSpan.FromSeconds(90), Pipeline().RetryAfter(response));
    }

    [Fact]
    public void RetryAfter_DateInThePast_IsZero()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(time.GetUtcNow().AddMinutes(-1));
        Assert.Equal(TimeSpan.Zero, Pipeline(time).RetryAfter(response));
    }

    [Fact]
    public void RetryAfter_NoHeader_LeavesTheDelayToPolly()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        Assert.Null(Pipeline().RetryAfter(response));
    }
}
