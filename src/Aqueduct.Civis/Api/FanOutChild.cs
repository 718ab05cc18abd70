namespace Aqueduct.Civis.Api;

/// <summary>What became of one fan-out child: its partition, its script and latest run, how many runs it took, and its outputs or error.</summary>
public sealed class FanOutChild
{
    internal FanOutChild(int index, object? partition)
    {
        Index = index;
        Partition = partition;
    }

    /// <summary>The child's position in the partitions given, from 0.</summary>
    public int Index { get; }

    /// <summary>The child's partition, as given.</summary>
    public object? Partition { get; }

    /// <summary>The hidden container script created for the child, or <see langword="null"/> when it was never created.</summary>
    public int? ScriptId { get; internal set; }

    /// <summary>The child's latest run, or <see langword="null"/> when it never started one.</summary>
    public int? RunId { get; internal set; }

    /// <summary>How many runs the child started.</summary>
    public int Attempts { get; internal set; }

    /// <summary>How the child ended.</summary>
    public FanOutChildState State { get; internal set; }

    /// <summary>The outputs of the child's succeeded run (files, JSON values, tables...); empty otherwise.</summary>
    public IReadOnlyList<RunOutput> Outputs { get; internal set; } = [];

    /// <summary>Why the child failed or was cancelled, or <see langword="null"/> when it succeeded or never started.</summary>
    public string? Error { get; internal set; }

    /// <summary>Describes the child without its outputs' values.</summary>
    /// <returns>For example <c>FanOutChild { Index = 2, Partition = 2024-01-03, State = Failed, ScriptId = 7, RunId = 9, Attempts = 3 }</c>.</returns>
    public override string ToString() =>
        $"FanOutChild {{ Index = {Index}, Partition = {CivisFanOut.Show(Partition)}, State = {State}, ScriptId = {ScriptId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"}, " +
        $"RunId = {RunId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"}, Attempts = {Attempts} }}";
}
