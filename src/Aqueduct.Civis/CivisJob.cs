using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis;

/// <summary>
/// The entry point of a job: <c>return await CivisJob.RunAsync(args, async (job, cancellationToken) =&gt; { ... });</c>
/// in <c>Program.cs</c>.
/// </summary>
/// <remarks>
/// <para>
/// It reads the environment (and <c>.env</c> in DEV), checks the required variables and reports every missing one at
/// once, logs to the console at <c>CIVIS_LOG_LEVEL</c> (default Information) with every secret removed, runs the
/// starting steps (such as the local warehouse), builds the <see cref="WarehouseConnectionFactory"/>, turns SIGTERM and
/// Ctrl+C into cancellation, and maps the outcome to an exit code (<see cref="CivisJobExitCodes"/>).
/// </para>
/// <para>
/// A failure prints one summary to the standard error, with every secret the environment holds removed (see
/// <see cref="SecretRedactor"/>): the configuration problem, the cancellation, or the exception and its stack trace.
/// </para>
/// </remarks>
public static class CivisJob
{
    /// <summary>Runs a job and returns the exit code for <c>Main</c> to return.</summary>
    /// <param name="args">The command-line arguments, handed to the job as <see cref="CivisJobContext.Arguments"/>.</param>
    /// <param name="job">The job: it gets its context and a token cancelled by SIGTERM, Ctrl+C or <paramref name="cancellationToken"/>.</param>
    /// <param name="configure">Declares required variables and changes the other <see cref="CivisJobOptions"/>.</param>
    /// <param name="cancellationToken">Cancels the job, like SIGTERM.</param>
    /// <returns>One of <see cref="CivisJobExitCodes"/>.</returns>
    public static async Task<int> RunAsync(
        string[] args,
        Func<CivisJobContext, CancellationToken, Task> job,
        Action<CivisJobOptions>? configure = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(job);
        var options = new CivisJobOptions();
        configure?.Invoke(options);

        var run = new JobHostRun(args, options);
        await using (run.ConfigureAwait(false))
        {
            return await run.RunAsync(job, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs a job written for the generic host (hosted services, <see cref="Microsoft.Extensions.Hosting.BackgroundService"/>)
    /// inside this host, which keeps its steps: the command line, the environment and <c>.env</c>, redacted logging,
    /// the required variables, SIGTERM and Ctrl+C, the run summary and the exit codes. The run ends when every
    /// background service has finished; one that throws fails the run (exit code 1), where the generic host alone exits 0.
    /// </summary>
    /// <param name="args">The command-line arguments, parsed as in <see cref="RunAsync"/>.</param>
    /// <param name="configure">Registers the hosted services on the builder, which already has the job's services (see <see cref="Microsoft.Extensions.DependencyInjection.CivisJobHostApplicationBuilderExtensions.AddCivisJob"/>).</param>
    /// <param name="configureOptions">Declares required variables and changes the other <see cref="CivisJobOptions"/>.</param>
    /// <param name="cancellationToken">Cancels the job, like SIGTERM.</param>
    /// <returns>One of <see cref="CivisJobExitCodes"/>.</returns>
    public static Task<int> RunHostAsync(
        string[] args,
        Action<CivisJobContext, Microsoft.Extensions.Hosting.HostApplicationBuilder> configure,
        Action<CivisJobOptions>? configureOptions = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return RunAsync(args, (job, token) => GenericJobHost.RunAsync(job, configure, token), configureOptions, cancellationToken);
    }

    /// <summary>
    /// The exit code for the exception a run ended with. Once the run is cancelled (SIGTERM, Ctrl+C, the caller's
    /// token), whatever the job then throws is the cancellation's doing, not a failure: an
    /// <see cref="OperationCanceledException"/>, but also what a cancelled load or export of Npgsql ends with (an
    /// <see cref="Npgsql.NpgsqlException"/> wrapping the cancellation, a <see cref="Npgsql.PostgresException"/>
    /// 57014 query_canceled, an error from a connection the cancellation broke). Without a cancellation each of those
    /// is a failure: 57014, for one, is also what <c>statement_timeout</c> gives.
    /// </summary>
    internal static int ExitCodeFor(Exception exception, bool cancellationRequested, bool configuring) => exception switch
    {
        _ when cancellationRequested => CivisJobExitCodes.Cancelled,
        CivisEnvironmentException => CivisJobExitCodes.ConfigurationError,
        FormatException when configuring => CivisJobExitCodes.ConfigurationError, // a malformed .env file
        _ => CivisJobExitCodes.JobFailed,
    };

    /// <summary>Reads <c>CIVIS_LOG_LEVEL</c>: the .NET names and Python's (<c>INFO</c>, <c>WARNING</c>, <c>CRITICAL</c>), any case.</summary>
    internal static bool TryParseLogLevel(string? text, out LogLevel level)
    {
        level = LogLevel.Information;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        LogLevel? parsed = text.Trim().ToUpperInvariant() switch
        {
            "TRACE" => LogLevel.Trace,
            "DEBUG" => LogLevel.Debug,
            "INFO" or "INFORMATION" => LogLevel.Information,
            "WARN" or "WARNING" => LogLevel.Warning,
            "ERROR" => LogLevel.Error,
            "CRITICAL" or "FATAL" => LogLevel.Critical,
            "NONE" => LogLevel.None,
            _ => null,
        };
        level = parsed ?? LogLevel.Information;
        return parsed is not null;
    }
}
