using System.Diagnostics;

namespace Aqueduct.Civis;

/// <summary>
/// A step under way: <c>using var step = job.BeginStep("load trips");</c>, then <c>step.Rows = result.RowsInserted;</c>.
/// Disposing it records it in <see cref="CivisJobSteps"/> with the time since it began; a step is recorded once.
/// </summary>
public sealed class CivisJobStep : IDisposable
{
    private readonly CivisJobSteps steps;
    private readonly Stopwatch stopwatch = Stopwatch.StartNew();
    private readonly Activity? activity;
    private int recorded;

    internal CivisJobStep(CivisJobSteps steps, string name)
    {
        this.steps = steps;
        Name = name;
        activity = JobTelemetry.Source.StartActivity(CivisTelemetry.StepActivity)?.SetTag("civis.step.name", name);
    }

    /// <summary>What the step does.</summary>
    public string Name { get; }

    /// <summary>The rows the step moved, or <see langword="null"/> when it counts none.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public long? Rows { get; set; }

    /// <summary>The bytes the step moved, or <see langword="null"/> when it counts none.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public long? Bytes { get; set; }

    /// <summary>How long the step has taken so far.</summary>
    public TimeSpan Elapsed => stopwatch.Elapsed;

    /// <summary>Adds to <see cref="Rows"/> (for a step that counts as it goes); thread-safe with other calls of this method.</summary>
    /// <param name="rows">The rows to add.</param>
    public void AddRows(long rows)
    {
        lock (stopwatch)
        {
            Rows = (Rows ?? 0) + rows;
        }
    }

    /// <summary>Adds to <see cref="Bytes"/>; thread-safe with other calls of this method.</summary>
    /// <param name="bytes">The bytes to add.</param>
    public void AddBytes(long bytes)
    {
        lock (stopwatch)
        {
            Bytes = (Bytes ?? 0) + bytes;
        }
    }

    /// <summary>Records the step with its rows, bytes and the time since it began.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref recorded, 1) == 0)
        {
            stopwatch.Stop();
            activity?.SetTag("civis.step.rows", Rows).SetTag("civis.step.bytes", Bytes).Dispose();
            steps.Record(Name, stopwatch.Elapsed, Rows, Bytes);
        }
    }
}
