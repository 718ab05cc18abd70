namespace Aqueduct.Civis.Api;

/// <summary>The outcome of a fan-out: one entry per partition, in the order the partitions were given.</summary>
public sealed class FanOutResult
{
    internal FanOutResult(int scriptId, IReadOnlyList<FanOutChild> children)
    {
        ScriptId = scriptId;
        Children = children;
    }

    /// <summary>The container script the children were made from.</summary>
    public int ScriptId { get; }

    /// <summary>Every child, in the order of the partitions.</summary>
    public IReadOnlyList<FanOutChild> Children { get; }

    /// <summary>Whether every child succeeded.</summary>
    public bool AllSucceeded => Children.All(c => c.State == FanOutChildState.Succeeded);
}
