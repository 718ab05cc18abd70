using System.Text.Json.Nodes;

namespace Aqueduct.Civis.Tool.Deploy;

/// <summary>What a deploy will send: the script's creation or its one update, then project and shares, in order.</summary>
internal sealed class DeployPlan
{
    /// <summary>The script's id, or <see langword="null"/> when the deploy creates it.</summary>
    public int? ScriptId { get; init; }

    public required string Name { get; init; }

    /// <summary>The fields the manifest sets, names resolved to ids.</summary>
    public required JsonObject Desired { get; init; }

    /// <summary>The script on the platform, or <see langword="null"/>.</summary>
    public JsonObject? Current { get; init; }

    /// <summary>The top-level fields that differ (all of them for a creation).</summary>
    public List<string> ChangedFields { get; init; } = [];

    /// <summary>The writes, in order; empty when the platform already matches the manifest.</summary>
    public List<DeployWrite> Writes { get; init; } = [];

    public bool IsNoOp => Writes.Count == 0;
}

/// <summary>One write: <c>{id}</c> in the path stands for the script's id (known only after a creation).</summary>
internal sealed record DeployWrite(string Description, HttpMethod Method, string Path, JsonObject? Body);
