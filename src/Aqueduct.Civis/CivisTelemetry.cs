using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Aqueduct.Civis;

/// <summary>
/// The names of the job host's traces and metrics, for a job that adds OpenTelemetry
/// (<c>tracing.AddSource(CivisTelemetry.Name)</c>, <c>metrics.AddMeter(CivisTelemetry.Name)</c>): a span per run
/// (<see cref="RunActivity"/>) with a child span per step (<see cref="StepActivity"/>), and counters of the rows and
/// bytes the steps moved.
/// </summary>
public static class CivisTelemetry
{
    /// <summary>The <see cref="ActivitySource"/> and <see cref="Meter"/> name: <c>Aqueduct.Civis</c>.</summary>
    public const string Name = "Aqueduct.Civis";

    /// <summary>The span of a run: <c>civis.job.run</c>, tagged <c>civis.job.name</c>, <c>civis.job.mode</c>, <c>civis.job.id</c>, <c>civis.run.id</c> and <c>civis.job.exit_code</c>.</summary>
    public const string RunActivity = "civis.job.run";

    /// <summary>The span of a step begun with <see cref="CivisJobContext.BeginStep"/>: <c>civis.job.step</c>, tagged <c>civis.step.name</c>, <c>civis.step.rows</c> and <c>civis.step.bytes</c>.</summary>
    public const string StepActivity = "civis.job.step";

    /// <summary>The counter of rows the steps moved: <c>civis.job.step.rows</c>, tagged <c>civis.step.name</c>.</summary>
    public const string RowsCounter = "civis.job.step.rows";

    /// <summary>The counter of bytes the steps moved: <c>civis.job.step.bytes</c>, tagged <c>civis.step.name</c>.</summary>
    public const string BytesCounter = "civis.job.step.bytes";

    /// <summary>The histogram of step durations in seconds: <c>civis.job.step.duration</c>, tagged <c>civis.step.name</c>.</summary>
    public const string DurationHistogram = "civis.job.step.duration";
}
