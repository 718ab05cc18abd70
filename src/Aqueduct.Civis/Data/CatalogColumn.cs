namespace Aqueduct.Civis.Data;

/// <summary>A column of an existing table, as the catalogs describe it.</summary>
/// <param name="Name">The column's name.</param>
/// <param name="DisplayType">The type as <c>format_type</c> writes it, for messages (<c>character varying(20)</c>).</param>
/// <param name="TypeName">The (base) type's internal name, for example <c>int4</c> or <c>timestamptz</c>.</param>
/// <param name="TypeSchema">The schema of that type.</param>
/// <param name="NotNull">Whether the column rejects NULL.</param>
/// <param name="HasDefault">Whether the column has a default or is an identity column.</param>
internal sealed record CatalogColumn(string Name, string DisplayType, string TypeName, string TypeSchema, bool NotNull, bool HasDefault)
{
    /// <summary>The type's name as Npgsql takes it (<c>pg_catalog.int4</c>).</summary>
    public string DataTypeName => TypeSchema + "." + TypeName;

    /// <summary>The quoted name.</summary>
    public string Quoted => TableName.QuoteIdentifier(Name);
}
