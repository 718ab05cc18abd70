namespace Aqueduct.Civis.Data;

/// <summary>A column of a load's source: its name and, for typed sources, its .NET type.</summary>
/// <param name="Name">The column's name (for typed rows, the table column it maps to when one matches).</param>
/// <param name="ClrType">The .NET type, or <see langword="null"/> for CSV, whose text PostgreSQL parses.</param>
internal readonly record struct SourceColumn(string Name, Type? ClrType);
