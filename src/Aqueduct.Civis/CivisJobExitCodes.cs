namespace Aqueduct.Civis;

/// <summary>The exit codes <see cref="CivisJob.RunAsync"/> returns, so schedulers and scripts can tell outcomes apart.</summary>
public static class CivisJobExitCodes
{
    /// <summary>The job finished: 0.</summary>
    public const int Success = 0;

    /// <summary>The job threw an exception: 1.</summary>
    public const int JobFailed = 1;

    /// <summary>
    /// The job could not start or stopped because a variable is missing or malformed (a
    /// <see cref="CivisEnvironmentException"/>, or a malformed <c>.env</c> file): 78, <c>EX_CONFIG</c> of <c>sysexits.h</c>.
    /// </summary>
    public const int ConfigurationError = 78;

    /// <summary>
    /// The run was cancelled (SIGTERM from the platform, Ctrl+C, or the caller's token): 143, what a process ended by
    /// SIGTERM (128 + 15) reports.
    /// </summary>
    public const int Cancelled = 143;
}
