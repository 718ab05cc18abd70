namespace Aqueduct.Civis.Api;

/// <summary>How <see cref="CivisFanOut.RunAsync"/> runs its children: how many at once, how often each is tried, where progress goes.</summary>
public sealed class FanOutOptions
{
    /// <summary>The default of <see cref="MaxConcurrency"/>.</summary>
    public const int DefaultMaxConcurrency = 4;

    /// <summary>The default of <see cref="MaxAttempts"/>.</summary>
    public const int DefaultMaxAttempts = 3;

    /// <summary>How many children may be queued or running on the platform at once.</summary>
    /// <value>The default value is 4.</value>
    public int MaxConcurrency { get; set; } = DefaultMaxConcurrency;

    /// <summary>How many runs a child gets in all: a failed run is started again until this many have failed.</summary>
    /// <value>The default value is 3 (the first run and two retries).</value>
    public int MaxAttempts { get; set; } = DefaultMaxAttempts;

    /// <summary>Receives an update each time a child starts a run, is retried or ends.</summary>
    /// <value>The default value is <see langword="null"/>: no updates.</value>
    public IProgress<FanOutProgress>? Progress { get; set; }

    /// <summary>Whether the child scripts are hidden from the platform's script lists, as civis-python's children are.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool HideChildren { get; set; } = true;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrency, 1, nameof(MaxConcurrency));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
    }
}
