using System.Collections;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis.Hosting;

/// <summary>
/// Puts the <see cref="SecretRedactor"/> in front of a logger provider the job added: what reaches the provider, the
/// formatted message, every named value of the state, the scopes and the exception, has every secret removed. A
/// provider that reads the state (a JSON formatter, OpenTelemetry) sees the same masked values as one that formats.
/// </summary>
internal sealed class RedactingLoggerProvider(ILoggerProvider inner, SecretRedactor redactor) : ILoggerProvider
{
    /// <summary>The provider behind the redactor.</summary>
    public ILoggerProvider Inner => inner;

    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName), redactor);

    public void Dispose() => inner.Dispose();

    private sealed class RedactingLogger(ILogger inner, SecretRedactor redactor) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(new RedactedState(state, state.ToString(), redactor));

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            var redacted = new RedactedState(state, formatter(state, exception), redactor);
            inner.Log(logLevel, eventId, redacted, exception is null ? null : new RedactedException(exception, redactor), static (s, _) => s.ToString());
        }
    }

    /// <summary>A state whose message and named values are redacted; values that cannot hold text (numbers, booleans, dates) stay typed.</summary>
    private sealed class RedactedState : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly string message;
        private readonly KeyValuePair<string, object?>[] values;

        public RedactedState(object? state, string? message, SecretRedactor redactor)
        {
            this.message = redactor.Redact(message);
            values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? [.. pairs.Select(p => new KeyValuePair<string, object?>(p.Key, Redact(p.Value, redactor)))]
                : [];
        }

        public int Count => values.Length;

        public KeyValuePair<string, object?> this[int index] => values[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)values).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => message;

        private static object? Redact(object? value, SecretRedactor redactor) => value switch
        {
            null => null,
            bool or byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal => value,
            DateTime or DateTimeOffset or TimeSpan or DateOnly or TimeOnly or Guid => value,
            _ => redactor.Redact(Convert.ToString(value, CultureInfo.InvariantCulture)),
        };
    }
}

/// <summary>
/// An exception as a logger provider sees it behind the redactor: its message, text and stack trace have every secret
/// removed; <see cref="OriginalType"/> names the exception that was logged.
/// </summary>
internal sealed class RedactedException : Exception
{
    private readonly string text;
    private readonly string? stackTrace;

    public RedactedException(Exception original, SecretRedactor redactor)
        : base(redactor.Redact(original.Message))
    {
        OriginalType = original.GetType().FullName ?? original.GetType().Name;
        text = redactor.Redact(original.ToString());
        stackTrace = original.StackTrace is { } trace ? redactor.Redact(trace) : null;
        HResult = original.HResult;
    }

    public RedactedException()
    {
        OriginalType = nameof(Exception);
        text = string.Empty;
    }

    public RedactedException(string message)
        : base(message)
    {
        OriginalType = nameof(Exception);
        text = message;
    }

    public RedactedException(string message, Exception innerException)
        : base(message, innerException)
    {
        OriginalType = nameof(Exception);
        text = message;
    }

    /// <summary>The full name of the exception's type.</summary>
    public string OriginalType { get; }

    public override string? StackTrace => stackTrace;

    public override string ToString() => text;
}
