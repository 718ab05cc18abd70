namespace Aqueduct.Civis.Data;

/// <summary>A field of typed rows: the column names it may map to, best first, and its .NET type.</summary>
internal sealed record RowField(IReadOnlyList<string> Candidates, Type ClrType);
