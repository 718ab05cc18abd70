namespace Aqueduct.Civis;

/// <summary>One finished step of a run, as the run summary shows it (see <see cref="CivisJobSteps"/>).</summary>
/// <param name="Name">What the step did, for example <c>load trips</c>.</param>
/// <param name="Rows">The rows it moved, or <see langword="null"/> when it counts none.</param>
/// <param name="Bytes">The bytes it moved, or <see langword="null"/> when it counts none.</param>
/// <param name="Elapsed">How long it took.</param>
public sealed record CivisJobStepResult(string Name, long? Rows, long? Bytes, TimeSpan Elapsed);
