namespace Aqueduct.Civis;

/// <summary>
/// A load's source does not match its table: the message names every mismatch (a column the table lacks, a
/// type that does not fit, a required column the source lacks). Nothing was written.
/// </summary>
public sealed class TableContractException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="table">The table.</param>
    /// <param name="mismatches">Every mismatch, one sentence each.</param>
    public TableContractException(TableName table, IReadOnlyList<string> mismatches)
        : base(FormatMessage(table, mismatches))
    {
        Table = table;
        Mismatches = mismatches;
    }

    /// <summary>The table.</summary>
    public TableName Table { get; }

    /// <summary>Every mismatch, one sentence each.</summary>
    public IReadOnlyList<string> Mismatches { get; }

    private static string FormatMessage(TableName table, IReadOnlyList<string> mismatches)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(mismatches);
        var s = mismatches.Count == 1 ? "mismatch" : "mismatches";
        return $"The source does not match table {table} ({mismatches.Count} {s}):{System.Environment.NewLine}- " +
               string.Join(System.Environment.NewLine + "- ", mismatches);
    }
}
