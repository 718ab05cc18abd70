
namespace Aqueduct.Civis.Api;

/// <summary>How a <see cref="CivisClient"/> polls a run, a query or a live log until it ends: a wait that grows to a cap.</summary>
public sealed class CivisPollingOptions
{
    /// <summary>The first wait between two polls.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan Interval { get; set; } = CivisDefaults.PollInterval;

    /// <summary>The factor by which the wait between polls grows.</summary>
    /// <value>The default value is 1.2.</value>
    public double BackoffFactor { get; set; } = CivisDefaults.PollBackoffFactor;

    /// <summary>The longest wait between two polls.</summary>
    /// <value>The default value is 15 seconds.</value>
    public TimeSpan MaxInterval { get; set; } = CivisDefaults.PollMaxInterval;

    /// <summary>The wait after <paramref name="delay"/>: grown by <see cref="BackoffFactor"/>, at most <see cref="MaxInterval"/>.</summary>
    internal TimeSpan Next(TimeSpan delay)
        => TimeSpan.FromTicks((long)Math.Min(delay.Ticks * BackoffFactor, MaxInterval.Ticks));

    internal CivisPollingOptions Clone() => (CivisPollingOptions)MemberwiseClone();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Interval, TimeSpan.Zero, "Polling." + nameof(Interval));
        ArgumentOutOfRangeException.ThrowIfLessThan(BackoffFactor, 1.0, "Polling." + nameof(BackoffFactor));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxInterval, TimeSpan.Zero, "Polling." + nameof(MaxInterval));
    }
}
