using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis;

/// <summary>How <see cref="CivisJob.RunAsync"/> prepares and runs a job.</summary>
public sealed class CivisJobOptions
{
    private readonly List<Func<CivisJobStartingContext, CancellationToken, Task<IAsyncDisposable?>>> startingHandlers = [];
    private readonly List<Func<CivisJobFailure, CancellationToken, Task>> failureHandlers = [];
    private readonly Dictionary<Command, Func<CivisJobContext, CancellationToken, Task>> commands = [];
    private readonly List<Action<ILoggingBuilder>> loggingConfigurations = [];
    private readonly List<Action<CivisEnvironment, IServiceCollection>> serviceConfigurations = [];

    /// <summary>Creates the options with an empty command line (no arguments; <c>--help</c> and <c>--version</c>).</summary>
    public CivisJobOptions()
    {
        Command = new RootCommand();
        Command.SetAction(static _ => CivisJobExitCodes.Success); // the job itself; the host runs it, not System.CommandLine
    }

    /// <summary>
    /// The job's command line (System.CommandLine): set its <see cref="Symbol.Description"/> (the first line of
    /// <c>--help</c>) and add the <see cref="Option{T}"/>s and <see cref="Argument{T}"/>s the job takes; read their values with
    /// <see cref="CivisJobContext.GetValue{T}(Option{T})"/>. Any argument the command line does not declare is a configuration
    /// error (exit code 78) before anything starts.
    /// </summary>
    public RootCommand Command { get; }

    /// <summary>The variables the job cannot run without; every missing one is reported at once before the job starts.</summary>
    public IList<RequiredVariable> RequiredVariables { get; } = [];

    /// <summary>
    /// The job's name, used as the category of <see cref="CivisJobContext.Logger"/> and in the failure summary.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the entry assembly's name.</value>
    public string? Name { get; set; }

    /// <summary>
    /// The lowest level logged to the console; <see langword="null"/> reads <c>CIVIS_LOG_LEVEL</c>
    /// (<c>trace</c>, <c>debug</c>, <c>info</c>, <c>warning</c>, <c>error</c>, <c>critical</c>, <c>none</c>, any case).
    /// </summary>
    /// <value>The default value is <see langword="null"/>; with <c>CIVIS_LOG_LEVEL</c> unset that is <see cref="LogLevel.Information"/>.</value>
    public LogLevel? MinimumLogLevel { get; set; }

    /// <summary>How log lines are written to <see cref="Output"/>: text lines, or one JSON object per line for a log collector.</summary>
    /// <value>The default value is <see cref="CivisLogFormat.Text"/>.</value>
    public CivisLogFormat LogFormat { get; set; } = CivisLogFormat.Text;

    /// <summary>The options of the job's <see cref="WarehouseConnectionFactory"/>; its logger factory defaults to the job's.</summary>
    public WarehouseOptions Warehouse { get; } = new();

    /// <summary>
    /// The environment to run in; <see langword="null"/> reads the process environment (and <c>.env</c> in DEV) through
    /// <see cref="CivisEnvironment.FromProcessEnvironment(bool)"/>. Tests pass their own.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public CivisEnvironment? Environment { get; set; }

    /// <summary>Where log lines go; <see langword="null"/> for the standard output.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TextWriter? Output { get; set; }

    /// <summary>Where the failure summary goes; <see langword="null"/> for the standard error.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TextWriter? ErrorOutput { get; set; }

    /// <summary>
    /// Whether SIGTERM (how the platform cancels a run) and Ctrl+C cancel the job's token instead of ending the process.
    /// A second Ctrl+C ends the process at once.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool HandleShutdownSignals { get; set; } = true;

    /// <summary>
    /// Changes the options of the job's <see cref="CivisClient"/>, which the host builds from the environment
    /// (<c>CIVIS_API_KEY</c>, <c>CIVIS_API_ENDPOINT</c>, the job and run ids) when an API key is set.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Action<CivisClientOptions>? ConfigureClient { get; set; }

    /// <summary>
    /// Whether a failed run on the platform gets its failure summary (secrets removed) attached as a JSON output
    /// named <c>error</c>, so the error is visible on the run even when the platform's own says nothing. A cancelled
    /// run (exit code 143) is not a failure and gets nothing attached.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool AttachFailureToRun { get; set; } = true;

    /// <summary>
    /// Whether a successful run on the platform gets its run summary (the steps with their rows, bytes and seconds, the
    /// peak memory and the outcome) attached as a JSON output named <c>summary</c>. A failed run's <c>error</c> output
    /// (<see cref="AttachFailureToRun"/>) holds the same summary. A failure to attach is logged as a warning.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool AttachSummaryToRun { get; set; } = true;

    internal IReadOnlyList<Func<CivisJobStartingContext, CancellationToken, Task<IAsyncDisposable?>>> StartingHandlers => startingHandlers;

    internal IReadOnlyList<Func<CivisJobFailure, CancellationToken, Task>> FailureHandlers => failureHandlers;

    internal IReadOnlyDictionary<Command, Func<CivisJobContext, CancellationToken, Task>> Commands => commands;

    internal IReadOnlyList<Action<ILoggingBuilder>> LoggingConfigurations => loggingConfigurations;

    internal IReadOnlyList<Action<CivisEnvironment, IServiceCollection>> ServiceConfigurations => serviceConfigurations;

    /// <summary>
    /// Extends the job's logging: add logger providers (<c>builder.AddProvider(...)</c>, OpenTelemetry) and filters
    /// (<c>builder.AddFilter("Polly", LogLevel.Warning)</c>). Every provider gets its entries through the
    /// <see cref="SecretRedactor"/>: the message, the named values, the scopes and the exception have every secret removed.
    /// The console stays, in <see cref="LogFormat"/>, at <c>CIVIS_LOG_LEVEL</c> (see <see cref="MinimumLogLevel"/>).
    /// </summary>
    /// <param name="configure">Changes the logging builder; runs after the host's console provider is added.</param>
    /// <returns>These options, for chaining.</returns>
    public CivisJobOptions ConfigureLogging(Action<ILoggingBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        loggingConfigurations.Add(configure);
        return this;
    }

    /// <summary>
    /// Registers the job's own services, for example <c>services.AddHttpClient&lt;TripSource&gt;()</c> or settings read
    /// from the environment; the job gets them from <see cref="CivisJobContext.Services"/>. The host has registered
    /// <see cref="CivisEnvironment"/>, its <see cref="Microsoft.Extensions.Configuration.IConfiguration"/>, the logging
    /// (<see cref="ILoggerFactory"/>, <see cref="ILogger{TCategoryName}"/>, behind the redactor), the
    /// <see cref="SecretRedactor"/>, the <see cref="WarehouseConnectionFactory"/>, and the <see cref="CivisClient"/> when
    /// there is an API key. The services are built after the starting steps and disposed when the job ends.
    /// </summary>
    /// <param name="configure">Adds services.</param>
    /// <returns>These options, for chaining.</returns>
    public CivisJobOptions ConfigureServices(Action<IServiceCollection> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        serviceConfigurations.Add((_, services) => configure(services));
        return this;
    }

    /// <summary>
    /// Registers the job's own services with the run's environment at hand, for settings read from it:
    /// <c>(environment, services) =&gt; services.AddSingleton(new SourceSettings(environment.GetRequiredString("SOURCE_URL")))</c>.
    /// </summary>
    /// <param name="configure">Adds services; the environment holds the starting steps' variables.</param>
    /// <returns>These options, for chaining.</returns>
    public CivisJobOptions ConfigureServices(Action<CivisEnvironment, IServiceCollection> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        serviceConfigurations.Add(configure);
        return this;
    }

    /// <summary>
    /// Declares a command the job can be started with instead of its usual work, for example
    /// <c>options.AddCommand("migrate", "Create the tables and exit", MigrateAsync)</c>, run as <c>dotnet Job.dll migrate</c>.
    /// The command runs in the same host as the job (environment, warehouses, logging, exit codes) and is listed by
    /// <c>--help</c>.
    /// </summary>
    /// <param name="name">The command's name, as typed on the command line.</param>
    /// <param name="description">What it does, for <c>--help</c>.</param>
    /// <param name="run">What it runs in place of the job.</param>
    /// <returns>The command, to add its own options and arguments to.</returns>
    public Command AddCommand(string name, string description, Func<CivisJobContext, CancellationToken, Task> run)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(run);
        var command = new Command(name, description);
        command.SetAction(static _ => CivisJobExitCodes.Success);
        Command.Subcommands.Add(command);
        commands[command] = run;
        return command;
    }

    /// <summary>Declares a variable the job cannot run without.</summary>
    /// <param name="name">The variable or parameter name, for example <c>BIKESHARE_USERNAME</c>.</param>
    /// <param name="message">What to tell the person running the job when it is missing.</param>
    /// <returns>These options, for chaining.</returns>
    public CivisJobOptions Require(string name, string? message = null)
    {
        RequiredVariables.Add(new RequiredVariable(name, message));
        return this;
    }

    /// <summary>
    /// Adds a step that runs after the required variables are checked and before the warehouses are set up: it may
    /// set variables for the job (<see cref="CivisJobStartingContext.SetVariable"/>) and return something to dispose
    /// when the job ends. <c>UseLocalWarehouse()</c> of <c>Aqueduct.Civis.Testing</c> is one.
    /// </summary>
    /// <param name="handler">The step; steps run in the order they were added and are disposed in reverse.</param>
    /// <returns>These options, for chaining.</returns>
    public CivisJobOptions OnStarting(Func<CivisJobStartingContext, CancellationToken, Task<IAsyncDisposable?>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        startingHandlers.Add(handler);
        return this;
    }

    /// <summary>
    /// Adds a handler that runs when the job fails or is cancelled, after the summary is printed (for example to attach
    /// the error to the run). An exception it throws is logged and does not change the exit code.
    /// </summary>
    /// <param name="handler">The handler.</param>
    /// <returns>These options, for chaining.</returns>
    public CivisJobOptions OnFailure(Func<CivisJobFailure, CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        failureHandlers.Add(handler);
        return this;
    }
}
