namespace Aqueduct.Civis;

/// <summary>A failed or cancelled run, as handed to <see cref="CivisJobOptions.OnFailure"/>.</summary>
public sealed class CivisJobFailure
{
    internal CivisJobFailure(string jobName, Exception exception, int exitCode, string summary, CivisEnvironment? environment, TimeSpan elapsed)
    {
        JobName = jobName;
        Exception = exception;
        ExitCode = exitCode;
        Summary = summary;
        Environment = environment;
        Elapsed = elapsed;
    }

    /// <summary>The job's name.</summary>
    public string JobName { get; }

    /// <summary>What went wrong. Its message may hold a secret: print <see cref="Summary"/> instead.</summary>
    public Exception Exception { get; }

    /// <summary>The exit code the process will end with (see <see cref="CivisJobExitCodes"/>).</summary>
    public int ExitCode { get; }

    /// <summary>The one-line summary that was printed, with every secret removed.</summary>
    public string Summary { get; }

    /// <summary>The job's environment, or <see langword="null"/> when it could not be read.</summary>
    public CivisEnvironment? Environment { get; }

    /// <summary>How long the run took until it failed.</summary>
    public TimeSpan Elapsed { get; }
}
