using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aqueduct.Civis.Testing;

namespace Aqueduct.Civis.Tests.Api;

public sealed class FanOutTests : IAsyncLifetime
{
    private static readonly string[] Dates = ["2024-01-01", "2024-01-02", "2024-01-03"];
    private readonly ListLoggerFactory _logs = new();
    private FakeCivisApi _api = null!;
    private CivisClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _api = await FakeCivisApi.StartAsync();
        var options = _api.CreateClientOptions();
        options.Polling.Interval = TimeSpan.FromMilliseconds(5);
        options.Polling.MaxInterval = TimeSpan.FromMilliseconds(20);
        _client = new CivisClient(options);
    }

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    private CivisFanOut FanOut() => new(_client, _logs);

    /// <summary>The script the children copy: parameters <c>date</c> and <c>region</c>, with <c>region</c> set.</summary>
    private async Task<int> ScriptAsync()
    {
        var script = await _client.Scripts.CreateContainerAsync(
            new ContainerScriptCreateRequest
            {
                Name = "Daily load",
                DockerImageName = "civisanalytics/datascience-python",
                DockerCommand = "dotnet Job.dll",
                RequiredResources = new RequiredResources { Cpu = 1000, Memory = 1024, DiskSpace = 1 },
                Params = [new ScriptParam { Name = "date", Type = "string" }, new ScriptParam { Name = "region", Type = "string" }],
                Arguments = JsonDocument.Parse("""{"region":"west"}""").RootElement.Clone(),
                Schedule = new JobSchedule { Scheduled = true },
            },
            Ct);
        return script.Id!.Value;
    }

    private static JsonObject DateArgument(string date) => new() { ["date"] = date };

    private static string? DateOf(FakeContainerRunStart start) => start.Arguments["date"]?.GetValue<string>();

    private List<FakeCivisRequest> Cancels() => [.. _api.Requests.Where(r => r.Method == "DELETE" && r.Path.StartsWith("/scripts/containers/", StringComparison.Ordinal))];

    [Fact]
    public async Task RunAsync_ArgumentNotAParameter_ThrowsBeforeStartingAnyChild()
    {
        var script = await ScriptAsync();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => FanOut().RunAsync(script, Dates, d => new JsonObject { ["day"] = d }, cancellationToken: Ct));
        Assert.Contains("'day'", e.Message, StringComparison.Ordinal);
        Assert.Contains("date, region", e.Message, StringComparison.Ordinal);
        Assert.Contains("2024-01-01", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_api.Requests, r => r.Method == "POST" && r.Path.EndsWith("/runs", StringComparison.Ordinal));
        Assert.Single(_api.Requests, r => r.Method == "POST" && r.Path == "/scripts/containers");
    }

    [Fact]
    public async Task RunAsync_NullArgumentsForAPartition_ThrowsNamingIt()
    {
        var script = await ScriptAsync();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => FanOut().RunAsync(script, Dates, d => d == "2024-01-02" ? null! : DateArgument(d), cancellationToken: Ct));
        Assert.Contains("partition 1 (2024-01-02)", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_api.Requests, r => r.Method == "POST" && r.Path.EndsWith("/runs", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, 3, "MaxConcurrency")]
    [InlineData(-1, 3, "MaxConcurrency")]
    [InlineData(2, 0, "MaxAttempts")]
    public async Task RunAsync_OptionBelowOne_ThrowsNamingIt(int concurrency, int attempts, string name)
    {
        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            FanOut().RunAsync(1, Dates, DateArgument, new FanOutOptions { MaxConcurrency = concurrency, MaxAttempts = attempts }, Ct));
        Assert.Equal(name, e.ParamName);
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task RunAsync_NoPartitions_ReturnsEmptyWithoutCallingTheApi()
    {
        var result = await FanOut().RunAsync(1, Array.Empty<string>(), DateArgument, cancellationToken: Ct);
        Assert.Empty(result.Children);
        Assert.True(result.AllSucceeded);
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task RunAsync_UnknownScript_ThrowsTheApiError()
    {
        var e = await Assert.ThrowsAsync<CivisApiException>(() => FanOut().RunAsync(999_999, Dates, DateArgument, cancellationToken: Ct));
        Assert.Equal(404, e.StatusCode);
    }

    [Fact]
    public async Task RunAsync_ChildrenSucceed_ReportsEachWithItsOutputs()
    {
        var script = await ScriptAsync();
        _api.ContainerRunOutcome = start =>
        {
            _api.AttachJsonOutput(start.RunId, "rows", $$"""{"date":"{{DateOf(start)}}","rows":{{DateOf(start)![^1]}}}""");
            return null;
        };
        var progress = new ProgressRecorder();

        var result = await FanOut().RunAsync(script, Dates, DateArgument, new FanOutOptions { MaxConcurrency = 2, Progress = progress }, Ct);

        Assert.True(result.AllSucceeded);
        Assert.Equal(script, result.ScriptId);
        Assert.Equal(Dates, result.Children.Select(c => (string)c.Partition!));
        foreach (var child in result.Children)
        {
            Assert.Equal(FanOutChildState.Succeeded, child.State);
            Assert.Equal(1, child.Attempts);
            Assert.NotNull(child.RunId);
            Assert.NotEqual(script, child.ScriptId);
            Assert.Null(child.Error);
            var output = Assert.Single(child.Outputs);
            Assert.Equal("rows", output.Name);
            Assert.Equal("JSONValue", output.ObjectType);
            Assert.Equal((string)child.Partition!, output.Value!.Value.GetProperty("date").GetString());
        }

        // Each child is its own hidden copy of the script, with the script's arguments and the partition's.
        Assert.Equal(3, result.Children.Select(c => c.ScriptId).Distinct().Count());
        var copy = await _client.Scripts.GetContainerAsync(result.Children[1].ScriptId!.Value, Ct);
        Assert.True(copy.Hidden);
        Assert.Equal("west", copy.Arguments!.Value.GetProperty("region").GetString());
        Assert.Equal("2024-01-02", copy.Arguments!.Value.GetProperty("date").GetString());
        Assert.Equal("dotnet Job.dll", copy.DockerCommand);
        Assert.Contains("Daily load", copy.Name, StringComparison.Ordinal);
        Assert.All(
            _api.Requests.Where(r => r.Method == "POST" && r.Path == "/scripts/containers").Skip(1),
            r => Assert.DoesNotContain("\"schedule\"", r.Body, StringComparison.Ordinal));
        Assert.DoesNotContain(_api.Requests, r => r.Method == "POST" && r.Path == $"/scripts/containers/{script}/runs");

        Assert.Equal(3, _logs.Lines.Count(l => l.StartsWith("Information: ", StringComparison.Ordinal) && l.Contains("started run", StringComparison.Ordinal)));
        Assert.Equal(3, _logs.Lines.Count(l => l.StartsWith("Information: ", StringComparison.Ordinal) && l.Contains("Succeeded", StringComparison.Ordinal)));
        Assert.Contains(_logs.Lines, l => l.Contains("(2024-01-03)", StringComparison.Ordinal));
        Assert.Equal(3, progress.Updates.Count(p => p.State == FanOutChildState.Running));
        Assert.Equal(3, progress.Updates.Count(p => p.State == FanOutChildState.Succeeded));
        Assert.Contains(progress.Updates, p => p is { State: FanOutChildState.Succeeded, Finished: 3, Total: 3 });
    }

    [Fact]
    public async Task RunAsync_ChildFailsThenSucceeds_RetriesItAndCountsTheAttempts()
    {
        var script = await ScriptAsync();
        _api.ContainerRunOutcome = start => DateOf(start) == "2024-01-02" && start.Attempt < 3 ? FakeRunOutcome.Failed("Connection reset by peer") : null;

        var result = await FanOut().RunAsync(script, Dates, DateArgument, new FanOutOptions { MaxAttempts = 3 }, Ct);

        Assert.True(result.AllSucceeded);
        var retried = result.Children[1];
        Assert.Equal(3, retried.Attempts);
        Assert.Equal(FanOutChildState.Succeeded, retried.State);
        Assert.Null(retried.Error);
        Assert.Equal(3, _api.Requests.Count(r => r.Method == "POST" && r.Path == $"/scripts/containers/{retried.ScriptId}/runs"));
        Assert.All(new[] { result.Children[0], result.Children[2] }, c => Assert.Equal(1, c.Attempts));
        Assert.Equal(2, _logs.Lines.Count(l => l.StartsWith("Warning: ", StringComparison.Ordinal) && l.Contains("Connection reset by peer", StringComparison.Ordinal)));
        Assert.Empty(Cancels());
    }

    [Fact]
    public async Task RunAsync_ChildFailsBeyondRetries_CancelsTheOthersOnThePlatformAndThrows()
    {
        var script = await ScriptAsync();
        string[] partitions = ["a", "b", "c", "bad"];
        _api.ContainerRunOutcome = start => DateOf(start) == "bad"
            ? FakeRunOutcome.Failed("relation \"staging.trips\" does not exist") with { PollsUntilDone = 6 }
            : new FakeRunOutcome { PollsUntilDone = int.MaxValue };
        var progress = new ProgressRecorder();

        var e = await Assert.ThrowsAsync<CivisFanOutException>(() =>
            FanOut().RunAsync(script, partitions, DateArgument, new FanOutOptions { MaxConcurrency = 4, MaxAttempts = 2, Progress = progress }, Ct));

        var bad = Assert.Single(e.Failed);
        Assert.Equal("bad", bad.Partition);
        Assert.Equal(2, bad.Attempts);
        Assert.Contains("does not exist", bad.Error, StringComparison.Ordinal);
        Assert.Contains("(bad)", e.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
        Assert.Contains("3 were cancelled", e.Message, StringComparison.Ordinal);
        var cancelled = e.Result.Children.Where(c => c.State == FanOutChildState.Cancelled).ToList();
        Assert.Equal(["a", "b", "c"], cancelled.Select(c => (string)c.Partition!));
        var cancels = Cancels();
        foreach (var child in cancelled)
        {
            Assert.Contains(cancels, r => r.Path == $"/scripts/containers/{child.ScriptId}/runs/{child.RunId}");
            Assert.Contains("another child failed", child.Error, StringComparison.Ordinal);
            Assert.Equal("cancelled", (await _client.Scripts.GetContainerRunAsync(child.ScriptId!.Value, child.RunId!.Value, Ct)).State);
        }

        Assert.Equal(3, cancels.Count);
        Assert.Equal(2, _api.Requests.Count(r => r.Method == "POST" && r.Path == $"/scripts/containers/{bad.ScriptId}/runs"));
        Assert.Equal(3, progress.Updates.Count(p => p.State == FanOutChildState.Cancelled));
    }

    [Fact]
    public async Task RunAsync_FailureBeyondRetries_StartsNoFurtherChildren()
    {
        var script = await ScriptAsync();
        string[] partitions = ["bad", "b", "c", "d", "e"];
        _api.ContainerRunOutcome = start => DateOf(start) == "bad" ? FakeRunOutcome.Failed("boom") : new FakeRunOutcome { PollsUntilDone = int.MaxValue };

        var e = await Assert.ThrowsAsync<CivisFanOutException>(() =>
            FanOut().RunAsync(script, partitions, DateArgument, new FanOutOptions { MaxConcurrency = 2, MaxAttempts = 1 }, Ct));

        // Two at a time: "bad" and "b" ran, "bad" failed, "b" was cancelled, and at most one more took the free slot.
        Assert.Equal(FanOutChildState.Failed, e.Result.Children[0].State);
        Assert.True(e.Result.Children.Count(c => c.State == FanOutChildState.NotStarted) >= 2);
        Assert.All(e.Result.Children.Where(c => c.State == FanOutChildState.NotStarted), c => Assert.Null(c.RunId));
        Assert.Equal(e.Result.Children.Count(c => c.State == FanOutChildState.Cancelled), Cancels().Count);
        Assert.Contains("never started", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ParentCancelledWhileChildrenHang_CancelsEveryRunningChildOnThePlatform()
    {
        var script = await ScriptAsync();
        string[] partitions = ["a", "b", "c", "d", "e"];
        _api.ContainerRunOutcome = _ => new FakeRunOutcome { PollsUntilDone = int.MaxValue };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var progress = new ProgressRecorder();

        var task = FanOut().RunAsync(script, partitions, DateArgument, new FanOutOptions { MaxConcurrency = 3, Progress = progress }, cts.Token);
        while (progress.Updates.Count(p => p.State == FanOutChildState.Running) < 3)
        {
            Assert.False(task.IsCompleted, "the fan-out ended before its children were running");
            await Task.Delay(10, Ct);
        }

        await Task.Delay(50, Ct); // the hung children keep being polled
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);

        var started = _api.Requests.Where(r => r.Method == "POST" && r.Path.EndsWith("/runs", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, started.Count);
        var cancels = Cancels();
        Assert.Equal(3, cancels.Count);
        Assert.All(started, s => Assert.Contains(cancels, c => c.Path.StartsWith(s.Path + "/", StringComparison.Ordinal)));
        Assert.Equal(3, progress.Updates.Count(p => p.State == FanOutChildState.Cancelled));
        Assert.Equal(3, _api.MaxConcurrentContainerRuns);
    }

    [Fact]
    public async Task RunAsync_ConcurrencyBound_PlatformNeverHasMoreChildrenRunning()
    {
        var script = await ScriptAsync();
        _api.ContainerRunOutcome = _ => new FakeRunOutcome { PollsUntilDone = 5 };
        string[] partitions = ["1", "2", "3", "4", "5", "6", "7"];

        var result = await FanOut().RunAsync(script, partitions, DateArgument, new FanOutOptions { MaxConcurrency = 2 }, Ct);

        Assert.True(result.AllSucceeded);
        Assert.Equal(2, _api.MaxConcurrentContainerRuns);
        Assert.Equal(7, _api.Requests.Count(r => r.Method == "POST" && r.Path.EndsWith("/runs", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RunAsync_ChildCancelledOnThePlatform_IsNotRetried()
    {
        var script = await ScriptAsync();
        _api.ContainerRunOutcome = start => DateOf(start) == "2024-01-01" ? new FakeRunOutcome { State = "cancelled" } : null;

        var e = await Assert.ThrowsAsync<CivisFanOutException>(() => FanOut().RunAsync(script, Dates, DateArgument, new FanOutOptions { MaxConcurrency = 1 }, Ct));

        var failed = Assert.Single(e.Failed);
        Assert.Equal(1, failed.Attempts);
        Assert.Contains("cancelled", failed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_RunCannotBePolled_FailsTheChildWithoutStartingAnotherRun()
    {
        var script = await ScriptAsync();
        _api.Faults.Enqueue(FakeFault.Status(404).For("GET", "/scripts/containers/*/runs/*"));

        var e = await Assert.ThrowsAsync<CivisFanOutException>(() => FanOut().RunAsync(script, Dates, DateArgument, new FanOutOptions { MaxConcurrency = 1 }, Ct));

        var failed = Assert.Single(e.Failed);
        Assert.Equal(0, failed.Index);
        Assert.Equal(1, failed.Attempts);
        Assert.Contains("404", failed.Error, StringComparison.Ordinal);
        Assert.Single(_api.Requests, r => r.Method == "POST" && r.Path == $"/scripts/containers/{failed.ScriptId}/runs");
        Assert.All(e.Result.Children.Skip(1), c => Assert.Equal(FanOutChildState.NotStarted, c.State));
    }

    [Fact]
    public async Task StartContainerRunAsync_ScriptAlreadyRunning_FakeAnswers409LikeThePlatform()
    {
        var script = await ScriptAsync();
        var first = await _client.Scripts.StartContainerRunAsync(script, Ct);

        var e = await Assert.ThrowsAsync<CivisApiException>(() => _client.Scripts.StartContainerRunAsync(script, Ct));

        Assert.Equal(409, e.StatusCode);
        Assert.Equal("already_running", e.Error);
        await _client.Scripts.WaitForContainerRunAsync(script, first.Id!.Value, cancellationToken: Ct);
        var second = await _client.Scripts.StartContainerRunAsync(script, Ct);
        Assert.NotEqual(first.Id, second.Id);
    }

    /// <summary>Records updates as they are reported (not posted to a synchronization context, as <see cref="Progress{T}"/> would).</summary>
    private sealed class ProgressRecorder : IProgress<FanOutProgress>
    {
        private readonly ConcurrentQueue<FanOutProgress> _updates = new();

        public IReadOnlyList<FanOutProgress> Updates => [.. _updates];

        public void Report(FanOutProgress value) => _updates.Enqueue(value);
    }
}
