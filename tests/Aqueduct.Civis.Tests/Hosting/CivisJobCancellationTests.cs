using System.Globalization;
using Aqueduct.Civis.Testing;
using Aqueduct.Civis.Tests.Infrastructure;
using Npgsql;
using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Hosting;

/// <summary>A run cancelled in the middle of a load or export exits 143 and is not reported as failed.</summary>
public sealed class CivisJobCancellationTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>, IAsyncLifetime
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private FakeCivisApi api = null!;

    public async ValueTask InitializeAsync() => api = await FakeCivisApi.StartAsync(cancellationToken: Cancel);

    public ValueTask DisposeAsync() => api.DisposeAsync();

    private Dictionary<string, string?> PlatformVariables() => new()
    {
        ["DEV"] = "1",
        ["POSTGRES_URI"] = PostgresUri.Format(new NpgsqlConnectionStringBuilder(database.ConnectionString)),
        ["CIVIS_API_KEY"] = api.ApiKey,
        ["CIVIS_API_ENDPOINT"] = api.BaseAddress.ToString(),
        ["CIVIS_JOB_ID"] = "12",
        ["CIVIS_RUN_ID"] = "34",
    };

    [Theory]
    [InlineData("load")]
    [InlineData("export")]
    public async Task RunAsync_SigtermDuringLoadOrExport_ExitsCancelledWithoutReportingFailure(string mode)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGTERM is a POSIX signal.");
        using var job = TestJobProcess.Start(mode, PlatformVariables());
        await job.WaitUntilReadyAsync(Cancel);

        await job.SignalAsync("TERM", Cancel);
        var exitCode = await job.WaitForExitAsync(Cancel);

        Assert.True(exitCode == CivisJobExitCodes.Cancelled, $"exit code {exitCode}\n{job.Output}\n{job.Errors}");
        Assert.Contains("test-job was cancelled by SIGTERM after", job.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("failed", job.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain(api.Requests, r => r.Path == "/json_values");
    }

    private async Task<(int ExitCode, string Errors)> RunInProcessAsync(Func<CancellationTokenSource, Exception> fail)
    {
        using var cancellation = new CancellationTokenSource();
        using var errors = new StringWriter();
        var environment = Create(
            ("CIVIS_API_KEY", api.ApiKey), ("CIVIS_API_ENDPOINT", api.BaseAddress.ToString()), ("CIVIS_JOB_ID", "12"), ("CIVIS_RUN_ID", "34"));
        var exitCode = await CivisJob.RunAsync([], (_, _) => throw fail(cancellation), options =>
        {
            options.Name = "test-job";
            options.Environment = environment;
            options.Output = TextWriter.Null;
            options.ErrorOutput = errors;
            options.HandleShutdownSignals = false;
        }, cancellation.Token);
        return (exitCode, errors.ToString());
    }

    [Fact]
    public async Task RunAsync_NpgsqlExceptionCausedByCancellation_ExitsCancelledAndAttachesNoFailure()
    {
        var (exitCode, errors) = await RunInProcessAsync(cancellation =>
        {
            cancellation.Cancel();
            return new NpgsqlException("Exception while writing to stream", new OperationCanceledException(cancellation.Token));
        });

        Assert.Equal(CivisJobExitCodes.Cancelled, exitCode);
        Assert.Contains("test-job was cancelled after", errors, StringComparison.Ordinal);
        Assert.DoesNotContain(api.Requests, r => r.Path == "/json_values");
    }

    [Fact]
    public async Task RunAsync_CancelledRun_AttachesNoFailureOutput()
    {
        var (exitCode, _) = await RunInProcessAsync(cancellation =>
        {
            cancellation.Cancel();
            return new OperationCanceledException(cancellation.Token);
        });

        Assert.Equal(CivisJobExitCodes.Cancelled, exitCode);
        Assert.DoesNotContain(api.Requests, r => r.Path == "/json_values");
    }

    [Fact]
    public async Task RunAsync_QueryCancelledWithoutTheRunBeingCancelled_IsAFailure()
    {
        // 57014 is also what a statement_timeout gives: without the host's cancellation it is the job's failure.
        var (exitCode, _) = await RunInProcessAsync(_ => QueryCanceled());

        Assert.Equal(CivisJobExitCodes.JobFailed, exitCode);
    }

    private static PostgresException QueryCanceled() =>
        new("canceling statement due to user request", "ERROR", "ERROR", PostgresErrorCodes.QueryCanceled);

    public static TheoryData<string, bool, int> Classifications => new()
    {
        { "OperationCanceledException", true, CivisJobExitCodes.Cancelled },
        { "NpgsqlException(OperationCanceledException)", true, CivisJobExitCodes.Cancelled },
        { "PostgresException 57014", true, CivisJobExitCodes.Cancelled },
        { "NpgsqlException(IOException)", true, CivisJobExitCodes.Cancelled },
        { "AggregateException(PostgresException 57014)", true, CivisJobExitCodes.Cancelled },
        { "InvalidOperationException", true, CivisJobExitCodes.Cancelled },
        { "OperationCanceledException", false, CivisJobExitCodes.JobFailed },
        { "NpgsqlException(OperationCanceledException)", false, CivisJobExitCodes.JobFailed },
        { "PostgresException 57014", false, CivisJobExitCodes.JobFailed },
        { "InvalidOperationException", false, CivisJobExitCodes.JobFailed },
        { "CivisEnvironmentException", false, CivisJobExitCodes.ConfigurationError },
    };

    [Theory]
    [MemberData(nameof(Classifications))]
    public void ExitCodeFor_Exception_CountsWhatTheCancellationCausedAsCancelled(string exception, bool cancelled, int expected)
    {
        Exception e = exception switch
        {
            "OperationCanceledException" => new OperationCanceledException(),
            "NpgsqlException(OperationCanceledException)" => new NpgsqlException("Exception while reading from stream", new OperationCanceledException()),
            "PostgresException 57014" => QueryCanceled(),
            "NpgsqlException(IOException)" => new NpgsqlException("Exception while writing to stream", new IOException("Broken pipe")),
            "AggregateException(PostgresException 57014)" => new AggregateException(QueryCanceled()),
            "InvalidOperationException" => new InvalidOperationException("The connection is broken."),
            "CivisEnvironmentException" => new CivisEnvironmentException("X is not set.", ["X"]),
            _ => throw new ArgumentOutOfRangeException(nameof(exception)),
        };

        Assert.Equal(expected, CivisJob.ExitCodeFor(e, cancelled, configuring: false));
    }
}
