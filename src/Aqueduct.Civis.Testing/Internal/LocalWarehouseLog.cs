using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis.Testing.Internal;

/// <summary>
/// The log messages of <see cref="LocalWarehouse"/>. The connection URIs are printed on purpose, so the author can open
/// them in psql: they belong to a throwaway local server.
/// </summary>
internal static partial class LocalWarehouseLog
{
    [LoggerMessage(101, LogLevel.Information, "Local warehouse on the {Server}:\n  POSTGRES_URI={PostgresUri}\n  REDSHIFT_URI={RedshiftUri}\n  (psql \"$POSTGRES_URI\" opens one; set AQUEDUCT_KEEP_LOCAL_WAREHOUSE=1 to keep it after the job)")]
    public static partial void Started(ILogger logger, string server, string postgresUri, string redshiftUri);

    [LoggerMessage(102, LogLevel.Information, "Local warehouse removed.")]
    public static partial void Removed(ILogger logger);

    [LoggerMessage(103, LogLevel.Information, "Local warehouse kept (AQUEDUCT_KEEP_LOCAL_WAREHOUSE).")]
    public static partial void Kept(ILogger logger);

    [LoggerMessage(104, LogLevel.Warning, "Could not drop the local warehouse database {Database}: {Reason}")]
    public static partial void CleanupFailed(ILogger logger, string database, string reason);
}
