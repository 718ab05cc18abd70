using Aqueduct.Civis.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Npgsql;
using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Hosting;

/// <summary>The job host in this process, with an injected environment and captured output.</summary>
public sealed class CivisJobTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>, IDisposable
{
    private readonly StringWriter output = new();
    private readonly StringWriter errors = new();

    private Task<int> RunAsync(
        CivisEnvironment environment,
        Func<CivisJobContext, CancellationToken, Task> job,
        Action<CivisJobOptions>? configure = null,
        CancellationTokenSource? cancellation = null) =>
        CivisJob.RunAsync([], job, options =>
        {
            options.Name = "test-job";
            options.Environment = environment;
            options.Output = output;
            options.ErrorOutput = errors;
            options.HandleShutdownSignals = false;
            configure?.Invoke(options);
        }, cancellation?.Token ?? TestContext.Current.CancellationToken);

    public void Dispose()
    {
        output.Dispose();
        errors.Dispose();
    }

    [Fact]
    public async Task RunAsync_JobCompletes_ReturnsSuccessAndLogsStartAndFinish()
    {
        var exitCode = await RunAsync(Create(("DEV", "1")), (job, _) =>
        {
            job.Logger.LogInformation("hello from {Job}", job.Name);
            return Task.CompletedTask;
        });

        Assert.Equal(CivisJobExitCodes.Success, exitCode);
        Assert.Contains("Starting test-job in DEV mode.", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("info test-job: hello from test-job", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("test-job finished in", output.ToString(), StringComparison.Ordinal);
        Assert.Empty(errors.ToString());
    }

    [Fact]
    public async Task RunAsync_MissingRequiredVariables_FailsBeforeTheJobWithOneMessageNamingAll()
    {
        var ran = false;

        var exitCode = await RunAsync(
            Create(("BIKESHARE_OTHER", "x")),
            (_, _) => { ran = true; return Task.CompletedTask; },
            o => o.Require("BIKESHARE_USERNAME", "Missing bikeshare username").Require("BIKESHARE_PASSWORD", "Missing bikeshare password"));

        Assert.Equal(CivisJobExitCodes.ConfigurationError, exitCode);
        Assert.False(ran);
        var message = errors.ToString();
        Assert.Contains("2 required variables are missing or empty", message, StringComparison.Ordinal);
        Assert.Contains("BIKESHARE_USERNAME: Missing bikeshare username", message, StringComparison.Ordinal);
        Assert.Contains("BIKESHARE_PASSWORD: Missing bikeshare password", message, StringComparison.Ordinal);
        Assert.Single(message.Split("cannot run", StringSplitOptions.None).Skip(1));
    }

    [Fact]
    public async Task RunAsync_ExceptionMessageHoldsPassword_PrintsItRedacted()
    {
        var environment = Create(("BIKESHARE_PASSWORD", "Tr0ub4dor&3"), ("CIVIS_API_KEY", "key-123456"));

        var exitCode = await RunAsync(environment, (job, _) =>
        {
            job.Logger.LogWarning("trying key {Key}", "key-123456");
            throw new InvalidOperationException("Tableau refused Tr0ub4dor&3");
        });

        Assert.Equal(CivisJobExitCodes.JobFailed, exitCode);
        var printed = output.ToString() + errors.ToString();
        Assert.DoesNotContain("Tr0ub4dor&3", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("key-123456", printed, StringComparison.Ordinal);
        Assert.Contains("test-job failed after", errors.ToString(), StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException: Tableau refused ***", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Cancelled_ReturnsCancelledCode()
    {
        using var cancellation = new CancellationTokenSource();

        var exitCode = await RunAsync(Create(), async (_, token) =>
        {
            await cancellation.CancelAsync();
            await Task.Delay(Timeout.Infinite, token);
        }, cancellation: cancellation);

        Assert.Equal(CivisJobExitCodes.Cancelled, exitCode);
        Assert.Contains("test-job was cancelled after", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_CivisEnvironmentExceptionInJob_ReturnsConfigurationError()
    {
        var exitCode = await RunAsync(Create(("BATCH_SIZE", "many")), (job, _) =>
        {
            var batchSize = job.Environment.GetInt32("batch_size");
            Assert.Fail($"read {batchSize}");
            return Task.CompletedTask;
        });

        Assert.Equal(CivisJobExitCodes.ConfigurationError, exitCode);
        Assert.Contains("BATCH_SIZE", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_JobFails_CallsFailureHandlerWithRedactedSummary()
    {
        CivisJobFailure? seen = null;

        var exitCode = await RunAsync(
            Create(("TABLEAU_PASSWORD", "pa55word")),
            (_, _) => throw new TimeoutException("no answer for pa55word"),
            o => o.OnFailure((failure, _) => { seen = failure; return Task.CompletedTask; }));

        Assert.Equal(CivisJobExitCodes.JobFailed, exitCode);
        Assert.NotNull(seen);
        Assert.Equal(CivisJobExitCodes.JobFailed, seen.ExitCode);
        Assert.IsType<TimeoutException>(seen.Exception);
        Assert.Contains("no answer for ***", seen.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_LogLevelWarning_HidesInformation()
    {
        await RunAsync(Create(("CIVIS_LOG_LEVEL", "WARNING")), (job, _) =>
        {
            job.Logger.LogInformation("quiet");
            job.Logger.LogWarning("loud");
            return Task.CompletedTask;
        });

        Assert.DoesNotContain("quiet", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("warn test-job: loud", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_StartingStepSetsVariable_JobSeesItAndStepIsDisposedAfter()
    {
        var step = new DisposalProbe();
        string? seen = null;

        await RunAsync(Create(("DEV", "1")), (job, _) =>
        {
            seen = job.Environment.GetString("ADDED");
            Assert.False(step.Disposed);
            return Task.CompletedTask;
        }, o => o.OnStarting((context, _) =>
        {
            context.SetVariable("ADDED", "by the step");
            return Task.FromResult<IAsyncDisposable?>(step);
        }));

        Assert.Equal("by the step", seen);
        Assert.True(step.Disposed);
    }

    [Fact]
    public async Task RunAsync_DevWithPostgresUri_JobQueriesTheWarehouse()
    {
        var uri = PostgresUri.Format(new NpgsqlConnectionStringBuilder(database.ConnectionString));
        object? answer = null;

        var exitCode = await RunAsync(Create(("DEV", "1"), ("POSTGRES_URI", uri)), async (job, token) =>
        {
            await using var connection = await job.Warehouses.OpenConnectionAsync(Civis.Warehouse.Postgres, token);
            await using var command = new NpgsqlCommand("select 40 + 2", connection);
            answer = await command.ExecuteScalarAsync(token);
        });

        Assert.Equal(CivisJobExitCodes.Success, exitCode);
        Assert.Equal(42, answer);
        Assert.DoesNotContain("Npgsql.Command", output.ToString(), StringComparison.Ordinal); // commands show from Debug down
    }

    [Fact]
    public async Task UseLocalWarehouse_NoServerAvailable_FailsWithConfigurationErrorSayingHowToProvideOne()
    {
        var ran = false;

        var exitCode = await RunAsync(Create(("DEV", "1")), (_, _) => { ran = true; return Task.CompletedTask; }, o => o.UseLocalWarehouse(w =>
        {
            w.GetEnvironmentVariable = _ => null;
            w.Server.Source = Civis.Testing.PostgresServerSource.ExistingServer; // forced, with no URI: nothing to use
        }));

        Assert.Equal(CivisJobExitCodes.ConfigurationError, exitCode);
        Assert.False(ran);
        Assert.Contains("needs a local warehouse", errors.ToString(), StringComparison.Ordinal);
        Assert.Contains("Provide a server", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseLocalWarehouse_Production_StartsNothing()
    {
        string? uri = "unset";

        var exitCode = await RunAsync(Create(), (job, _) => { uri = job.Environment.GetString("POSTGRES_URI"); return Task.CompletedTask; },
            o => o.UseLocalWarehouse(w => w.Server.Source = Civis.Testing.PostgresServerSource.ExistingServer));

        Assert.Equal(CivisJobExitCodes.Success, exitCode);
        Assert.Null(uri);
    }

    private sealed class DisposalProbe : IAsyncDisposable
    {
        public bool Disposed { get; private set; }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
