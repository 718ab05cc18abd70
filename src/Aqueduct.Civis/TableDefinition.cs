namespace Aqueduct.Civis;

/// <summary>
/// The shape a job declares for a table: its columns, their types and its primary key. A load creates the
/// schema and the table from it when they are missing (and <see cref="WriteMode.Drop"/> recreates the table).
/// </summary>
/// <example>
/// <code>
/// var trips = new TableDefinition(
///     [new("trip_id", "integer"), new("bike_type", "text"), new("start_datetime", "timestamp")],
///     primaryKey: ["trip_id"]);
/// </code>
/// </example>
public sealed class TableDefinition
{
    /// <summary>Creates a table definition.</summary>
    /// <param name="columns">The columns, in table order.</param>
    /// <param name="primaryKey">The primary key's columns, or none.</param>
    /// <exception cref="ArgumentException">No columns, a repeated column, or a key column that is not a column.</exception>
    public TableDefinition(IEnumerable<ColumnDefinition> columns, IEnumerable<string>? primaryKey = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        Columns = [.. columns];
        PrimaryKey = primaryKey is null ? [] : [.. primaryKey];
        if (Columns.Count == 0)
        {
            throw new ArgumentException("A table definition needs at least one column.", nameof(columns));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var column in Columns)
        {
            ArgumentNullException.ThrowIfNull(column, nameof(columns));
            if (!names.Add(column.Name))
            {
                throw new ArgumentException($"Column '{column.Name}' is declared twice.", nameof(columns));
            }
        }

        var missing = PrimaryKey.Where(k => !names.Contains(k)).ToList();
        if (missing.Count > 0 || PrimaryKey.Distinct(StringComparer.Ordinal).Count() != PrimaryKey.Count)
        {
            throw new ArgumentException(
                $"The primary key ({string.Join(", ", PrimaryKey)}) must name distinct declared columns" +
                (missing.Count > 0 ? $"; not declared: {string.Join(", ", missing)}." : "."),
                nameof(primaryKey));
        }
    }

    /// <summary>The columns, in table order.</summary>
    public IReadOnlyList<ColumnDefinition> Columns { get; }

    /// <summary>The primary key's columns, in key order; empty when the table has none.</summary>
    public IReadOnlyList<string> PrimaryKey { get; }

    /// <summary>The <c>CREATE TABLE</c> statement for a table of this shape.</summary>
    internal string ToCreateTableSql(TableName table)
    {
        var columns = string.Join(", ", Columns.Select(c => c.ToString()));
        var key = PrimaryKey.Count == 0 ? string.Empty : $", PRIMARY KEY ({string.Join(", ", PrimaryKey.Select(TableName.QuoteIdentifier))})";
        return $"CREATE TABLE {table} ({columns}{key})";
    }
}
