namespace Aqueduct.Civis;

/// <summary>How an export writes CSV.</summary>
public sealed class CsvExportOptions
{
    /// <summary>Whether the first line names the columns.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool IncludeHeader { get; init; } = true;

    /// <summary>The field delimiter, a single-byte character.</summary>
    /// <value>The default value is a comma.</value>
    public char Delimiter { get; init; } = ',';

    /// <summary>The unquoted text written for NULL.</summary>
    /// <value>The default value is the empty string (an empty string value is written <c>""</c>).</value>
    public string NullMarker { get; init; } = string.Empty;

    /// <summary>Whether to gzip the output.</summary>
    /// <value>The default value is <see cref="CsvCompression.Auto"/>: gzip when the file name ends in <c>.gz</c>, plain for a stream.</value>
    public CsvCompression Compression { get; init; } = CsvCompression.Auto;

    /// <summary>
    /// How long the export may wait for the server at any one point (the query's start, each block of rows)
    /// before it fails naming the step; <see cref="TimeSpan.Zero"/> turns the bound off.
    /// </summary>
    /// <value>The default value is <see cref="TableLoadOptions.DefaultCommandTimeout"/> (30 minutes).</value>
    public TimeSpan CommandTimeout { get; init; } = TableLoadOptions.DefaultCommandTimeout;
}
