using System.Globalization;
using System.Net;
using System.Text.Json;
using Aqueduct.Civis.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Aqueduct.Civis.Tests.Api;

public sealed class ResilienceTests : IAsyncLifetime
{
    private FakeCivisApi _api = null!;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public async ValueTask InitializeAsync() => _api = await FakeCivisApi.StartAsync();

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    private CivisClient Client(Action<CivisClientOptions>? configure = null)
    {
        var options = _api.CreateClientOptions();
        options.TimeProvider = _time;
        options.Transport.AttemptTimeout = TimeSpan.FromDays(1);
        configure?.Invoke(options);
        return new CivisClient(options);
    }

    private int Count(string method, string path) => _api.Requests.Count(r => r.Method == method && r.Path == path);

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task GetAsync_RetryableStatus_RetriesAndSucceeds(int status)
    {
        _api.Faults.Enqueue(FakeFault.Status(status).Repeat(2));
        var me = await FakeTime.DriveAsync(_time, Client().Users.GetMeAsync(TestContext.Current.CancellationToken));
        Assert.NotNull(me.Id);
        Assert.Equal(3, Count("GET", "/users/me"));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(422)]
    public async Task GetAsync_ClientError_NotRetried(int status)
    {
        _api.Faults.Enqueue(FakeFault.Status(status));
        var e = await Assert.ThrowsAsync<CivisApiException>(() => Client().Users.GetMeAsync(TestContext.Current.CancellationToken));
        Assert.Equal(status, e.StatusCode);
        Assert.Equal(1, Count("GET", "/users/me"));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(501)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    [InlineData(505)]
    [InlineData(507)]
    public async Task GetAsync_AnyStatus_RetriedExactlyWhenIsTransientSaysSo(int status)
    {
        _api.Faults.Enqueue(FakeFault.Status(status));
        var call = Client().Users.GetMeAsync(TestContext.Current.CancellationToken);
        await FakeTime.DriveAsync(_time, (Task)call);
        var transient = new CivisApiException("x", status, null, null, "GET", "/users/me").IsTransient;
        Assert.Equal(transient ? 2 : 1, Count("GET", "/users/me"));
        Assert.Equal(transient, call.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task GetAsync_RetryAfterSeconds_WaitsAtLeastThatLong()
    {
        _api.Faults.Enqueue(FakeFault.Status(503, retryAfter: "7"));
        var start = _time.GetUtcNow();
        await FakeTime.DriveAsync(_time, Client(o => o.Retry.BaseDelay = TimeSpan.FromMilliseconds(1)).Users.GetMeAsync(TestContext.Current.CancellationToken), TimeSpan.FromMilliseconds(250));
        Assert.InRange(_time.GetUtcNow() - start, TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(9));
        Assert.Equal(2, Count("GET", "/users/me"));
    }

    [Fact]
    public async Task GetAsync_RetryAfterHttpDate_WaitsUntilThatDate()
    {
        var until = _time.GetUtcNow().AddSeconds(12);
        _api.Faults.Enqueue(FakeFault.Status(429, retryAfter: until.ToString("r", CultureInfo.InvariantCulture)));
        await FakeTime.DriveAsync(_time, Client(o => o.Retry.BaseDelay = TimeSpan.FromMilliseconds(1)).Users.GetMeAsync(TestContext.Current.CancellationToken), TimeSpan.FromMilliseconds(250));
        Assert.True(_time.GetUtcNow() >= until, $"retried at {_time.GetUtcNow():O}, before {until:O}");
        Assert.Equal(2, Count("GET", "/users/me"));
    }

    [Fact]
    public async Task GetAsync_RetryAfterBeyondBudget_FailsWithoutWaiting()
    {
        _api.Faults.Enqueue(FakeFault.Status(503, retryAfter: "3600"));
        var start = _time.GetUtcNow();
        var e = await Assert.ThrowsAsync<CivisApiException>(() => Client(o => o.Retry.Budget = TimeSpan.FromMinutes(10)).Users.GetMeAsync(TestContext.Current.CancellationToken));
        Assert.Equal(503, e.StatusCode);
        Assert.True(e.IsTransient);
        Assert.Equal(start, _time.GetUtcNow());
        Assert.Equal(1, Count("GET", "/users/me"));
    }

    [Fact]
    public async Task GetAsync_DroppedConnection_Retried()
    {
        _api.Faults.Enqueue(FakeFault.DropConnection());
        var me = await FakeTime.DriveAsync(_time, Client().Users.GetMeAsync(TestContext.Current.CancellationToken));
        Assert.NotNull(me.Id);
        Assert.Equal(2, Count("GET", "/users/me"));
    }

    [Fact]
    public async Task GetAsync_AttemptTimesOut_RetriedAndSucceeds()
    {
        _api.Faults.Enqueue(FakeFault.Hold(TimeSpan.FromMinutes(5)));
        var client = Client(o => o.Transport.AttemptTimeout = TimeSpan.FromSeconds(30));
        var call = client.Users.GetMeAsync(TestContext.Current.CancellationToken);
        // The clock only moves once the server holds the first attempt, so a slow machine cannot time it out early.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (_api.Requests.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        var me = await FakeTime.DriveAsync(_time, call, TimeSpan.FromSeconds(1));
        Assert.NotNull(me.Id);
        Assert.Equal(2, Count("GET", "/users/me"));
    }

    [Fact]
    public async Task GetAsync_AlwaysFailing_StopsAfterMaxRetries()
    {
        _api.Faults.Enqueue(FakeFault.Status(502).Repeat(100));
        var task = Client(o => o.Retry.MaxRetryAttempts = 3).Users.GetMeAsync(TestContext.Current.CancellationToken);
        await FakeTime.DriveAsync(_time, (Task)task, TimeSpan.FromSeconds(1));
        var e = await Assert.ThrowsAsync<CivisApiException>(() => task);
        Assert.Equal(502, e.StatusCode);
        Assert.Equal(4, Count("GET", "/users/me"));
    }

    [Fact]
    public async Task PostAsync_ServerError500_NotRetried()
    {
        _api.Faults.Enqueue(FakeFault.Status(500).For("POST", "/json_values"));
        var e = await Assert.ThrowsAsync<CivisApiException>(() => Client().JsonValues.CreateAsync("{}", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(500, e.StatusCode);
        Assert.Equal("POST", e.Method);
        Assert.Equal("/json_values", e.Path);
        Assert.Equal(1, Count("POST", "/json_values"));
    }

    [Fact]
    public async Task PostAsync_DroppedConnection_NotRetried()
    {
        _api.Faults.Enqueue(FakeFault.DropConnection().For("POST", "/json_values"));
        var e = await Assert.ThrowsAsync<CivisApiException>(() => Client().JsonValues.CreateAsync("{}", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(0, e.StatusCode);
        Assert.Equal(1, Count("POST", "/json_values"));
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task PostAsync_NotProcessedStatus_Retried(int status)
    {
        _api.Faults.Enqueue(FakeFault.Status(status).For("POST", "/json_values"));
        var value = await FakeTime.DriveAsync(_time, Client().JsonValues.CreateAsync("{\"a\":1}", "x", TestContext.Current.CancellationToken));
        Assert.NotNull(value.Id);
        Assert.Equal(2, Count("POST", "/json_values"));
    }

    [Fact]
    public async Task PatchAsync_TooManyRequests_Retried()
    {
        var client = Client();
        var id = _api.AddContainerScript();
        _api.Faults.Enqueue(FakeFault.Status(429, "1").For("PATCH", null));
        var script = await FakeTime.DriveAsync(_time, client.Scripts.UpdateContainerAsync(id, new() { Name = "renamed" }, TestContext.Current.CancellationToken));
        Assert.Equal("renamed", script.Name);
        Assert.Equal(2, _api.Requests.Count(r => r.Method == "PATCH"));
    }

    [Fact]
    public async Task SendAsync_PostMarkedIdempotent_RetriedOn500()
    {
        _api.Faults.Enqueue(FakeFault.Status(500).For("POST", "/json_values"));
        var body = JsonDocument.Parse("""{"valueStr":"1","name":"n"}""").RootElement;
        var response = await FakeTime.DriveAsync(_time, Client().SendAsync(HttpMethod.Post, "json_values", body, idempotent: true, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(2, Count("POST", "/json_values"));
    }

    [Fact]
    public async Task SendAsync_WrongKey_Says401KeyWrongOrExpiredWithoutTheKey()
    {
        var options = _api.CreateClientOptions();
        options.ApiKey = "not-the-key-12345";
        var e = await Assert.ThrowsAsync<CivisApiException>(() => new CivisClient(options).Users.GetMeAsync(TestContext.Current.CancellationToken));
        Assert.Equal(401, e.StatusCode);
        Assert.Contains("expired", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-key-12345", e.ToString(), StringComparison.Ordinal);
        Assert.Equal("unauthorized", e.Error);
    }

    [Fact]
    public async Task SendAsync_NoKey_Says401KeyMissing()
    {
        var options = _api.CreateClientOptions();
        options.ApiKey = null;
        var e = await Assert.ThrowsAsync<CivisApiException>(() => new CivisClient(options).Users.GetMeAsync(TestContext.Current.CancellationToken));
        Assert.Contains("no API key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_Always_SendsKeyUserAgentAndRunHeaders()
    {
        var client = Client(o => { o.JobId = 12; o.RunId = 34; });
        await client.Users.GetMeAsync(TestContext.Current.CancellationToken);
        var request = Assert.Single(_api.Requests);
        Assert.True(request.Authorized);
        Assert.StartsWith("Aqueduct.Civis/", request.Headers["User-Agent"], StringComparison.Ordinal);
        Assert.Equal("12", request.Headers["X-Civis-Job-ID"]);
        Assert.Equal("34", request.Headers["X-Civis-Run-ID"]);
    }

    [Fact]
    public async Task SendAsync_RateLimitHeaders_VisibleOnClientAndResponse()
    {
        var client = Client();
        Assert.Null(client.RateLimit);
        var response = await client.SendAsync(HttpMethod.Get, "users/me", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(1000, response.RateLimit?.Limit);
        Assert.Equal(client.RateLimit, response.RateLimit);
        Assert.True(response.Content?.TryGetProperty("id", out _));
    }

    [Fact]
    public async Task SendAsync_ErrorBody_MapsErrorAndDescription()
    {
        var e = await Assert.ThrowsAsync<CivisApiException>(() => Client().SendAsync(HttpMethod.Get, "no_such_thing/1", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(404, e.StatusCode);
        Assert.Equal("not_found", e.Error);
        Assert.NotNull(e.ErrorDescription);
        Assert.Equal("/no_such_thing/1", e.Path);
    }

    [Fact]
    public async Task SendAsync_ConcurrentCalls_AreAllInFlightAtOnce()
    {
        // The server holds every request; if the client serialised calls, only one would arrive.
        _api.ResponseDelay = TimeSpan.FromMinutes(5);
        var client = new CivisClient(_api.CreateClientOptions());
        using var cts = new CancellationTokenSource();
        var calls = Enumerable.Range(0, 20).Select(_ => client.Users.GetMeAsync(cts.Token)).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (_api.Requests.Count < 20 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.Equal(20, _api.Requests.Count);
        Assert.All(calls, c => Assert.False(c.IsCompleted));
        await cts.CancelAsync();
        await Task.WhenAll(calls.Select(c => c.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    [Fact]
    public async Task GetAsync_RetryAndRateLimit_LoggedWithoutKey()
    {
        var logs = new ListLoggerFactory();
        _api.Faults.Enqueue(FakeFault.Status(503));
        await FakeTime.DriveAsync(_time, Client(o => o.LoggerFactory = logs).Users.GetMeAsync(TestContext.Current.CancellationToken));
        Assert.Contains(logs.Lines, l => l.Contains("GET /users/me failed (503); retry 1", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains("rate limit", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains(_api.ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendAsync_UntypedOperation_AnswersFromSpecExample()
    {
        var response = await Client().SendAsync(HttpMethod.Get, "reports/1", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(JsonValueKind.Object, response.Content!.Value.ValueKind);
    }

    [Fact]
    public void ToString_Always_OmitsKey()
    {
        var client = new CivisClient("secret-key-value");
        Assert.DoesNotContain("secret-key-value", client.ToString(), StringComparison.Ordinal);
    }
}
