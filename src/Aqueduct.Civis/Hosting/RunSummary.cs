using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Aqueduct.Civis.Hosting;

/// <summary>
/// The summary of a run: its steps (name, rows, bytes, seconds), the peak memory and the outcome, as the table the host
/// logs at the end and as the JSON it attaches to the run on the platform. Every text in it is redacted.
/// </summary>
internal sealed class RunSummary
{
    private RunSummary(string job, int exitCode, TimeSpan elapsed, IReadOnlyList<CivisJobStepResult> steps, long peakWorkingSet)
    {
        Job = job;
        ExitCode = exitCode;
        Elapsed = elapsed;
        Steps = steps;
        PeakWorkingSet = peakWorkingSet;
    }

    public string Job { get; }

    public int ExitCode { get; }

    public TimeSpan Elapsed { get; }

    public IReadOnlyList<CivisJobStepResult> Steps { get; }

    /// <summary>The process's peak working set, in bytes (<see cref="System.Diagnostics.Process.PeakWorkingSet64"/>).</summary>
    public long PeakWorkingSet { get; }

    public string Outcome => ExitCode switch
    {
        CivisJobExitCodes.Success => "success",
        CivisJobExitCodes.ConfigurationError => "configuration error",
        CivisJobExitCodes.Cancelled => "cancelled",
        _ => "failed",
    };

    public static RunSummary Create(string job, int exitCode, TimeSpan elapsed, CivisJobSteps steps, SecretRedactor redactor)
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        var peak = Math.Max(process.PeakWorkingSet64, process.WorkingSet64);
        var redacted = steps.Select(s => new CivisJobStepResult(redactor.Redact(s.Name), s.Rows, s.Bytes, s.Elapsed)).ToList();
        return new RunSummary(job, exitCode, elapsed, redacted, peak);
    }

    /// <summary>The table: a header line, one line per step, and the outcome.</summary>
    public string ToTable()
    {
        var rows = Steps.Select(s => (s.Name, Rows: s.Rows is { } r ? r.ToString("N0", CultureInfo.InvariantCulture) : "-",
            Bytes: s.Bytes is { } b ? FormatBytes(b) : "-", Seconds: s.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture))).ToList();
        var nameWidth = Math.Max("step".Length, rows.Count == 0 ? 0 : rows.Max(r => r.Name.Length));
        var rowsWidth = Math.Max("rows".Length, rows.Count == 0 ? 0 : rows.Max(r => r.Rows.Length));
        var bytesWidth = Math.Max("bytes".Length, rows.Count == 0 ? 0 : rows.Max(r => r.Bytes.Length));
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Run summary of {Job}: {Outcome} (exit code {ExitCode}) in {JobHostRun.Format(Elapsed)}, peak memory {FormatBytes(PeakWorkingSet)}");
        if (rows.Count == 0)
        {
            return text.Append("; no steps recorded.").ToString();
        }

        text.AppendLine().Append("  ").Append("step".PadRight(nameWidth)).Append("  ").Append("rows".PadLeft(rowsWidth))
            .Append("  ").Append("bytes".PadLeft(bytesWidth)).Append("  seconds");
        foreach (var row in rows)
        {
            text.AppendLine().Append("  ").Append(row.Name.PadRight(nameWidth)).Append("  ").Append(row.Rows.PadLeft(rowsWidth))
                .Append("  ").Append(row.Bytes.PadLeft(bytesWidth)).Append("  ").Append(row.Seconds.PadLeft("seconds".Length));
        }

        return text.ToString();
    }

    /// <summary>The JSON attached to the run; a failure adds its redacted <paramref name="error"/> and exception type.</summary>
    public string ToJson(string? error = null, string? exceptionType = null)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("job", Job);
            json.WriteString("outcome", Outcome);
            json.WriteNumber("exitCode", ExitCode);
            if (error is not null)
            {
                json.WriteString("error", error);
                json.WriteString("exception", exceptionType);
            }

            json.WriteNumber("elapsedSeconds", Math.Round(Elapsed.TotalSeconds, 3));
            json.WriteNumber("peakWorkingSetBytes", PeakWorkingSet);
            json.WriteStartArray("steps");
            foreach (var step in Steps)
            {
                json.WriteStartObject();
                json.WriteString("name", step.Name);
                WriteNullable(json, "rows", step.Rows);
                WriteNullable(json, "bytes", step.Bytes);
                json.WriteNumber("seconds", Math.Round(step.Elapsed.TotalSeconds, 3));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    internal static string FormatBytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.00} GB"),
    };
}
