namespace Aqueduct.Civis.Testing;

/// <summary>How the fake's runs end: each run moves queued → running → this state as it is polled.</summary>
public sealed record FakeRunOutcome
{
    /// <summary>Every run succeeds after two polls.</summary>
    public static readonly FakeRunOutcome Succeeded = new();

    /// <summary>The final state: <c>succeeded</c>, <c>failed</c> or <c>cancelled</c>.</summary>
    /// <value>The default value is <c>succeeded</c>.</value>
    public string State { get; init; } = "succeeded";

    /// <summary>The run's <c>error</c> when it fails; <see langword="null"/> like many real container runs.</summary>
    public string? Error { get; init; }

    /// <summary>Log lines the run writes.</summary>
    public IReadOnlyList<string> Logs { get; init; } = [];

    /// <summary>How many reads of the run see it unfinished (first <c>queued</c>, then <c>running</c>).</summary>
    /// <value>The default value is 2.</value>
    public int PollsUntilDone { get; init; } = 2;

    /// <summary>A failing outcome.</summary>
    /// <param name="error">The run's error, or <see langword="null"/>.</param>
    /// <param name="logs">The run's log lines.</param>
    /// <returns>The outcome.</returns>
    public static FakeRunOutcome Failed(string? error, params string[] logs) => new() { State = "failed", Error = error, Logs = logs };
}
