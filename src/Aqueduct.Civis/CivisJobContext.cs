using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis;

/// <summary>What a job gets from <see cref="CivisJob.RunAsync"/>: its environment, warehouses, logger and arguments.</summary>
public sealed class CivisJobContext
{
    private CivisWarehouse? _postgres;
    private CivisWarehouse? _redshift;

    internal CivisJobContext(
        string name,
        IReadOnlyList<string> arguments,
        CivisEnvironment environment,
        WarehouseConnectionFactory warehouses,
        ILoggerFactory loggerFactory,
        SecretRedactor redactor,
        CivisClient? client,
        ParseResult parseResult,
        IServiceProvider services,
        CivisJobSteps steps)
    {
        Steps = steps;
        Services = services;
        ParseResult = parseResult;
        Client = client;
        Name = name;
        Arguments = arguments;
        Environment = environment;
        Warehouses = warehouses;
        LoggerFactory = loggerFactory;
        Logger = loggerFactory.CreateLogger(name);
        Redactor = redactor;
    }

    /// <summary>The job's name (see <see cref="CivisJobOptions.Name"/>).</summary>
    public string Name { get; }

    /// <summary>The command-line arguments the job was started with, as they were given.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>The parsed command line (see <see cref="CivisJobOptions.Command"/>); it has no errors, the host stopped on those.</summary>
    public ParseResult ParseResult { get; }

    /// <summary>The command the job was started with (<see cref="CivisJobOptions.AddCommand"/>), or <see langword="null"/> for the job itself.</summary>
    public string? CommandName => ParseResult.CommandResult.Command is RootCommand ? null : ParseResult.CommandResult.Command.Name;

    /// <summary>The value of one of the job's options, or its default when it was not given.</summary>
    /// <typeparam name="T">The option's type.</typeparam>
    /// <param name="option">An option added to <see cref="CivisJobOptions.Command"/> or to a command.</param>
    /// <returns>The value.</returns>
    public T? GetValue<T>(Option<T> option) => ParseResult.GetValue(option);

    /// <summary>The value of one of the job's arguments, or its default when it was not given.</summary>
    /// <typeparam name="T">The argument's type.</typeparam>
    /// <param name="argument">An argument added to <see cref="CivisJobOptions.Command"/> or to a command.</param>
    /// <returns>The value.</returns>
    public T? GetValue<T>(Argument<T> argument) => ParseResult.GetValue(argument);

    /// <summary>The job's environment: DEV, ids, parameters and credentials, with the starting steps' variables.</summary>
    public CivisEnvironment Environment { get; }

    /// <summary>
    /// The Civis API client, built from the environment when <c>CIVIS_API_KEY</c> is set (always on the platform),
    /// otherwise <see langword="null"/>.
    /// </summary>
    public CivisClient? Client { get; }

    /// <summary>The Civis API client, or a clear error naming <c>CIVIS_API_KEY</c> when there is none.</summary>
    /// <returns>The client.</returns>
    /// <exception cref="CivisEnvironmentException">No API key is set.</exception>
    public CivisClient GetRequiredClient() => Client ?? throw new CivisEnvironmentException(
        $"This job calls the Civis API, which needs an API key: {PlatformVariables.ApiKey} is not set. " +
        "The platform sets it on every run; for a local run put it in .env.", [PlatformVariables.ApiKey]);

    /// <summary>The Postgres warehouse's front door: loads, exports and queries on the right route (see <see cref="CivisWarehouse"/>).</summary>
    public CivisWarehouse Postgres => _postgres ??= Warehouses.GetWarehouse(Warehouse.Postgres, Client, WarehouseOptions);

    /// <summary>The Redshift warehouse's front door: direct in DEV, through the Civis API in production (see <see cref="CivisWarehouse"/>).</summary>
    public CivisWarehouse Redshift => _redshift ??= Warehouses.GetWarehouse(Warehouse.Redshift, Client, WarehouseOptions);

    /// <summary>Options of the front doors, read when <see cref="Postgres"/> or <see cref="Redshift"/> is first used; unset values come from the environment.</summary>
    public CivisWarehouseOptions WarehouseOptions { get; } = new();

    /// <summary>Gets a warehouse's front door: <see cref="Postgres"/> or <see cref="Redshift"/>.</summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <returns>Its front door.</returns>
    public CivisWarehouse GetWarehouse(Warehouse warehouse) => warehouse switch
    {
        Warehouse.Postgres => Postgres,
        Warehouse.Redshift => Redshift,
        _ => throw new ArgumentOutOfRangeException(nameof(warehouse), warehouse, "Unknown warehouse."),
    };

    /// <summary>Connections to the Postgres and Redshift warehouses, for SQL and Dapper (<c>GetDataSource</c>); disposed by the host when the job ends.</summary>
    public WarehouseConnectionFactory Warehouses { get; }

    /// <summary>The run's steps, for the summary the host prints at the end and attaches to the run on the platform.</summary>
    public CivisJobSteps Steps { get; }

    /// <summary>
    /// Begins a step of the run summary: <c>using var step = job.BeginStep("load trips");</c> then set its
    /// <see cref="CivisJobStep.Rows"/> and <see cref="CivisJobStep.Bytes"/>; it is recorded, with its time, when disposed.
    /// </summary>
    /// <param name="name">What the step does.</param>
    /// <returns>The step.</returns>
    public CivisJobStep BeginStep(string name) => Steps.Begin(name);

    /// <summary>The job's services: its own (<see cref="CivisJobOptions.ConfigureServices(Action{IServiceCollection})"/>) and the host's.</summary>
    public IServiceProvider Services { get; }

    /// <summary>Gets one of the job's services, or a clear error when it was not registered.</summary>
    /// <typeparam name="T">The service's type.</typeparam>
    /// <returns>The service.</returns>
    /// <exception cref="InvalidOperationException">No such service is registered.</exception>
    public T GetRequiredService<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>The job's logger, named after the job.</summary>
    public ILogger Logger { get; }

    /// <summary>The logger factory for the job's own classes; console output with secrets removed.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Removes the environment's secrets from text, for anything the job prints itself.</summary>
    public SecretRedactor Redactor { get; }
}
