using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis.Api.Internal;

/// <summary>The client's log messages. None of them carries the API key or a query string.</summary>
internal static partial class CivisLog
{
    [LoggerMessage(1, LogLevel.Debug, "{Method} {Path} answered {Status} in {ElapsedMs} ms")]
    public static partial void Responded(ILogger logger, string method, string path, int status, long elapsedMs);

    [LoggerMessage(2, LogLevel.Warning, "{Method} {Path} failed ({Reason}); retry {Attempt} in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, string method, string path, string reason, int attempt, long delayMs);

    [LoggerMessage(3, LogLevel.Debug, "Civis rate limit: {Remaining} of {Limit} requests left")]
    public static partial void RateLimit(ILogger logger, int remaining, int limit);

    [LoggerMessage(4, LogLevel.Warning, "Civis rate limit nearly spent: {Remaining} of {Limit} requests left")]
    public static partial void RateLimitLow(ILogger logger, int remaining, int limit);

    [LoggerMessage(5, LogLevel.Warning, "{Method} {Path} failed ({Reason}); not retried: the next wait of {DelayMs} ms would exceed the retry budget")]
    public static partial void BudgetSpent(ILogger logger, string method, string path, string reason, long delayMs);

    [LoggerMessage(6, LogLevel.Debug, "Run {JobId}/{RunId} is {State}; next poll in {DelayMs} ms")]
    public static partial void Polled(ILogger logger, long jobId, long runId, string state, long delayMs);

    [LoggerMessage(7, LogLevel.Warning, "Could not cancel run {JobId}/{RunId}")]
    public static partial void CancelFailed(ILogger logger, Exception exception, long jobId, long runId);
}
