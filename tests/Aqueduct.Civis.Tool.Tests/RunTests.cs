using Aqueduct.Civis.Testing;
using Aqueduct.Civis.Tool.Tests.Infrastructure;

namespace Aqueduct.Civis.Tool.Tests;

/// <summary><c>run</c>, <c>runs</c>, <c>logs</c> and <c>cancel</c> as a process against the fake's runs.</summary>
public sealed class RunTests : IAsyncLifetime
{
    private FakePlatform platform = null!;
    private int scriptId;

    public async ValueTask InitializeAsync()
    {
        platform = await FakePlatform.StartAsync();
        scriptId = platform.Api.AddContainerScript();
        platform.Write("civis-job.yaml", TestManifests.ForScript(scriptId));
    }

    public async ValueTask DisposeAsync() => await platform.DisposeAsync();

    [Fact]
    public async Task RunFollow_Succeeds_StreamsTheLogsAndExits0WithTheSummary()
    {
        platform.Api.SetRunOutcome(scriptId, new FakeRunOutcome { Logs = ["Read 10, inserted 10, skipped 0"] });

        var tool = await platform.RunAsync("run", "--follow");

        Assert.True(tool.ExitCode == 0, tool.All);
        Assert.Contains("Read 10, inserted 10, skipped 0", tool.Output, StringComparison.Ordinal);
        Assert.Matches(@"Run \d+: succeeded", tool.Error);
        Assert.Contains("Max memory:", tool.Error, StringComparison.Ordinal);
        Assert.Contains("Max CPU:", tool.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FailsWithNullError_Exits1WithTheLogTail()
    {
        platform.Api.SetRunOutcome(scriptId, FakeRunOutcome.Failed(null, "loading trips", "Process ran out of its 2048 MB of memory"));

        var tool = await platform.RunAsync("run");

        Assert.Equal(1, tool.ExitCode);
        Assert.Contains("failed without an error message", tool.Error, StringComparison.Ordinal);
        Assert.Contains("Process ran out of its 2048 MB of memory", tool.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FailsWithAnError_Exits1WithThePlatformsError()
    {
        platform.Api.SetRunOutcome(scriptId, FakeRunOutcome.Failed("Image lacity/trips:1.0.0 not found"));

        var tool = await platform.RunAsync("run");

        Assert.Equal(1, tool.ExitCode);
        Assert.Contains("Image lacity/trips:1.0.0 not found", tool.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CancelledOnThePlatform_Exits143()
    {
        platform.Api.SetRunOutcome(scriptId, new FakeRunOutcome { State = "cancelled" });

        var tool = await platform.RunAsync("run");

        Assert.Equal(143, tool.ExitCode);
    }

    [Theory]
    [InlineData(2)] // SIGINT, Ctrl+C
    [InlineData(15)] // SIGTERM
    public async Task RunFollow_Signal_CancelsTheRemoteRunAndExits143(int signal)
    {
        platform.Api.SetRunOutcome(scriptId, new FakeRunOutcome { PollsUntilDone = int.MaxValue });
        using var tool = platform.Start("run", "--follow");
        await tool.WaitForAsync("Started run", TimeSpan.FromSeconds(60));
        await Task.Delay(500, TestContext.Current.CancellationToken);

        tool.Signal(signal);
        await tool.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(tool.ExitCode == 143, tool.All);
        var start = Assert.Single(platform.Api.Requests, r => r.Method == "POST" && r.Path == $"/scripts/containers/{scriptId}/runs");
        Assert.Single(platform.Api.Requests, r => r.Method == "DELETE" && r.Path.StartsWith($"/scripts/containers/{scriptId}/runs/", StringComparison.Ordinal));
        Assert.Contains("cancelled run", tool.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AlreadyRunning_Exits1SayingSo()
    {
        platform.Api.Faults.Enqueue(FakeFault.Status(409).For("POST", $"/scripts/containers/{scriptId}/runs"));

        var tool = await platform.RunAsync("run");

        Assert.Equal(1, tool.ExitCode);
        Assert.Contains("already running", tool.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_ScriptWithRuns_ListsLatestWithStateAndUsage()
    {
        platform.Api.AddRuns(scriptId, 3, "failed");

        var tool = await platform.RunAsync("runs");

        Assert.True(tool.ExitCode == 0, tool.All);
        var lines = tool.Output.Trim().Split('\n');
        Assert.StartsWith("RUN\tSTATE\tSTARTED\tDURATION\tMEMORY (MB)\tCPU (millicores)", lines[0], StringComparison.Ordinal);
        Assert.Equal(3, lines.Skip(1).Count(l => l.Contains("\tfailed\t", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Logs_Run_PrintsItsLogLines()
    {
        platform.Api.AddRuns(scriptId, 1);
        var runs = await platform.RunAsync("--json", "runs");
        var runId = System.Text.Json.JsonDocument.Parse(runs.Output).RootElement[0].GetProperty("id").GetInt32();
        platform.Api.AddLog(runId, "first line");
        platform.Api.AddLog(runId, "second line");

        var tool = await platform.RunAsync("logs", runId.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(tool.ExitCode == 0, tool.All);
        Assert.Equal("first line\nsecond line\n", tool.Output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Cancel_RunningRun_SendsTheDelete()
    {
        platform.Api.AddRuns(scriptId, 1, "running");

        var tool = await platform.RunAsync("cancel");

        Assert.True(tool.ExitCode == 0, tool.All);
        Assert.Single(platform.Api.Requests, r => r.Method == "DELETE" && r.Path.StartsWith($"/scripts/containers/{scriptId}/runs/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_NotDeployed_Exits1SayingToDeployFirst()
    {
        platform.Write("civis-job.yaml", TestManifests.Trips());

        var tool = await platform.RunAsync("run");

        Assert.Equal(1, tool.ExitCode);
        Assert.Contains("dotnet civis deploy", tool.Error, StringComparison.Ordinal);
    }
}
