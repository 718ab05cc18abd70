using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis.Hosting;

/// <summary>
/// Writes log lines to a text writer synchronously, one entry per line (text, or one JSON object), with every secret
/// removed. Synchronous on purpose: a job's last lines must be out before the process ends, and the platform's run log
/// keeps the order they were written in. Levels and categories are filtered by the logger factory, not here.
/// </summary>
internal sealed class JobConsoleLoggerProvider(TextWriter writer, CivisLogFormat format, SecretRedactor redactor, TimeProvider timeProvider)
    : ILoggerProvider
{
    private readonly Lock writeLock = new();

    public ILogger CreateLogger(string categoryName) => new JobConsoleLogger(this, categoryName);

    public void Dispose()
    {
        lock (writeLock)
        {
            writer.Flush();
        }
    }

    private void Write<TState>(LogLevel level, string category, EventId eventId, TState state, string message, Exception? exception)
    {
        var line = format == CivisLogFormat.Json
            ? JsonLine(level, category, eventId, state, message, exception)
            : TextLine(level, category, message, exception);
        lock (writeLock)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }

    private string TextLine(LogLevel level, string category, string message, Exception? exception)
    {
        var line = new StringBuilder()
            .Append(timeProvider.GetUtcNow().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture))
            .Append(' ').Append(LevelName(level)).Append(' ').Append(category).Append(": ")
            .Append(message);
        if (exception is not null)
        {
            line.AppendLine().Append(exception);
        }

        return redactor.Redact(line.ToString());
    }

    /// <summary>One JSON object; each string is redacted before it is written, so the line stays valid JSON.</summary>
    private string JsonLine<TState>(LogLevel level, string category, EventId eventId, TState state, string message, Exception? exception)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", timeProvider.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("level", level.ToString());
            json.WriteString("category", category);
            json.WriteNumber("eventId", eventId.Id);
            json.WriteString("message", redactor.Redact(message));
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values && values.Count > 0)
            {
                json.WriteStartObject("state");
                foreach (var (key, value) in values)
                {
                    WriteValue(json, key, value);
                }

                json.WriteEndObject();
            }

            if (exception is not null)
            {
                json.WriteString("exception", redactor.Redact(exception.ToString()));
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private void WriteValue(Utf8JsonWriter json, string key, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNull(key);
                break;
            case bool b:
                json.WriteBoolean(key, b);
                break;
            case int or long or short or byte or sbyte or ushort or uint or ulong or decimal:
                json.WriteNumber(key, Convert.ToDecimal(value, CultureInfo.InvariantCulture));
                break;
            case double d when double.IsFinite(d):
                json.WriteNumber(key, d);
                break;
            case float f when float.IsFinite(f):
                json.WriteNumber(key, f);
                break;
            default:
                json.WriteString(key, redactor.Redact(Convert.ToString(value, CultureInfo.InvariantCulture)));
                break;
        }
    }

    internal static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };

    private sealed class JobConsoleLogger(JobConsoleLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            ArgumentNullException.ThrowIfNull(formatter);
            provider.Write(logLevel, category, eventId, state, formatter(state, exception), exception);
        }
    }
}
