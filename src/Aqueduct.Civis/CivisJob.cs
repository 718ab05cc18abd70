using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
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

        var name = options.Name ?? Assembly.GetEntryAssembly()?.GetName().Name ?? "job";
        var output = options.Output ?? Console.Out;
        var errorOutput = options.ErrorOutput ?? Console.Error;
        var stopwatch = Stopwatch.StartNew();
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var signals = options.HandleShutdownSignals ? new ShutdownSignals(cancellation) : null;

        CivisEnvironment? environment = null;
        var redactor = new SecretRedactor([]);
        JobConsoleLoggerFactory? loggerFactory = null;
        ILogger? logger = null;
        var cleanups = new List<IAsyncDisposable>();
        CivisClient? client = null;
        var configuring = true;
        try
        {
            environment = options.Environment ?? CivisEnvironment.FromProcessEnvironment();
            redactor = SecretRedactor.FromEnvironment(environment);
            var levelIsValid = TryParseLogLevel(environment.LogLevel, out var level);
            loggerFactory = new JobConsoleLoggerFactory(output, options.MinimumLogLevel ?? level, redactor, TimeProvider.System);
            logger = loggerFactory.CreateLogger(name);
            if (!levelIsValid)
            {
                HostLog.InvalidLogLevel(logger);
            }

            environment.Require(ManifestHost.RequiredVariables(environment, options.RequiredVariables)); // with the shipped civis-job.yaml's required parameters

            foreach (var handler in options.StartingHandlers)
            {
                var starting = new CivisJobStartingContext(environment, loggerFactory, redactor);
                if (await handler(starting, cancellation.Token).ConfigureAwait(false) is { } cleanup)
                {
                    cleanups.Add(cleanup);
                }

                if (starting.Variables.Count > 0)
                {

                    environment = new CivisEnvironment(new ConfigurationBuilder()
                        .AddConfiguration(environment.Configuration)
                        .AddInMemoryCollection(starting.Variables)
                        .Build());
                }
            }

            options.Warehouse.LoggerFactory ??= loggerFactory;

            if (!string.IsNullOrEmpty(environment.ApiKey))
            {
                var clientOptions = CivisClientOptions.FromEnvironment(environment);
                clientOptions.LoggerFactory = loggerFactory;
                options.ConfigureClient?.Invoke(clientOptions);
                client = new CivisClient(clientOptions);
            }

            var warehouses = new WarehouseConnectionFactory(environment, options.Warehouse);
            await using (warehouses.ConfigureAwait(false))
            {
                var context = new CivisJobContext(name, args, environment, warehouses, loggerFactory, redactor, client);
                HostLog.Starting(logger, name, environment.IsDev ? "DEV" : "production", DescribeRun(environment));
                configuring = false;
                await job(context, cancellation.Token).ConfigureAwait(false);
            }

            cancellation.Token.ThrowIfCancellationRequested();
            HostLog.Finished(logger, name, Format(stopwatch.Elapsed));
            return CivisJobExitCodes.Success;
        }
        catch (Exception exception)
        {
            var exitCode = ExitCodeFor(exception, cancellation.IsCancellationRequested, configuring);
            var summary = redactor.Redact(Summarize(name, exitCode, exception, stopwatch.Elapsed, signals?.Signal));
            await errorOutput.WriteLineAsync(exitCode == CivisJobExitCodes.JobFailed
                ? summary + System.Environment.NewLine + redactor.Redact(exception.ToString())
                : summary).ConfigureAwait(false);
            await errorOutput.FlushAsync(CancellationToken.None).ConfigureAwait(false);

            var failure = new CivisJobFailure(name, exception, exitCode, summary, environment, stopwatch.Elapsed);
            // A cancelled run did not fail: the platform shows it as cancelled, with no error attached.
            if (exitCode != CivisJobExitCodes.Cancelled && client is not null && options.AttachFailureToRun && environment is { IsOnPlatform: true })
            {
                await AttachFailureAsync(client, environment, failure, logger).ConfigureAwait(false);
            }

            foreach (var handler in options.FailureHandlers)
            {
                try
                {
                    await handler(failure, CancellationToken.None).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // a failing failure handler must not hide the job's own failure
                catch (Exception handlerException)
#pragma warning restore CA1031
                {
                    if (logger is not null)
                    {
                        HostLog.FailureHandlerFailed(logger, handlerException);
                    }
                }
            }

            return exitCode;
        }
        finally
        {
            for (var i = cleanups.Count - 1; i >= 0; i--)
            {
                try
                {
                    await cleanups[i].DisposeAsync().ConfigureAwait(false);
                }
#pragma warning disable CA1031 // clean-up problems are reported, the job's outcome stands
                catch (Exception cleanupException)
#pragma warning restore CA1031
                {
                    if (logger is not null)
                    {
                        HostLog.CleanupFailed(logger, cleanupException);
                    }
                }
            }

            loggerFactory?.Dispose();
        }
    }

    /// <summary>
    /// Posts the failure summary as a JSON value and attaches it to the run as an output named <c>error</c>. A platform
    /// that does not answer within 30 s is given up on: the job's own failure is what counts.
    /// </summary>
    private static async Task AttachFailureAsync(CivisClient client, CivisEnvironment environment, CivisJobFailure failure, ILogger? logger)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("job", failure.JobName);
                writer.WriteNumber("exitCode", failure.ExitCode);
                writer.WriteString("error", failure.Summary);
                writer.WriteString("exception", failure.Exception.GetType().FullName);
                writer.WriteNumber("elapsedSeconds", Math.Round(failure.Elapsed.TotalSeconds, 3));
                writer.WriteEndObject();
            }

            var value = await client.JsonValues.CreateAsync(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan), "error", timeout.Token).ConfigureAwait(false);
            await client.Scripts.AddContainerRunOutputAsync(environment.JobId!.Value, environment.RunId!.Value, "JSONValue", value.Id!.Value, timeout.Token)
                .ConfigureAwait(false);
        }
#pragma warning disable CA1031 // reporting the failure must not hide the failure
        catch (Exception attachException)
#pragma warning restore CA1031
        {
            if (logger is not null)
            {
                HostLog.FailureHandlerFailed(logger, attachException);
            }
        }
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

    private static string Summarize(string name, int exitCode, Exception exception, TimeSpan elapsed, PosixSignal? signal) => exitCode switch
    {
        CivisJobExitCodes.Cancelled => string.Create(CultureInfo.InvariantCulture,
            $"{name} was cancelled{(signal is { } s ? " by " + s : string.Empty)} after {Format(elapsed)} (exit code {exitCode})."),
        CivisJobExitCodes.ConfigurationError => string.Create(CultureInfo.InvariantCulture,
            $"{name} cannot run, its configuration is incomplete (exit code {exitCode}): {exception.Message}"),
        _ => string.Create(CultureInfo.InvariantCulture,
            $"{name} failed after {Format(elapsed)} (exit code {exitCode}): {exception.GetType().Name}: {exception.Message}"),
    };

    private static string DescribeRun(CivisEnvironment environment) => environment.IsOnPlatform
        ? string.Create(CultureInfo.InvariantCulture, $" (job {environment.JobId}, run {environment.RunId})")
        : string.Empty;

    private static string Format(TimeSpan elapsed) => elapsed.TotalSeconds < 60
        ? string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:0.0} s")
        : elapsed.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture);
}
