namespace Aqueduct.Civis.Data;

/// <summary>A CSV record is just <c>\.</c>, which <c>COPY … FROM STDIN</c> reads as the end of the data.</summary>
internal sealed class EndOfDataMarkerException(long record)
    : Exception("The line is just \\. which PostgreSQL's COPY reads as the end of the data; quote it (\"\\.\") to load it as a value.")
{
    /// <summary>The record's number among the records sent (first = 1).</summary>
    public long Record { get; } = record;
}
