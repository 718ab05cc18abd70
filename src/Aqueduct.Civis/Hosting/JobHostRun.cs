using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis.Hosting;

/// <summary>
/// One run of a job, step by step: read the environment (once), build logging and redaction, check the required
/// variables, run the starting steps, open the client and the warehouses, run the job, and map the outcome to an exit
/// code. <see cref="CivisJob.RunAsync"/> creates one per call.
/// </summary>
internal sealed class JobHostRun : IAsyncDisposable
{
    private readonly CivisJobOptions options;
    private readonly string[] args;
    private readonly string name;
    private readonly TextWriter output;
    private readonly TextWriter errorOutput;
    private readonly Stopwatch stopwatch = Stopwatch.StartNew();
    private readonly List<IAsyncDisposable> cleanups = [];
    private readonly CivisJobSteps steps = new();

    private CivisEnvironment? environment;
    private SecretRedactor redactor = new([]);
    private JobLoggerFactory? loggerFactory;
    private ILogger? logger;
    private CivisClient? client;
    private DotEnvSearch? dotEnv;

    /// <summary>Whether the run is still preparing: a <see cref="FormatException"/> then is a malformed <c>.env</c>.</summary>
    private bool configuring = true;

    public JobHostRun(string[] args, CivisJobOptions options)
    {
        this.args = args;
        this.options = options;
        name = options.Name ?? System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "job";
        output = options.Output ?? Console.Out;
        errorOutput = options.ErrorOutput ?? Console.Error;
    }

    /// <summary>Runs every step and returns the exit code; never throws.</summary>
    public async Task<int> RunAsync(Func<CivisJobContext, CancellationToken, Task> job, CancellationToken cancellationToken)
    {
        var commandLine = JobCommandLine.Parse(options, args);
        if (commandLine.HasErrors)
        {
            return await RejectCommandLineAsync(commandLine).ConfigureAwait(false);
        }

        if (commandLine.IsInformational)
        {
            return await commandLine.InvokeInformationalAsync(output, errorOutput, VariablesForHelp()).ConfigureAwait(false);
        }

        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var signals = options.HandleShutdownSignals ? new ShutdownSignals(cancellation) : null;
        using var activity = JobTelemetry.Source.StartActivity(CivisTelemetry.RunActivity)?.SetTag("civis.job.name", name);
        var exitCode = await RunStepsAsync(job, commandLine, cancellation, signals).ConfigureAwait(false);
        if (activity is not null)
        {
            activity.SetTag("civis.job.mode", environment is null ? null : environment.IsDev ? "DEV" : "production")
                .SetTag("civis.job.id", environment?.JobId).SetTag("civis.run.id", environment?.RunId).SetTag("civis.job.exit_code", exitCode);
            if (exitCode is not CivisJobExitCodes.Success and not CivisJobExitCodes.Cancelled)
            {
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }

        return exitCode;
    }

    /// <summary>The steps of a run that goes ahead, and its failure path.</summary>
    private async Task<int> RunStepsAsync(
        Func<CivisJobContext, CancellationToken, Task> job, JobCommandLine commandLine, CancellationTokenSource cancellation, ShutdownSignals? signals)
    {
        try
        {
            environment = ReadEnvironment();
            BuildLogging(environment);
            LogDotEnv(environment);
            CheckRequiredVariables(environment);
            environment = await RunStartingStepsAsync(environment, cancellation.Token).ConfigureAwait(false);
            client = CreateClient(environment);
            await RunJobAsync(commandLine, commandLine.Select(job), environment, cancellation.Token).ConfigureAwait(false);
            cancellation.Token.ThrowIfCancellationRequested(); // a job that returned once cancelled was still cancelled
            HostLog.Finished(logger!, name, Format(stopwatch.Elapsed));
            await SummarizeAsync(CivisJobExitCodes.Success, failure: null).ConfigureAwait(false);
            return CivisJobExitCodes.Success;
        }
        catch (Exception exception)
        {
            return await FailAsync(exception, cancellation.IsCancellationRequested, signals?.Signal).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Step 0, before anything starts: a command line with errors is a configuration error, printed as one summary.
    /// </summary>
    private async Task<int> RejectCommandLineAsync(JobCommandLine commandLine)
    {
        const int exitCode = CivisJobExitCodes.ConfigurationError;
        await errorOutput.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{name} cannot run, its command line is wrong (exit code {exitCode}): {commandLine.DescribeErrors(name)}")).ConfigureAwait(false);
        await errorOutput.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        return exitCode;
    }

    /// <summary>The variables <c>--help</c> lists: the declared ones and the shipped manifest's, or the declared ones when the environment cannot be read.</summary>
    private IReadOnlyList<RequiredVariable> VariablesForHelp()
    {
        try
        {
            return ManifestHost.RequiredVariables(ReadEnvironment(), options.RequiredVariables);
        }
#pragma warning disable CA1031 // --help works whatever the environment holds; the run itself reports its problems
        catch (Exception)
#pragma warning restore CA1031
        {
            return [.. options.RequiredVariables];
        }
    }

    /// <summary>
    /// Step 1: the environment, read once for the whole run: the process environment and, in DEV, the nearest
    /// <c>.env</c> from the working directory up to the repository root (see <see cref="DotEnvSearch"/>).
    /// </summary>
    private CivisEnvironment ReadEnvironment()
    {
        if (options.Environment is { } given)
        {
            return given;
        }

        dotEnv = DotEnvSearch.Find(Directory.GetCurrentDirectory());
        return CivisEnvironment.FromProcessEnvironment(dotEnv.Path);
    }

    /// <summary>Says which <c>.env</c> was read, where the host looked for one, or that production ignored it.</summary>
    private void LogDotEnv(CivisEnvironment environment)
    {
        switch (dotEnv)
        {
            case null:
                return; // the environment was given (a test): no .env was looked for
            case { Path: { } path } when environment.IsDev:
                HostLog.DotEnvRead(logger!, path);
                break;
            case { Path: { } path }:
                HostLog.DotEnvIgnored(logger!, path);
                break;
            case var search when environment.IsDev:
                HostLog.DotEnvNotFound(logger!, string.Join(", ", search.SearchedDirectories));
                break;
            default:
                HostLog.DotEnvNotLookedFor(logger!);
                break;
        }
    }

    /// <summary>Step 2: console logging at <c>CIVIS_LOG_LEVEL</c>, with every secret of the environment removed.</summary>
    private void BuildLogging(CivisEnvironment environment)
    {
        redactor = SecretRedactor.FromEnvironment(environment);
        var levelIsValid = CivisJob.TryParseLogLevel(environment.LogLevel, out var level);
        loggerFactory = JobLoggerFactory.Create(output, options.LogFormat, options.MinimumLogLevel ?? level, redactor, options.LoggingConfigurations);
        logger = loggerFactory.CreateLogger(name);
        if (!levelIsValid)
        {
            HostLog.InvalidLogLevel(logger);
        }
    }

    /// <summary>Step 3: every missing variable (declared, and the shipped manifest's required parameters) at once.</summary>
    private void CheckRequiredVariables(CivisEnvironment environment) =>
        environment.Require(ManifestHost.RequiredVariables(environment, options.RequiredVariables));

    /// <summary>Step 4: the starting steps (such as the local warehouse), each layering its variables over the environment.</summary>
    private async Task<CivisEnvironment> RunStartingStepsAsync(CivisEnvironment environment, CancellationToken cancellationToken)
    {
        foreach (var handler in options.StartingHandlers)
        {
            var starting = new CivisJobStartingContext(environment, loggerFactory!, redactor);
            if (await handler(starting, cancellationToken).ConfigureAwait(false) is { } cleanup)
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

        return environment;
    }

    /// <summary>Step 5: the Civis API client, when an API key is set (always on the platform).</summary>
    private CivisClient? CreateClient(CivisEnvironment environment)
    {
        if (string.IsNullOrEmpty(environment.ApiKey))
        {
            return null;
        }

        var clientOptions = CivisClientOptions.FromEnvironment(environment);
        clientOptions.LoggerFactory = loggerFactory;
        options.ConfigureClient?.Invoke(clientOptions);
        return new CivisClient(clientOptions);
    }

    /// <summary>Step 6: the job's services, over the host's own.</summary>
    private ServiceProvider BuildServices(CivisEnvironment environment, WarehouseConnectionFactory warehouses)
    {
        var services = new ServiceCollection();
        services.AddSingleton(environment);
        services.AddSingleton(environment.Configuration);
        services.AddSingleton<ILoggerFactory>(loggerFactory!);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton(redactor);
        services.AddSingleton(warehouses);
        services.AddSingleton(steps);
        if (client is not null)
        {
            services.AddSingleton(client);
        }

        foreach (var configure in options.ServiceConfigurations)
        {
            configure(environment, services);
        }

        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>Step 7: the warehouses, the services and the context, then the job itself.</summary>
    private async Task RunJobAsync(JobCommandLine commandLine, Func<CivisJobContext, CancellationToken, Task> job, CivisEnvironment environment, CancellationToken cancellationToken)
    {
        options.Warehouse.LoggerFactory ??= loggerFactory;
        var warehouses = new WarehouseConnectionFactory(environment, options.Warehouse);
        await using (warehouses.ConfigureAwait(false))
        {
            var services = BuildServices(environment, warehouses);
            await using var servicesScope = services.ConfigureAwait(false);
            var context = new CivisJobContext(name, args, environment, warehouses, loggerFactory!, redactor, client, commandLine.Result, services, steps);
            HostLog.Starting(logger!, name, environment.IsDev ? "DEV" : "production", DescribeRun(environment));
            configuring = false;
            await job(context, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The failure path: one redacted summary on the standard error, the error on the run, the failure handlers.</summary>
    private async Task<int> FailAsync(Exception exception, bool cancellationRequested, PosixSignal? signal)
    {
        var exitCode = CivisJob.ExitCodeFor(exception, cancellationRequested, configuring);
        var summary = redactor.Redact(Summarize(exitCode, exception, signal));
        await errorOutput.WriteLineAsync(exitCode == CivisJobExitCodes.JobFailed
            ? summary + System.Environment.NewLine + redactor.Redact(exception.ToString())
            : summary).ConfigureAwait(false);
        await errorOutput.FlushAsync(CancellationToken.None).ConfigureAwait(false);

        var failure = new CivisJobFailure(name, exception, exitCode, summary, environment, stopwatch.Elapsed);
        await SummarizeAsync(exitCode, failure).ConfigureAwait(false);

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

    /// <summary>
    /// The run summary, at the end of every run: the table of steps, the peak memory and the outcome in the log, and on the
    /// platform the same as a JSON output of the run (<c>summary</c> on success; <c>error</c>, with the failure summary,
    /// on failure; nothing for a cancelled run).
    /// </summary>
    private async Task SummarizeAsync(int exitCode, CivisJobFailure? failure)
    {
        var summary = RunSummary.Create(name, exitCode, stopwatch.Elapsed, steps, redactor);
        if (logger is not null)
        {
            HostLog.RunSummary(logger, summary.ToTable());
        }

        var attach = exitCode == CivisJobExitCodes.Success ? options.AttachSummaryToRun : exitCode != CivisJobExitCodes.Cancelled && options.AttachFailureToRun;
        if (attach && client is not null && environment is { IsOnPlatform: true })
        {
            await AttachSummaryAsync(client, environment, failure is null ? "summary" : "error",
                summary.ToJson(failure?.Summary, failure?.Exception.GetType().FullName)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Posts the summary as a JSON value and attaches it to the run. A platform that does not answer within 30 s is given
    /// up on, and a failure to attach is a warning: the job's own outcome is what counts.
    /// </summary>
    private async Task AttachSummaryAsync(CivisClient client, CivisEnvironment environment, string valueName, string json)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            var value = await client.JsonValues.CreateAsync(json, valueName, timeout.Token).ConfigureAwait(false);
            await client.Scripts.AddContainerRunOutputAsync(environment.JobId!.Value, environment.RunId!.Value, "JSONValue", value.Id!.Value, timeout.Token)
                .ConfigureAwait(false);
        }
#pragma warning disable CA1031 // reporting on the run must not change the run's outcome
        catch (Exception attachException)
#pragma warning restore CA1031
        {
            if (logger is not null)
            {
                HostLog.SummaryAttachFailed(logger, valueName, environment.JobId!.Value, environment.RunId!.Value, attachException);
            }
        }
    }

    /// <summary>The last step, whatever the outcome: the starting steps are disposed in reverse, then the logging.</summary>
    public async ValueTask DisposeAsync()
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

    private string Summarize(int exitCode, Exception exception, PosixSignal? signal) => exitCode switch
    {
        CivisJobExitCodes.Cancelled => string.Create(CultureInfo.InvariantCulture,
            $"{name} was cancelled{(signal is { } s ? " by " + s : string.Empty)} after {Format(stopwatch.Elapsed)} (exit code {exitCode})."),
        CivisJobExitCodes.ConfigurationError => string.Create(CultureInfo.InvariantCulture,
            $"{name} cannot run, its configuration is incomplete (exit code {exitCode}): {exception.Message}"),
        _ => string.Create(CultureInfo.InvariantCulture,
            $"{name} failed after {Format(stopwatch.Elapsed)} (exit code {exitCode}): {exception.GetType().Name}: {exception.Message}"),
    };

    private static string DescribeRun(CivisEnvironment environment) => environment.IsOnPlatform
        ? string.Create(CultureInfo.InvariantCulture, $" (job {environment.JobId}, run {environment.RunId})")
        : string.Empty;

    internal static string Format(TimeSpan elapsed) => elapsed.TotalSeconds < 60
        ? string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:0.0} s")
        : elapsed.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture);
}
