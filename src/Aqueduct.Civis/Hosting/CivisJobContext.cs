using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis;

/// <summary>What a job gets from <see cref="CivisJob.RunAsync"/>: its environment, warehouses, logger and arguments.</summary>
public sealed class CivisJobContext
{
    internal CivisJobContext(
        string name,
        IReadOnlyList<string> arguments,
        CivisEnvironment environment,
        WarehouseConnectionFactory warehouses,
        ILoggerFactory loggerFactory,
        SecretRedactor redactor)
    {
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

    /// <summary>The command-line arguments the job was started with.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>The job's environment: DEV, ids, parameters and credentials, with the starting steps' variables.</summary>
    public CivisEnvironment Environment { get; }

    /// <summary>Connections to the Postgres and Redshift warehouses; disposed by the host when the job ends.</summary>
    public WarehouseConnectionFactory Warehouses { get; }

    /// <summary>The job's logger, named after the job.</summary>
    public ILogger Logger { get; }

    /// <summary>The logger factory for the job's own classes; console output with secrets removed.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Removes the environment's secrets from text, for anything the job prints itself.</summary>
    public SecretRedactor Redactor { get; }
}
