namespace Aqueduct.Civis;

/// <summary>
/// A run that was waited for ended <c>failed</c> or <c>cancelled</c>. Carries the job and run ids, the
/// run's error and, when the platform gave none (common for container runs), the run's last log lines.
/// </summary>
public class CivisRunFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="jobId">The job (script, import, query) the run belongs to.</param>
    /// <param name="runId">The run.</param>
    /// <param name="state">The run's final state, <c>failed</c> or <c>cancelled</c>.</param>
    /// <param name="error">The run's error as the platform reported it.</param>
    /// <param name="logTail">The run's last log lines, oldest first.</param>
    public CivisRunFailedException(string message, int jobId, int runId, string state, string? error, IReadOnlyList<string> logTail)
        : base(message)
    {
        JobId = jobId;
        RunId = runId;
        State = state;
        RunError = error;
        LogTail = logTail;
    }

    /// <summary>The job (script, import, query) the run belongs to.</summary>
    public int JobId { get; }

    /// <summary>The run.</summary>
    public int RunId { get; }

    /// <summary>The run's final state: <c>failed</c> or <c>cancelled</c>.</summary>
    public string State { get; }

    /// <summary>The run's error as the platform reported it, often empty for container runs.</summary>
    public string? RunError { get; }

    /// <summary>The run's last log lines, oldest first; empty when the platform reported an error or had no logs.</summary>
    public IReadOnlyList<string> LogTail { get; }

    /// <summary>Whether the run was cancelled rather than failed.</summary>
    public bool IsCancelled => string.Equals(State, "cancelled", StringComparison.OrdinalIgnoreCase);
}
