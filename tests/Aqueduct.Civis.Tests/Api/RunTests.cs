using Aqueduct.Civis.Api;
using Aqueduct.Civis.Api.Models;
using Aqueduct.Civis.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Aqueduct.Civis.Tests.Api;

public sealed class RunTests : IAsyncLifetime
{
    private FakeCivisApi _api = null!;
    private readonly FakeTimeProvider _time = new();
    private CivisClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _api = await FakeCivisApi.StartAsync();
        var options = _api.CreateClientOptions();
        options.TimeProvider = _time;
        options.Transport.AttemptTimeout = TimeSpan.FromDays(1);
        _client = new CivisClient(options);
    }

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    private async Task<(int Script, int Run)> StartAsync(FakeRunOutcome? outcome = null)
    {
        var script = _api.AddContainerScript();
        if (outcome is not null)
        {
            _api.SetRunOutcome(script, outcome);
        }

        var run = await _client.Scripts.StartContainerRunAsync(script, TestContext.Current.CancellationToken);
        Assert.Equal("queued", run.State);
        return (script, run.Id!.Value);
    }

    [Fact]
    public async Task WaitForContainerRunAsync_RunSucceeds_ReturnsSucceededRun()
    {
        var (script, run) = await StartAsync();
        var done = await FakeTime.DriveAsync(_time, _client.Scripts.WaitForContainerRunAsync(script, run, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal("succeeded", done.State);
        Assert.Equal(3, _api.Requests.Count(r => r.Path == $"/scripts/containers/{script}/runs/{run}"));
    }

    [Fact]
    public async Task WaitForContainerRunAsync_LongRun_PollsGrowingToCap()
    {
        var (script, run) = await StartAsync(new FakeRunOutcome { PollsUntilDone = 30 });
        var start = _time.GetUtcNow();
        await FakeTime.DriveAsync(_time, _client.Scripts.WaitForContainerRunAsync(script, run, cancellationToken: TestContext.Current.CancellationToken), TimeSpan.FromSeconds(1));
        // 1, 1.2, 1.44, ... capped at 15 s: 30 waits come to 72 + 15 × 15 = 297 s (plus the clock's
        // 1 s steps); a fixed 1 s poll would take 30 s, an uncapped one hours.
        Assert.InRange((_time.GetUtcNow() - start).TotalSeconds, 297, 330);
    }

    [Fact]
    public async Task WaitForContainerRunAsync_RunFailsWithError_ThrowsWithErrorAndIds()
    {
        var (script, run) = await StartAsync(FakeRunOutcome.Failed("Query failed: relation does not exist", "a log line"));
        var task = _client.Scripts.WaitForContainerRunAsync(script, run, cancellationToken: TestContext.Current.CancellationToken);
        await FakeTime.DriveAsync(_time, (Task)task);
        var e = await Assert.ThrowsAsync<CivisRunFailedException>(() => task);
        Assert.Equal(script, e.JobId);
        Assert.Equal(run, e.RunId);
        Assert.Equal("Query failed: relation does not exist", e.RunError);
        Assert.Contains("relation does not exist", e.Message, StringComparison.Ordinal);
        Assert.Empty(e.LogTail);
        Assert.False(e.IsCancelled);
    }

    [Fact]
    public async Task WaitForContainerRunAsync_RunFailsWithoutError_ThrowsWithLogTail()
    {
        var lines = Enumerable.Range(1, 30).Select(i => $"line {i}").Append("Process ran out of its allowed 1024 MB of memory").ToArray();
        var (script, run) = await StartAsync(FakeRunOutcome.Failed(null, lines));
        var task = _client.Scripts.WaitForContainerRunAsync(script, run, cancellationToken: TestContext.Current.CancellationToken);
        await FakeTime.DriveAsync(_time, (Task)task);
        var e = await Assert.ThrowsAsync<CivisRunFailedException>(() => task);
        Assert.Null(e.RunError);
        Assert.Equal(20, e.LogTail.Count);
        Assert.Equal("Process ran out of its allowed 1024 MB of memory", e.LogTail[^1]);
        Assert.Contains("ran out of its", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForContainerRunAsync_RunCancelled_ThrowsSayingCancelled()
    {
        var (script, run) = await StartAsync(new FakeRunOutcome { State = "cancelled" });
        var task = _client.Scripts.WaitForContainerRunAsync(script, run, cancellationToken: TestContext.Current.CancellationToken);
        await FakeTime.DriveAsync(_time, (Task)task);
        var e = await Assert.ThrowsAsync<CivisRunFailedException>(() => task);
        Assert.True(e.IsCancelled);
        Assert.Contains("cancelled", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForContainerRunAsync_TokenCancelled_StopsWaitingAndLeavesRun()
    {
        var (script, run) = await StartAsync(new FakeRunOutcome { PollsUntilDone = 1000 });
        using var cts = new CancellationTokenSource();
        var task = _client.Scripts.WaitForContainerRunAsync(script, run, cancellationToken: cts.Token);
        await FakeTime.DriveAsync(_time, Task.Delay(50, TestContext.Current.CancellationToken));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.DoesNotContain(_api.Requests, r => r.Method == "DELETE");
    }

    [Fact]
    public async Task WaitForContainerRunAsync_TokenCancelledWithCancelRun_CancelsRemoteRun()
    {
        var (script, run) = await StartAsync(new FakeRunOutcome { PollsUntilDone = 1000 });
        using var cts = new CancellationTokenSource();
        var task = _client.Scripts.WaitForContainerRunAsync(script, run, cancelRunOnCancellation: true, cancellationToken: cts.Token);
        await FakeTime.DriveAsync(_time, Task.Delay(50, TestContext.Current.CancellationToken));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.Contains(_api.Requests, r => r.Method == "DELETE" && r.Path == $"/scripts/containers/{script}/runs/{run}");
        var after = await _client.Scripts.GetContainerRunAsync(script, run, TestContext.Current.CancellationToken);
        Assert.Equal("cancelled", after.State);
    }

    /// <summary>Starts a long run of the given kind and returns the wait (with the run cancelled on cancellation) and where its cancel goes.</summary>
    private async Task<(Func<CancellationToken, Task> Wait, string CancelPath)> StartLongRunAsync(string kind)
    {
        var ct = TestContext.Current.CancellationToken;
        var slow = new FakeRunOutcome { PollsUntilDone = 1000 };
        switch (kind)
        {
            case "containers" or "jobs":
            {
                var (script, run) = await StartAsync(slow);
                return kind == "jobs"
                    ? (t => _client.Jobs.WaitForRunAsync(script, run, cancelRunOnCancellation: true, cancellationToken: t), $"/jobs/{script}/runs/{run}")
                    : (t => _client.Scripts.WaitForContainerRunAsync(script, run, cancelRunOnCancellation: true, cancellationToken: t), $"/scripts/containers/{script}/runs/{run}");
            }

            case "sql":
            {
                var script = await _client.Scripts.CreateSqlAsync(new SqlScriptCreateRequest { Name = "export", Sql = "select 1", RemoteHostId = 1, CredentialId = 2 }, ct);
                _api.SetRunOutcome(script.Id!.Value, slow);
                var run = await _client.Scripts.StartSqlRunAsync(script.Id!.Value, ct);
                return (t => _client.Scripts.WaitForSqlRunAsync(script.Id!.Value, run.Id!.Value, cancelRunOnCancellation: true, cancellationToken: t), $"/scripts/sql/{script.Id}/runs/{run.Id}");
            }

            case "queries":
            {
                var query = await _client.Queries.CreateAsync(new QueryCreateRequest { Database = 1, Sql = "select 1", PreviewRows = 10 }, ct);
                _api.SetRunOutcome(query.Id!.Value, slow);
                return (t => _client.Queries.WaitAsync(query.Id!.Value, cancelRunOnCancellation: true, cancellationToken: t), $"/queries/{query.Id}/runs/");
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    [Theory]
    [InlineData("containers")]
    [InlineData("jobs")]
    [InlineData("sql")]
    [InlineData("queries")]
    public async Task WaitAsync_AnyKindTokenCancelledWithCancelRun_StopsWaitingAndCancelsThatRun(string kind)
    {
        var (wait, cancelPath) = await StartLongRunAsync(kind);
        using var cts = new CancellationTokenSource();
        var task = wait(cts.Token);
        await FakeTime.DriveAsync(_time, Task.Delay(50, TestContext.Current.CancellationToken));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.Contains(_api.Requests, r => r.Method == "DELETE" && r.Path.StartsWith(cancelPath, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WaitAsync_QueryFails_ThrowsNamingTheQueryAndItsError()
    {
        var ct = TestContext.Current.CancellationToken;
        var query = await _client.Queries.CreateAsync(new QueryCreateRequest { Database = 1, Sql = "select nope", PreviewRows = 10 }, ct);
        _api.SetRunOutcome(query.Id!.Value, FakeRunOutcome.Failed("column \"nope\" does not exist"));
        var task = _client.Queries.WaitAsync(query.Id!.Value, ct);
        await FakeTime.DriveAsync(_time, (Task)task);
        var e = await Assert.ThrowsAsync<CivisRunFailedException>(() => task);
        Assert.Equal(query.Id, e.JobId);
        Assert.StartsWith($"Query {query.Id}", e.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadLogsAsync_LateOutOfOrderEntries_EachReturnedOnce()
    {
        var (script, run) = await StartAsync();
        _api.SetRunState(run, "running");
        _api.AddLog(run, "ten", 10);
        _api.AddLog(run, "twenty", 20);

        var seen = new List<string>();
        var enumerator = _client.Jobs.ReadLogsAsync(script, run, follow: true, TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await enumerator.MoveNextAsync());
        seen.Add(enumerator.Current.Message!);
        Assert.True(await enumerator.MoveNextAsync());
        seen.Add(enumerator.Current.Message!);

        // Arrives after "twenty" was read, with a lower id; then the run ends.
        _api.AddLog(run, "fifteen", 15);
        _api.AddLog(run, "thirty", 30);
        var next = enumerator.MoveNextAsync().AsTask();
        await FakeTime.DriveAsync(_time, Task.Delay(30, TestContext.Current.CancellationToken));
        Assert.True(await FakeTime.DriveAsync(_time, next));
        seen.Add(enumerator.Current.Message!);
        _api.SetRunState(run, "succeeded");
        while (await FakeTime.DriveAsync(_time, enumerator.MoveNextAsync().AsTask()))
        {
            seen.Add(enumerator.Current.Message!);
        }

        await enumerator.DisposeAsync();
        Assert.Equal(["ten", "twenty", "fifteen", "thirty"], seen);
    }

    [Fact]
    public async Task ReadContainerRunLogsAsync_FinishedRun_ReadsAllWithoutFollowing()
    {
        var (script, run) = await StartAsync(new FakeRunOutcome { Logs = ["a", "b", "c"] });
        await FakeTime.DriveAsync(_time, _client.Scripts.WaitForContainerRunAsync(script, run, cancellationToken: TestContext.Current.CancellationToken));
        var messages = new List<string?>();
        await foreach (var entry in _client.Scripts.ReadContainerRunLogsAsync(script, run, cancellationToken: TestContext.Current.CancellationToken))
        {
            messages.Add(entry.Message);
        }

        Assert.Equal(["a", "b", "c"], messages);
    }
}
