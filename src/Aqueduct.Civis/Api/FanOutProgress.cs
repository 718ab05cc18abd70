namespace Aqueduct.Civis.Api;

/// <summary>An update from a fan-out: one child started a run, is retried, or ended.</summary>
/// <param name="Index">The child's position in the partitions given, from 0.</param>
/// <param name="Partition">The child's partition.</param>
/// <param name="ScriptId">The child's container script, or <see langword="null"/> before it was created.</param>
/// <param name="RunId">The child's latest run, or <see langword="null"/> before it started one.</param>
/// <param name="Attempt">The number of the child's latest run, from 1.</param>
/// <param name="State">Where the child stands.</param>
/// <param name="Finished">How many children have ended so far, this one included.</param>
/// <param name="Total">How many children the fan-out has.</param>
public sealed record FanOutProgress(int Index, object? Partition, int? ScriptId, int? RunId, int Attempt, FanOutChildState State, int Finished, int Total);
