using System.ComponentModel.DataAnnotations.Schema;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace Aqueduct.Civis.Data;

/// <summary>Turns typed rows (objects' public properties, or a data reader's fields) into a <see cref="RowLoadSource"/>.</summary>
internal static class TypedRows
{
    public static RowLoadSource FromObjects<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>(IAsyncEnumerable<T> rows)
    {
        var properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.GetCustomAttribute<NotMappedAttribute>() is null)
            .ToArray();
        if (properties.Length == 0)
        {
            throw new ArgumentException($"Type {typeof(T).Name} has no public readable properties to load.", nameof(rows));
        }

        var fields = properties.Select(p => new RowField(Candidates(p), Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType)).ToList();
        // Objects of a class are written column by column without boxing (TypedRowWriter); the boxed values remain
        // for the platform route, which writes them as CSV, and for value types.
        return new RowLoadSource(fields, Values(rows, properties), typeof(T).IsValueType ? null : new TypedRowWriter<T>(rows, properties));
    }

    public static RowLoadSource FromReader(DbDataReader reader)
    {
        var fields = Enumerable.Range(0, reader.FieldCount)
            .Select(i => new RowField([reader.GetName(i)], reader.GetFieldType(i)))
            .ToList();
        return new RowLoadSource(fields, Values(reader));
    }

    public static async IAsyncEnumerable<T> ToAsync<T>(IEnumerable<T> rows, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return row;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>Snake case as the bikeshare job wrote column names: <c>StartDatetime</c> → <c>start_datetime</c>.</summary>
    internal static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var boundary = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) ||
                                         (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1])));
                if (boundary && builder.Length > 0 && builder[^1] != '_')
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static string[] Candidates(PropertyInfo property) =>
        property.GetCustomAttribute<ColumnAttribute>()?.Name is { Length: > 0 } column
            ? [column]
            : [property.Name, ToSnakeCase(property.Name)];

    private static async IAsyncEnumerable<object?[]> Values<T>(IAsyncEnumerable<T> rows, PropertyInfo[] properties, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var values = new object?[properties.Length];
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (row is null)
            {
                throw new ArgumentException("A row is null.", nameof(rows));
            }

            for (var i = 0; i < properties.Length; i++)
            {
                values[i] = properties[i].GetValue(row);
            }

            yield return values;
        }
    }

    private static async IAsyncEnumerable<object?[]> Values(DbDataReader reader, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var values = new object?[reader.FieldCount];
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            reader.GetValues(values!);
            yield return values;
        }
    }
}
