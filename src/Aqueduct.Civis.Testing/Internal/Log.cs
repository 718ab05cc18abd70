using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis.Testing.Internal;

/// <summary>The log messages of <see cref="PostgresServer"/>; none of them carries a password.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "PostgreSQL source {Source} is not available: {Reason}")]
    public static partial void SourceSkipped(ILogger logger, PostgresServerSource source, string reason);

    [LoggerMessage(2, LogLevel.Information, "PostgreSQL server from {Source} ready at {Endpoint} after {ElapsedMilliseconds} ms")]
    public static partial void ServerReady(ILogger logger, PostgresServerSource source, string endpoint, long elapsedMilliseconds);

    [LoggerMessage(3, LogLevel.Debug, "Using the PostgreSQL binaries in {BinDirectory}")]
    public static partial void UsingBinaries(ILogger logger, string binDirectory);

    [LoggerMessage(4, LogLevel.Warning, "Port {Port} was taken before the PostgreSQL server could bind it; trying another port")]
    public static partial void PortClash(ILogger logger, int port);

    [LoggerMessage(5, LogLevel.Warning, "Could not clean up after the PostgreSQL server: {Reason}")]
    public static partial void CleanupFailed(ILogger logger, string reason);

    [LoggerMessage(6, LogLevel.Information, "PostgreSQL server from {Source} at {Endpoint} stopped")]
    public static partial void ServerStopped(ILogger logger, PostgresServerSource source, string endpoint);

    [LoggerMessage(7, LogLevel.Information, "PostgreSQL server at {Endpoint} left running: it is not this process's ({Variable}); the databases created here were dropped")]
    public static partial void ServerLeftRunning(ILogger logger, string endpoint, string variable);

    [LoggerMessage(8, LogLevel.Information, "PostgreSQL server at {Endpoint} kept running in {Directory} for the next run (`dotnet civis local-warehouse remove` removes it)")]
    public static partial void ServerKept(ILogger logger, string endpoint, string directory);
}
