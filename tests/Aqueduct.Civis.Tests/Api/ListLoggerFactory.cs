using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis.Tests.Api;

/// <summary>Keeps every formatted log line, to check what the client logs.</summary>
internal sealed class ListLoggerFactory : ILoggerFactory, ILogger
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public ILogger CreateLogger(string categoryName) => this;

    public void Dispose()
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => _lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
}
