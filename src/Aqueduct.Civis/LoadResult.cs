namespace Aqueduct.Civis;

/// <summary>What a load did.</summary>
/// <param name="RowsRead">Rows read from the source (a CSV header is not a row).</param>
/// <param name="RowsInserted">Rows added to the table.</param>
/// <param name="RowsUpdated">Existing rows changed (<see cref="WriteMode.Upsert"/>).</param>
/// <param name="RowsSkipped">Source rows that changed nothing: their key existed (<see cref="WriteMode.InsertIgnore"/>) or the row was identical (<see cref="WriteMode.Upsert"/>).</param>
/// <param name="Elapsed">The time the load took, from opening the connection to the commit.</param>
public sealed record LoadResult(long RowsRead, long RowsInserted, long RowsUpdated, long RowsSkipped, TimeSpan Elapsed);
