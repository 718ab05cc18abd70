using Microsoft.Extensions.Logging;
using Npgsql;

namespace Aqueduct.Civis;

/// <summary>Options of a <see cref="WarehouseConnectionFactory"/>.</summary>
public sealed class WarehouseOptions
{
    /// <summary>The default name of the Postgres database parameter: <c>POSTGRES</c>.</summary>
    public const string DefaultPostgresParameterName = "POSTGRES";

    /// <summary>The default name of the Redshift database parameter: <c>REDSHIFT</c>.</summary>
    public const string DefaultRedshiftParameterName = "REDSHIFT";

    /// <summary>Redshift's port, used when the platform injects none: 5439.</summary>
    public const int DefaultRedshiftPort = 5439;

    /// <summary>
    /// The name of the script's database parameter for the Postgres warehouse (its variables are
    /// <c>NAME_HOST</c>, <c>NAME_PORT</c>, …).
    /// </summary>
    /// <value>The default value is <c>POSTGRES</c>.</value>
    public string PostgresParameterName { get; set; } = DefaultPostgresParameterName;

    /// <summary>The name of the script's database parameter for the Redshift warehouse.</summary>
    /// <value>The default value is <c>REDSHIFT</c>.</value>
    public string RedshiftParameterName { get; set; } = DefaultRedshiftParameterName;

    /// <summary>
    /// The application name the connections report to the server (<c>pg_stat_activity</c>), or
    /// <see langword="null"/> for <c>aqueduct-civis</c> with the job and run ids when on the platform.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ApplicationName { get; set; }

    /// <summary>The logger factory handed to Npgsql, or <see langword="null"/> for no logging.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// A last chance to change a data source before it is built (type mappings, pool size, …).
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Action<Warehouse, NpgsqlDataSourceBuilder>? ConfigureDataSource { get; set; }

    /// <summary>The database parameter name for a warehouse.</summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <returns>The parameter name.</returns>
    public string GetParameterName(Warehouse warehouse) => warehouse switch
    {
        Warehouse.Postgres => PostgresParameterName,
        Warehouse.Redshift => RedshiftParameterName,
        _ => throw new ArgumentOutOfRangeException(nameof(warehouse), warehouse, "Unknown warehouse."),
    };
}
