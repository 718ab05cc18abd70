namespace Aqueduct.Civis;

/// <summary>One finished step of a run, as the run summary shows it (see <see cref="CivisJobSteps"/>).</summary>
public sealed class CivisJobStepResult
{
    /// <summary>Creates a finished step.</summary>
    /// <param name="name">What the step did, for example <c>load trips</c>.</param>
    /// <param name="rows">The rows it moved, or <see langword="null"/> when it counts none.</param>
    /// <param name="bytes">The bytes it moved, or <see langword="null"/> when it counts none.</param>
    /// <param name="elapsed">How long it took.</param>
    public CivisJobStepResult(string name, long? rows, long? bytes, TimeSpan elapsed)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Rows = rows;
        Bytes = bytes;
        Elapsed = elapsed;
    }

    /// <summary>What the step did.</summary>
    public string Name { get; }

    /// <summary>The rows it moved, or <see langword="null"/> when it counts none.</summary>
    public long? Rows { get; }

    /// <summary>The bytes it moved, or <see langword="null"/> when it counts none.</summary>
    public long? Bytes { get; }

    /// <summary>How long it took.</summary>
    public TimeSpan Elapsed { get; }
}
