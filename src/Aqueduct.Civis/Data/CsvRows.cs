using System.ComponentModel.DataAnnotations.Schema;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace Aqueduct.Civis.Data;

/// <summary>Typed rows as CSV and back, for the route that moves CSV (the platform's) and for typed reads on both routes.</summary>
internal static class CsvRows
{
    /// <summary>Writes typed rows as CSV with a header of the given column names, NULL as an empty field, every value quoted.</summary>
    /// <param name="rows">The rows.</param>
    /// <param name="names">The columns' names, in field order: those the direct route matches the fields to (<see cref="RowLoadSource.GetColumnsAsync"/>).</param>
    /// <param name="destination">The stream written to; left open.</param>
    /// <param name="cancellationToken">Cancels the writing.</param>
    public static async Task WriteAsync(RowLoadSource rows, IReadOnlyList<string> names, Stream destination, CancellationToken cancellationToken)
    {
        var writer = new StreamWriter(destination, new UTF8Encoding(false), 81920, leaveOpen: true) { NewLine = "\n" };
        await using (writer.ConfigureAwait(false))
        {
            await writer.WriteLineAsync(string.Join(",", names.Select(Quote))).ConfigureAwait(false);
            var line = new StringBuilder();
            await foreach (var values in rows.Rows.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                line.Clear();
                for (var i = 0; i < values.Length; i++)
                {
                    if (i > 0)
                    {
                        line.Append(',');
                    }

                    line.Append(Format(values[i]));
                }

                await writer.WriteLineAsync(line, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads a CSV with a header (commas, NULL as an unquoted empty field) into objects, matching columns to properties by name.</summary>
    public static async IAsyncEnumerable<T> ReadAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(
        Stream plain, string description, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<(string Text, bool Quoted)>? header = null;
        PropertyInfo?[] map = [];
        await foreach (var (record, line) in ReadRecordsAsync(plain, ',', cancellationToken).ConfigureAwait(false))
        {
            if (header is null)
            {
                header = record;
                var properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0 && p.GetCustomAttribute<NotMappedAttribute>() is null)
                    .ToList();
                map = [.. header.Select(h => properties.FirstOrDefault(p => Names(p).Contains(h.Text, StringComparer.Ordinal)))];
                continue;
            }

            var row = Activator.CreateInstance<T>();
            for (var i = 0; i < map.Length && i < record.Count; i++)
            {
                if (map[i] is not { } property)
                {
                    continue;
                }

                try
                {
                    property.SetValue(row, Parse(record[i], property.PropertyType));
                }
                catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
                {
                    throw new FormatException(
                        $"{description}, line {line}: column \"{header[i].Text}\" holds '{record[i].Text}', which is not a {property.PropertyType.Name} for {typeof(T).Name}.{property.Name}.", e);
                }
            }

            yield return row;
        }
    }

    /// <summary>The records of a plain CSV stream (a byte order mark skipped), each with the line it starts on (1 = the first).</summary>
    public static async IAsyncEnumerable<(List<(string Text, bool Quoted)> Fields, long Line)> ReadRecordsAsync(
        Stream plain, char delimiter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(plain, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 81920, leaveOpen: true);
        var line = 1L;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } first)
        {
            var start = line++;
            var text = new StringBuilder(first);
            var quotes = first.Count(c => c == '"');
            while (quotes % 2 == 1 && await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } more)
            {
                line++;
                quotes += more.Count(c => c == '"');
                text.Append('\n').Append(more);
            }

            var quoted = new List<bool>();
            var fields = CsvScanner.SplitRecord(text.ToString(), delimiter, quoted);
            yield return ([.. fields.Select((field, i) => (field, quoted[i]))], start);
        }
    }

    private static string[] Names(PropertyInfo property) =>
        [property.GetCustomAttribute<ColumnAttribute>()?.Name ?? property.Name, property.Name, TypedRows.ToSnakeCase(property.Name)];

    private static object? Parse((string Text, bool Quoted) field, Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (field.Text.Length == 0 && !field.Quoted)
        {
            return type.IsValueType && underlying is null
                ? throw new FormatException("NULL does not fit a non-nullable property")
                : null;
        }

        var target = underlying ?? type;
        var text = field.Text;
        var c = CultureInfo.InvariantCulture;
        return target switch
        {
            _ when target == typeof(string) => text,
            _ when target == typeof(bool) => text is "t" or "true" or "True" or "1" || (text is "f" or "false" or "False" or "0" ? false : throw new FormatException("not a boolean")),
            _ when target == typeof(DateTime) => DateTime.Parse(text, c, DateTimeStyles.RoundtripKind),
            _ when target == typeof(DateTimeOffset) => DateTimeOffset.Parse(text, c),
            _ when target == typeof(DateOnly) => DateOnly.Parse(text, c),
            _ when target == typeof(TimeOnly) => TimeOnly.Parse(text, c),
            _ when target == typeof(Guid) => Guid.Parse(text, c),
            _ when target.IsEnum => Enum.Parse(target, text, ignoreCase: true),
            _ when typeof(IConvertible).IsAssignableFrom(target) => Convert.ChangeType(text, target, c),
            _ => throw new ArgumentException($"type {target.Name} cannot be read from CSV"),
        };
    }

    private static string Format(object? value) => value switch
    {
        null or DBNull => string.Empty,
        string s => Quote(s),
        char ch => Quote(ch.ToString()),
        bool b => b ? "true" : "false",
        DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        IFormattable f => Quote(f.ToString(null, CultureInfo.InvariantCulture)),
        _ => Quote(value.ToString() ?? string.Empty),
    };

    private static string Quote(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
