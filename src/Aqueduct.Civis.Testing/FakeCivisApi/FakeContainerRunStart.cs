using System.Text.Json.Nodes;

namespace Aqueduct.Civis.Testing;

/// <summary>A run of a container script the fake is starting, for <see cref="FakeCivisApi.ContainerRunOutcome"/> to decide how it ends.</summary>
/// <param name="ScriptId">The container script.</param>
/// <param name="RunId">The new run.</param>
/// <param name="Attempt">How many runs the script has had, this one included (1 for its first run).</param>
/// <param name="Name">The script's name.</param>
/// <param name="Arguments">A copy of the script's arguments (its parameter values).</param>
public sealed record FakeContainerRunStart(int ScriptId, int RunId, int Attempt, string? Name, JsonObject Arguments);
