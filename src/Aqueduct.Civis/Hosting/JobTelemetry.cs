using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Aqueduct.Civis.Hosting;

/// <summary>The job host's <see cref="ActivitySource"/> and <see cref="Meter"/> (names in <see cref="CivisTelemetry"/>).</summary>
internal static class JobTelemetry
{
    public static readonly ActivitySource Source = new(CivisTelemetry.Name, typeof(JobTelemetry).Assembly.GetName().Version?.ToString());

    private static readonly Meter Meter = new(CivisTelemetry.Name, typeof(JobTelemetry).Assembly.GetName().Version?.ToString());

    private static readonly Counter<long> Rows = Meter.CreateCounter<long>(CivisTelemetry.RowsCounter, "{row}", "Rows the job's steps moved.");

    private static readonly Counter<long> Bytes = Meter.CreateCounter<long>(CivisTelemetry.BytesCounter, "By", "Bytes the job's steps moved.");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(CivisTelemetry.DurationHistogram, "s", "How long the job's steps took.");

    /// <summary>Counts a finished step.</summary>
    public static void StepFinished(string name, TimeSpan elapsed, long? rows, long? bytes)
    {
        var tag = new KeyValuePair<string, object?>("civis.step.name", name);
        if (rows is { } r)
        {
            Rows.Add(r, tag);
        }

        if (bytes is { } b)
        {
            Bytes.Add(b, tag);
        }

        Duration.Record(elapsed.TotalSeconds, tag);
    }
}
