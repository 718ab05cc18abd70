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

    [LoggerMessage(6, LogLevel.Information, "Read the variables of {Path} (DEV); variables set in the environment win over it.")]
    public static partial void DotEnvRead(ILogger logger, string path);

    [LoggerMessage(7, LogLevel.Information, "Ignored {Path}: .env is read in DEV only, and this run is in production (DEV is not set).")]
    public static partial void DotEnvIgnored(ILogger logger, string path);

    [LoggerMessage(8, LogLevel.Information, "No .env file found (DEV); looked in {Directories}.")]
    public static partial void DotEnvNotFound(ILogger logger, string directories);

    [LoggerMessage(9, LogLevel.Debug, "No .env file found; in production it would be ignored anyway.")]
    public static partial void DotEnvNotLookedFor(ILogger logger);

    [LoggerMessage(10, LogLevel.Information, "{Summary}")]
    public static partial void RunSummary(ILogger logger, string summary);

    [LoggerMessage(11, LogLevel.Warning, "Could not attach the run's {Name} to job {JobId}, run {RunId}; the run's outcome stands.")]
    public static partial void SummaryAttachFailed(ILogger logger, string name, int jobId, int runId, Exception exception);
}
