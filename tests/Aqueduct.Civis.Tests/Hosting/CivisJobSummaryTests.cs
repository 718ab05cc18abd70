using System.Globalization;
using System.Text.Json;
using Aqueduct.Civis.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Hosting;

/// <summary>The run summary: printed at the end of every run, and attached to the run on the platform (the fake Civis API).</summary>
public sealed class CivisJobSummaryTests : IAsyncLifetime
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private FakeCivisApi api = null!;
    private readonly StringWriter output = new();
    private readonly StringWriter errors = new();

    public async ValueTask InitializeAsync() => api = await FakeCivisApi.StartAsync(cancellationToken: Cancel);

    public async ValueTask DisposeAsync()
    {
        await api.DisposeAsync();
        output.Dispose();
        errors.Dispose();
    }

    private Task<int> RunAsync(CivisEnvironment environment, Func<CivisJobContext, CancellationToken, Task> job, Action<CivisJobOptions>? configure = null) =>
        CivisJob.RunAsync([], job, options =>
        {
            options.Name = "summary-job";
            options.Environment = environment;
            options.Output = output;
            options.ErrorOutput = errors;
            options.HandleShutdownSignals = false;
            configure?.Invoke(options);
        }, Cancel);

    /// <summary>A production environment on a run of the fake platform: the job and run ids, the key and the fake's address.</summary>
    private async Task<(CivisEnvironment Environment, int JobId, int RunId)> OnThePlatformAsync(params (string, string?)[] more)
    {
        var client = new CivisClient(api.CreateClientOptions());
        var jobId = api.AddContainerScript("the job itself");
        var run = await client.Scripts.StartContainerRunAsync(jobId, Cancel);
        var environment = Create([
            ("CIVIS_API_KEY", api.ApiKey), ("CIVIS_API_ENDPOINT", api.BaseAddress.ToString()),
            ("CIVIS_JOB_ID", jobId.ToString(CultureInfo.InvariantCulture)), ("CIVIS_RUN_ID", run.Id!.Value.ToString(CultureInfo.InvariantCulture)), .. more]);
        return (environment, jobId, run.Id!.Value);
    }

    private async Task<List<RunOutput>> OutputsAsync(int jobId, int runId) =>
        await new CivisClient(api.CreateClientOptions()).Scripts.ListContainerRunOutputsAsync(jobId, runId, Cancel).ToListAsync(Cancel);

    private static Task RecordTwoStepsAsync(CivisJobContext job)
    {
        using (var step = job.BeginStep("load trips"))
        {
            step.Rows = 1_234_567;
            step.AddBytes(50 * 1024 * 1024);
        }

        job.Steps.Record("export table", TimeSpan.FromSeconds(2.5), rows: 10);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task RunAsync_SuccessOnThePlatform_PrintsTheTableAndAttachesTheSummaryAsJson()
    {
        var (environment, jobId, runId) = await OnThePlatformAsync();

        var exitCode = await RunAsync(environment, (job, _) => RecordTwoStepsAsync(job));

        Assert.True(exitCode == CivisJobExitCodes.Success, errors.ToString());
        var log = output.ToString();
        Assert.Contains("Run summary of summary-job: success (exit code 0) in", log, StringComparison.Ordinal);
        Assert.Contains("peak memory", log, StringComparison.Ordinal);
        Assert.Matches(@"load trips\s+1,234,567\s+50\.0 MB\s+\d+\.\d", log);
        Assert.Matches(@"export table\s+10\s+-\s+2\.5", log);

        var summary = Assert.Single(await OutputsAsync(jobId, runId));
        Assert.Equal("JSONValue", summary.ObjectType);
        Assert.Equal("summary", summary.Name);
        var value = summary.Value!.Value;
        Assert.Equal("success", value.GetProperty("outcome").GetString());
        Assert.Equal(0, value.GetProperty("exitCode").GetInt32());
        Assert.True(value.GetProperty("peakWorkingSetBytes").GetInt64() > 1024 * 1024);
        var steps = value.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(["load trips", "export table"], steps.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(1_234_567, steps[0].GetProperty("rows").GetInt64());
        Assert.Equal(50L * 1024 * 1024, steps[0].GetProperty("bytes").GetInt64());
        Assert.Equal(JsonValueKind.Null, steps[1].GetProperty("bytes").ValueKind);
        Assert.Equal(2.5, steps[1].GetProperty("seconds").GetDouble());
    }

    [Fact]
    public async Task RunAsync_FailureOnThePlatform_AttachesTheSummaryWithTheRedactedError()
    {
        var (environment, jobId, runId) = await OnThePlatformAsync(("TABLEAU_PASSWORD", "s3cret-pass"));

        var exitCode = await RunAsync(environment, async (job, _) =>
        {
            await RecordTwoStepsAsync(job);
            throw new InvalidOperationException("Tableau refused s3cret-pass");
        });

        Assert.Equal(CivisJobExitCodes.JobFailed, exitCode);
        Assert.Contains("Run summary of summary-job: failed (exit code 1)", output.ToString(), StringComparison.Ordinal);
        var error = Assert.Single(await OutputsAsync(jobId, runId));
        Assert.Equal("error", error.Name);
        var value = error.Value!.Value;
        Assert.Equal("failed", value.GetProperty("outcome").GetString());
        Assert.Equal(1, value.GetProperty("exitCode").GetInt32());
        Assert.Contains("Tableau refused ***", value.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, value.GetProperty("steps").GetArrayLength());
        Assert.DoesNotContain("s3cret-pass", value.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_AttachingFails_LogsAWarningAndKeepsTheExitCode()
    {
        var environment = Create(
            ("CIVIS_API_KEY", api.ApiKey), ("CIVIS_API_ENDPOINT", api.BaseAddress.ToString()), ("CIVIS_JOB_ID", "424242"), ("CIVIS_RUN_ID", "1"));

        var exitCode = await RunAsync(environment, (job, _) => RecordTwoStepsAsync(job), o => o.ConfigureClient = c => c.Retry.MaxRetryAttempts = 0);

        Assert.Equal(CivisJobExitCodes.Success, exitCode);
        Assert.Contains("warn summary-job: Could not attach the run's summary to job 424242, run 1; the run's outcome stands.", output.ToString(), StringComparison.Ordinal);
        Assert.Empty(errors.ToString());
    }

    [Fact]
    public async Task RunAsync_SecretInAStepName_IsMaskedInTheTableAndTheJson()
    {
        var (environment, jobId, runId) = await OnThePlatformAsync(("SOURCE_TOKEN", "tok-0123456789"));

        await RunAsync(environment, (job, _) =>
        {
            job.Steps.Record("download with tok-0123456789", TimeSpan.FromSeconds(1));
            return Task.CompletedTask;
        });

        Assert.Contains("download with ***", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("tok-0123456789", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("tok-0123456789", Assert.Single(await OutputsAsync(jobId, runId)).Value!.Value.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_OffThePlatform_PrintsTheSummaryAndPostsNothing()
    {
        var exitCode = await RunAsync(Create(("DEV", "1"), ("CIVIS_API_KEY", api.ApiKey), ("CIVIS_API_ENDPOINT", api.BaseAddress.ToString())), (_, _) => Task.CompletedTask);

        Assert.Equal(CivisJobExitCodes.Success, exitCode);
        Assert.Contains("Run summary of summary-job: success (exit code 0)", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("no steps recorded", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(api.Requests, r => r.Path == "/json_values");
    }

    [Fact]
    public async Task RunAsync_LibraryCodeRecordsThroughServices_StepIsInTheSummary()
    {
        var exitCode = await RunAsync(Create(), (job, _) =>
        {
            job.GetRequiredService<Loader>().Load();
            return Task.CompletedTask;
        }, o => o.ConfigureServices(s => s.AddSingleton<Loader>()));

        Assert.Equal(CivisJobExitCodes.Success, exitCode);
        Assert.Matches(@"library load\s+7\s+", output.ToString());
    }

    [Fact]
    public void Record_BadValues_Throw()
    {
        var steps = new CivisJobSteps();

        Assert.Throws<ArgumentException>(() => steps.Record(" ", TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => steps.Record("x", TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => steps.Record("x", TimeSpan.Zero, rows: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => steps.Record("x", TimeSpan.Zero, bytes: -5));
        Assert.Empty(steps);
    }

    [Fact]
    public void BeginStep_DisposedTwice_IsRecordedOnce()
    {
        var steps = new CivisJobSteps();
        var step = steps.Begin("once");
        step.AddRows(2);
        step.AddRows(3);

        step.Dispose();
        step.Dispose();

        var recorded = Assert.Single(steps);
        Assert.Equal(5, recorded.Rows);
        Assert.Null(recorded.Bytes);
    }

    public sealed class Loader(CivisJobSteps steps)
    {
        public void Load() => steps.Record("library load", TimeSpan.FromMilliseconds(10), rows: 7);
    }
}
