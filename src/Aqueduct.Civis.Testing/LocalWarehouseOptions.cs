using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis.Testing;

/// <summary>How <see cref="LocalWarehouse.StartAsync"/> finds or starts the mock warehouses.</summary>
public sealed class LocalWarehouseOptions
{
    /// <summary>The variable that keeps the local warehouse after the job when set to <c>1</c> or <c>true</c>: <c>AQUEDUCT_KEEP_LOCAL_WAREHOUSE</c>.</summary>
    public const string KeepVariable = "AQUEDUCT_KEEP_LOCAL_WAREHOUSE";

    /// <summary>
    /// Whether to keep the warehouse when it is disposed: its server (from the machine's PostgreSQL binaries, in
    /// <see cref="LocalWarehouse.GetKeptDirectory"/>) keeps running with its two databases, and the next start reuses
    /// them; <see cref="LocalWarehouse.RemoveKeptAsync"/> removes them.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: read <see cref="KeepVariable"/>, else <see langword="false"/>.</value>
    public bool? Keep { get; set; }

    /// <summary>How the throwaway server is found or started (an existing server, Docker, or the PostgreSQL binaries).</summary>
    public PostgresServerOptions Server { get; } = new();

    /// <summary>Receives the connection strings and progress messages.</summary>
    /// <value>The default value is <see langword="null"/> (nothing is logged).</value>
    public ILogger? Logger { get; set; }

    /// <summary>Reads an environment variable by name (<c>POSTGRES_URI</c>, <c>REDSHIFT_URI</c>, <see cref="KeepVariable"/>).</summary>
    /// <value>The default value is <see langword="null"/>, which reads the process environment.</value>
    public Func<string, string?>? GetEnvironmentVariable { get; set; }
}
