using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis.Testing.Internal;

/// <summary>
/// The log messages of <see cref="LocalWarehouse"/>. The connection URIs are printed on purpose, so the author can open
/// them in psql: they belong to a throwaway local server.
/// </summary>
internal static partial class LocalWarehouseLog
{
    [LoggerMessage(101, LogLevel.Information, "Local warehouse on the {Server}:\n  POSTGRES_URI={PostgresUri}\n  REDSHIFT_URI={RedshiftUri}\n  (psql opens either as it is: psql '{PostgresUri}'; {KeepHint})")]
    public static partial void Started(ILogger logger, string server, string postgresUri, string redshiftUri, string keepHint);

    [LoggerMessage(102, LogLevel.Information, "Local warehouse removed.")]
    public static partial void Removed(ILogger logger);

    [LoggerMessage(103, LogLevel.Information, "Local warehouse kept (AQUEDUCT_KEEP_LOCAL_WAREHOUSE): {How}.")]
    public static partial void Kept(ILogger logger, string how);

    [LoggerMessage(104, LogLevel.Warning, "Could not drop the local warehouse database {Database}: {Reason}")]
    public static partial void CleanupFailed(ILogger logger, string database, string reason);
}
