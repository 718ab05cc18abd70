namespace Aqueduct.Civis;

/// <summary>How the job host writes log lines to the standard output (<see cref="CivisJobOptions.LogFormat"/>).</summary>
public enum CivisLogFormat
{
    /// <summary>One line per entry: <c>2026-11-23 23:15:00Z info Job: message</c>, then the exception if any.</summary>
    Text,

    /// <summary>
    /// One JSON object per line, for log collectors: <c>timestamp</c>, <c>level</c>, <c>category</c>, <c>eventId</c>,
    /// <c>message</c>, the message's named values under <c>state</c>, and <c>exception</c> when there is one.
    /// </summary>
    Json,
}
