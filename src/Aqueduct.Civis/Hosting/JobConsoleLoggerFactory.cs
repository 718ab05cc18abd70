using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis.Hosting;

/// <summary>
/// Writes log lines to a text writer synchronously, one line per entry (plus the exception), with every secret removed.
/// Synchronous on purpose: a job's last lines must be out before the process ends, and the platform's run log keeps the
/// order they were written in.
/// </summary>
internal sealed class JobConsoleLoggerFactory(TextWriter writer, LogLevel minimumLevel, SecretRedactor redactor, TimeProvider timeProvider)
    : ILoggerFactory
{
    private readonly Lock writeLock = new();
    private readonly LogLevel minimumLevel = minimumLevel;

    public ILogger CreateLogger(string categoryName) => new JobConsoleLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("The job host's console logger takes no other providers.");

    public void Dispose()
    {
        lock (writeLock)
        {
            writer.Flush();
        }
    }

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        var line = new StringBuilder()
            .Append(timeProvider.GetUtcNow().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture))
            .Append(' ').Append(LevelName(level)).Append(' ').Append(category).Append(": ")
            .Append(message);
        if (exception is not null)
        {
            line.AppendLine().Append(exception);
        }

        var text = redactor.Redact(line.ToString());
        lock (writeLock)
        {
            writer.WriteLine(text);
            writer.Flush();
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

    private sealed class JobConsoleLogger(JobConsoleLoggerFactory provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        // Npgsql logs every command at Information: that is debugging detail for a job, so it shows from Debug down only.
        private readonly LogLevel minimumLevel = category.StartsWith("Npgsql", StringComparison.Ordinal) && provider.minimumLevel == LogLevel.Information
            ? LogLevel.Warning
            : provider.minimumLevel;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= minimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            ArgumentNullException.ThrowIfNull(formatter);
            provider.Write(logLevel, category, formatter(state, exception), exception);
        }
    }
}
