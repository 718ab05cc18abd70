using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis.Hosting;

/// <summary>The job host's log messages.</summary>
internal static partial class HostLog
{
    [LoggerMessage(1, LogLevel.Information, "Starting {Job} in {Mode} mode{Run}.")]
    public static partial void Starting(ILogger logger, string job, string mode, string run);

    [LoggerMessage(2, LogLevel.Information, "{Job} finished in {Elapsed}.")]
    public static partial void Finished(ILogger logger, string job, string elapsed);

    [LoggerMessage(3, LogLevel.Warning, "CIVIS_LOG_LEVEL is not a log level (trace, debug, info, warning, error, critical, none); logging at Information.")]
    public static partial void InvalidLogLevel(ILogger logger);

    [LoggerMessage(4, LogLevel.Warning, "A failure handler failed.")]
    public static partial void FailureHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "Cleaning up after the job failed.")]
    public static partial void CleanupFailed(ILogger logger, Exception exception);
}
