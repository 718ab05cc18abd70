using System.Globalization;
using Npgsql;

namespace Aqueduct.Civis.Data;

/// <summary>Loads typed rows through a binary COPY, converting each value to its column's type.</summary>
/// <param name="fields">The fields, in row order.</param>
/// <param name="rows">The rows' values, in field order (boxed).</param>
/// <param name="typed">The same rows as objects, written column by column without boxing; <see langword="null"/> when there is no such path.</param>
internal sealed class RowLoadSource(IReadOnlyList<RowField> fields, IAsyncEnumerable<object?[]> rows, ITypedRowWriter? typed = null) : ILoadSource
{
    private static readonly Dictionary<string, Type[]> Accepted = new(StringComparer.Ordinal)
    {
        ["int2"] = [typeof(short), typeof(byte), typeof(sbyte)],
        ["int4"] = [typeof(int), typeof(short), typeof(ushort), typeof(byte), typeof(sbyte)],
        ["int8"] = [typeof(long), typeof(int), typeof(uint), typeof(short), typeof(ushort), typeof(byte), typeof(sbyte)],
        ["numeric"] = [typeof(decimal), typeof(long), typeof(int), typeof(short), typeof(byte), typeof(ulong), typeof(uint)],
        ["float4"] = [typeof(float)],
        ["float8"] = [typeof(double), typeof(float)],
        ["bool"] = [typeof(bool)],
        ["text"] = [typeof(string), typeof(char)],
        ["varchar"] = [typeof(string), typeof(char)],
        ["bpchar"] = [typeof(string), typeof(char)],
        ["name"] = [typeof(string)],
        ["citext"] = [typeof(string)],
        ["json"] = [typeof(string)],
        ["jsonb"] = [typeof(string)],
        ["xml"] = [typeof(string)],
        ["uuid"] = [typeof(Guid)],
        ["date"] = [typeof(DateOnly), typeof(DateTime)],
        ["time"] = [typeof(TimeOnly), typeof(TimeSpan)],
        ["timestamp"] = [typeof(DateTime)],
        ["timestamptz"] = [typeof(DateTime), typeof(DateTimeOffset)],
        ["interval"] = [typeof(TimeSpan)],
        ["bytea"] = [typeof(byte[]), typeof(ReadOnlyMemory<byte>)],
    };

    /// <summary>The fields, in row order.</summary>
    public IReadOnlyList<RowField> Fields => fields;

    /// <summary>The rows' values, in field order.</summary>
    public IAsyncEnumerable<object?[]> Rows => rows;

    /// <summary>Whether a .NET type fits a column; types this list does not know are left to Npgsql.</summary>
    public static bool Fits(Type clrType, CatalogColumn column) =>
        clrType == typeof(object) || !Accepted.TryGetValue(column.TypeName, out var types) || types.Contains(clrType);

    public ValueTask<IReadOnlyList<SourceColumn>> GetColumnsAsync(TableShape table, TableDefinition? definition, CancellationToken cancellationToken)
    {
        var names = table.Columns.Select(c => c.Name).ToList();
        IReadOnlyList<SourceColumn> columns = [.. fields.Select(f => new SourceColumn(Resolve(f, names), f.ClrType))];
        return ValueTask.FromResult(columns);
    }

    public string Description => "typed rows";

    public long LineOf(long copyLine) => copyLine;

    public async Task<CopyCount> CopyAsync(
        NpgsqlConnection connection, string target, IReadOnlyList<CatalogColumn> columns, int timeoutMilliseconds, CancellationToken cancellationToken)
    {
        var convert = columns.Select((c, i) => Converter(fields[i].ClrType, c)).ToArray();
        var types = columns.Select(c => c.DataTypeName).ToArray();
        var sql = $"COPY {target} ({CopySql.Columns(columns.Select(c => c.Name))}) FROM STDIN (FORMAT binary)";
        var count = 0L;
        var importer = await connection.BeginBinaryImportAsync(sql, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            importer.Timeout = TimeSpan.FromMilliseconds(timeoutMilliseconds);
            if (typed is not null)
            {
                count = await typed.WriteAsync(importer, columns, types, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    for (var i = 0; i < columns.Count; i++)
                    {
                        var value = row[i];
                        var write = value is null or DBNull
                            ? importer.WriteNullAsync(cancellationToken)
                            : importer.WriteAsync(convert[i](value), types[i], cancellationToken);
                        if (!write.IsCompletedSuccessfully)
                        {
                            await write.ConfigureAwait(false);
                        }
                    }

                    count++;
                }
            }

            // Without CompleteAsync, disposing the importer cancels the COPY. It returns the server's "COPY n".
            var taken = await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            return new CopyCount(count, (long)taken);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string Resolve(RowField field, List<string> tableColumns)
    {
        foreach (var candidate in field.Candidates)
        {
            if (tableColumns.Contains(candidate))
            {
                return candidate;
            }
        }

        // A unique case-insensitive match ("TripId" for a column "tripid").
        var loose = tableColumns.Where(c => field.Candidates.Any(n => string.Equals(n, c, StringComparison.OrdinalIgnoreCase))).ToList();
        return loose.Count == 1 ? loose[0] : field.Candidates[^1];
    }

    /// <summary>Whether a value of <paramref name="clrType"/> goes to the column as it is (no conversion).</summary>
    internal static bool AsIs(Type clrType, CatalogColumn column) => column.TypeName switch
    {
        "int2" => clrType == typeof(short),
        "int4" => clrType == typeof(int),
        "int8" => clrType == typeof(long),
        "numeric" => clrType == typeof(decimal),
        "float8" => clrType != typeof(float),
        "text" or "varchar" or "bpchar" => clrType != typeof(char),
        "timestamptz" => false,
        _ => true,
    };

    /// <summary>The conversion of a boxed value to what the column takes.</summary>
    internal static Func<object, object> Converter(Type clrType, CatalogColumn column) => column.TypeName switch
    {
        "int2" when clrType != typeof(short) => v => Convert.ToInt16(v, CultureInfo.InvariantCulture),
        "int4" when clrType != typeof(int) => v => Convert.ToInt32(v, CultureInfo.InvariantCulture),
        "int8" when clrType != typeof(long) => v => Convert.ToInt64(v, CultureInfo.InvariantCulture),
        "numeric" when clrType != typeof(decimal) => v => Convert.ToDecimal(v, CultureInfo.InvariantCulture),
        "float8" when clrType == typeof(float) => v => (double)(float)v,
        "text" or "varchar" or "bpchar" when clrType == typeof(char) => v => v.ToString()!,
        // timestamptz holds an instant: Npgsql takes UTC, so convert rather than make the job do it.
        "timestamptz" => v => v switch
        {
            DateTimeOffset o => o.ToUniversalTime(),
            DateTime { Kind: DateTimeKind.Local } d => d.ToUniversalTime(),
            _ => v,
        },
        _ => v => v,
    };
}
