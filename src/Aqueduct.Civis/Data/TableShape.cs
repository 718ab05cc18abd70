using Npgsql;

namespace Aqueduct.Civis.Data;

/// <summary>An existing table's writable columns and primary key, read from the catalogs.</summary>
internal sealed class TableShape
{
    private TableShape(IReadOnlyList<CatalogColumn> columns, IReadOnlyList<string> primaryKey)
    {
        Columns = columns;
        PrimaryKey = primaryKey;
    }

    /// <summary>The columns a load can write (generated columns are left out), in table order.</summary>
    public IReadOnlyList<CatalogColumn> Columns { get; }

    /// <summary>The primary key's columns in key order; empty when there is none.</summary>
    public IReadOnlyList<string> PrimaryKey { get; }

    public CatalogColumn? Find(string name) => Columns.FirstOrDefault(c => c.Name == name);

    /// <summary>The shape a definition declares, for a route that cannot read the catalogs before loading (the platform's).</summary>
    public static TableShape FromDefinition(TableDefinition definition) => new(
        [.. definition.Columns.Select(c => new CatalogColumn(c.Name, c.Type, c.Type, "pg_catalog", NotNull: !c.Nullable, HasDefault: false))],
        definition.PrimaryKey);

    /// <summary>Reads a table's shape, or returns <see langword="null"/> when the table does not exist.</summary>
    public static async Task<TableShape?> ReadAsync(NpgsqlConnection connection, TableName table, CancellationToken cancellationToken, int timeoutSeconds = 30)
    {
        const string Sql = """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod), coalesce(bt.typname, t.typname), n.nspname,
                   a.attnotnull, a.atthasdef OR a.attidentity <> '', coalesce(a.attnum = ANY (i.indkey), false),
                   coalesce(array_position(i.indkey::int2[], a.attnum), 0)
            FROM pg_attribute a
            JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_type bt ON bt.oid = t.typbasetype AND t.typtype = 'd'
            JOIN pg_namespace n ON n.oid = coalesce(bt.typnamespace, t.typnamespace)
            LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
            WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
            ORDER BY a.attnum
            """;
        using var command = new NpgsqlCommand(Sql, connection) { CommandTimeout = timeoutSeconds };
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table.ToString() });
        var columns = new List<CatalogColumn>();
        var key = new List<(int Position, string Name)>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var name = reader.GetString(0);
                columns.Add(new CatalogColumn(name, reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetBoolean(4), reader.GetBoolean(5)));
                if (reader.GetBoolean(6))
                {
                    key.Add((reader.GetInt32(7), name));
                }
            }
        }

        if (columns.Count == 0)
        {
            // Either no such table or a table without columns; the latter cannot be loaded anyway.
            using var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection) { CommandTimeout = timeoutSeconds };
            exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table.ToString() });
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return null;
            }
        }

        return new TableShape(columns, [.. key.OrderBy(k => k.Position).Select(k => k.Name)]);
    }
}
