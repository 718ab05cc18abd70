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

    /// <summary>The catalog query of a route that reaches the catalogs only through SQL (the platform's), in SQL Redshift and PostgreSQL both run.</summary>
    /// <remarks>information_schema, as Redshift has neither <c>to_regclass</c> nor <c>format_type</c> on its leader node.</remarks>
    public static string CatalogQuery(TableName table)
    {
        var schema = Literal(table.Schema ?? CivisWarehouseOptions.DefaultSchema);
        var name = Literal(table.Name);
        return $"""
            SELECT c.column_name,
                   c.data_type || CASE WHEN c.character_maximum_length IS NOT NULL THEN '(' || CAST(c.character_maximum_length AS varchar) || ')'
                                       WHEN c.data_type = 'numeric' AND c.numeric_precision IS NOT NULL THEN '(' || CAST(c.numeric_precision AS varchar) || ',' || CAST(coalesce(c.numeric_scale, 0) AS varchar) || ')'
                                       ELSE '' END AS display_type,
                   c.udt_name, c.udt_schema,
                   CASE WHEN c.is_nullable = 'NO' THEN 1 ELSE 0 END AS not_null,
                   CASE WHEN c.column_default IS NOT NULL THEN 1 ELSE 0 END AS has_default,
                   coalesce(k.ordinal_position, 0) AS key_position
            FROM information_schema.columns c
            LEFT JOIN (SELECT u.column_name, u.ordinal_position
                       FROM information_schema.table_constraints t
                       JOIN information_schema.key_column_usage u
                         ON u.constraint_schema = t.constraint_schema AND u.constraint_name = t.constraint_name
                        AND u.table_schema = t.table_schema AND u.table_name = t.table_name
                       WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_schema = {schema} AND t.table_name = {name}) k
              ON k.column_name = c.column_name
            WHERE c.table_schema = {schema} AND c.table_name = {name}
            ORDER BY c.ordinal_position
            """;
    }

    /// <summary>Reads the CSV answer of <see cref="CatalogQuery"/> (with a header): the table's shape, or <see langword="null"/> when it has no columns (no such table).</summary>
    /// <exception cref="InvalidOperationException">The answer is not the query's: other columns, or a value that is not a number.</exception>
    public static async Task<TableShape?> FromCatalogCsvAsync(Stream csv, TableName table, CancellationToken cancellationToken)
    {
        string[] expected = ["column_name", "display_type", "udt_name", "udt_schema", "not_null", "has_default", "key_position"];
        var columns = new List<CatalogColumn>();
        var key = new List<(int Position, string Name)>();
        var header = true;
        await foreach (var (record, line) in CsvRows.ReadRecordsAsync(csv, ',', cancellationToken).ConfigureAwait(false))
        {
            var fields = record.Select(f => f.Text).ToList();
            if (header)
            {
                header = false;
                if (!fields.SequenceEqual(expected, StringComparer.Ordinal))
                {
                    throw new InvalidOperationException(
                        $"The platform answered the catalog query for table {table} with the columns ({string.Join(", ", fields)}), not ({string.Join(", ", expected)}).");
                }

                continue;
            }

            if (fields.Count != expected.Length || !int.TryParse(fields[6], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var position))
            {
                throw new InvalidOperationException($"The platform's answer to the catalog query for table {table} has a bad record at line {line.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
            }

            columns.Add(new CatalogColumn(fields[0], fields[1], fields[2], fields[3], NotNull: fields[4] == "1", HasDefault: fields[5] == "1"));
            if (position > 0)
            {
                key.Add((position, fields[0]));
            }
        }

        return columns.Count == 0 ? null : new TableShape(columns, [.. key.OrderBy(k => k.Position).Select(k => k.Name)]);
    }

    /// <summary>A SQL string literal both PostgreSQL and Redshift read the same way (Redshift takes a backslash for an escape).</summary>
    private static string Literal(string text) =>
        string.Join(" || chr(92) || ", text.Split('\\').Select(part => "'" + part.Replace("'", "''", StringComparison.Ordinal) + "'"));

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
