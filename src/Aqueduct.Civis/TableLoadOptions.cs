namespace Aqueduct.Civis;

/// <summary>How a load runs: the bound on each statement it sends.</summary>
public sealed class TableLoadOptions
{
    /// <summary>The default <see cref="CommandTimeout"/>: 30 minutes, long enough for a merge of tens of millions of rows.</summary>
    public static readonly TimeSpan DefaultCommandTimeout = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long any one statement of the load (a lock, the copy, the merge, the commit) may wait for the server
    /// before the load fails, rolls back and names the step that timed out. During the copy it bounds each write
    /// to the server. <see cref="TimeSpan.Zero"/> turns the bound off.
    /// </summary>
    /// <value>The default value is <see cref="DefaultCommandTimeout"/> (30 minutes).</value>
    public TimeSpan CommandTimeout { get; init; } = DefaultCommandTimeout;

    /// <summary>The options used when none are passed.</summary>
    internal static TableLoadOptions Default { get; } = new();
}
