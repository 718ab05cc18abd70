
namespace Aqueduct.Civis.Api;

/// <summary>
/// How a <see cref="CivisClient"/> retries a failed call: Polly's exponential backoff with jitter, capped at
/// <see cref="MaxDelay"/>, except that a <c>Retry-After</c> from the server is honoured as sent.
/// </summary>
public sealed class CivisRetryOptions
{
    /// <summary>How many times a failed request is retried at most; 0 turns retries off.</summary>
    /// <value>The default value is 8.</value>
    public int MaxRetryAttempts { get; set; } = CivisDefaults.MaxRetryAttempts;

    /// <summary>The median first backoff delay; later ones grow exponentially, with jitter, up to <see cref="MaxDelay"/>.</summary>
    /// <value>The default value is 1 second; at most 1 day (Polly's limit).</value>
    public TimeSpan BaseDelay { get; set; } = CivisDefaults.RetryBaseDelay;

    /// <summary>The longest computed backoff delay. A longer <c>Retry-After</c> from the server is still honoured.</summary>
    /// <value>The default value is 60 seconds; at most 1 day (Polly's limit).</value>
    public TimeSpan MaxDelay { get; set; } = CivisDefaults.RetryMaxDelay;

    /// <summary>
    /// The total time budget of one call, attempts and waits included: a call still failing when it is spent fails,
    /// and a <c>Retry-After</c> that would end past it is not waited for.
    /// </summary>
    /// <value>The default value is 10 minutes.</value>
    public TimeSpan Budget { get; set; } = CivisDefaults.RetryBudget;

    /// <summary>
    /// The source of the jitter, a function returning values in [0, 1), handed to Polly's
    /// <c>RetryStrategyOptions.Randomizer</c>; tests pass a fixed one. Concurrent calls share it, so it must be
    /// thread-safe. <see langword="null"/> uses Polly's thread-safe default.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Func<double>? Randomizer { get; set; }

    internal CivisRetryOptions Clone() => (CivisRetryOptions)MemberwiseClone();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetryAttempts, "Retry." + nameof(MaxRetryAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(BaseDelay, TimeSpan.Zero, "Retry." + nameof(BaseDelay));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BaseDelay, TimeSpan.FromDays(1), "Retry." + nameof(BaseDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelay, TimeSpan.Zero, "Retry." + nameof(MaxDelay));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxDelay, TimeSpan.FromDays(1), "Retry." + nameof(MaxDelay));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Budget, TimeSpan.Zero, "Retry." + nameof(Budget));
    }
}
