using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Npgsql;

namespace Aqueduct.Civis.Data;

/// <summary>Typed rows written straight into a binary COPY, column by column, without boxing the values.</summary>
internal interface ITypedRowWriter
{
    /// <summary>Writes every row into the importer and returns how many rows it wrote.</summary>
    /// <param name="importer">The binary COPY under way.</param>
    /// <param name="columns">The table's columns, in field order.</param>
    /// <param name="dataTypeNames">Each column's type as Npgsql takes it (<c>pg_catalog.int4</c>).</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    Task<long> WriteAsync(NpgsqlBinaryImporter importer, IReadOnlyList<CatalogColumn> columns, string[] dataTypeNames, CancellationToken cancellationToken);
}

/// <summary>
/// Objects' public properties written with a getter delegate and Npgsql's typed <c>Write&lt;T&gt;</c> per column, cached
/// for the load: no reflection call, no boxing and no type resolution per value. A property whose value needs converting
/// for its column (an <c>int</c> into <c>bigint</c>, a time into <c>timestamptz</c>), or whose type is not one of the
/// common ones, goes through the boxed conversion the other rows take.
/// </summary>
internal sealed class TypedRowWriter<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>(
    IAsyncEnumerable<T> rows, PropertyInfo[] properties) : ITypedRowWriter
{
    public async Task<long> WriteAsync(NpgsqlBinaryImporter importer, IReadOnlyList<CatalogColumn> columns, string[] dataTypeNames, CancellationToken cancellationToken)
    {
        var writers = new ColumnWriter[properties.Length];
        for (var i = 0; i < writers.Length; i++)
        {
            writers[i] = Create(properties[i], columns[i], dataTypeNames[i]);
        }

        var count = 0L;
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (row is null)
            {
#pragma warning disable CA2208 // The caller's argument is the rows, as in the boxed path.
                throw new ArgumentException("A row is null.", "rows");
#pragma warning restore CA2208
            }

            await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
            foreach (var writer in writers)
            {
                var write = writer.WriteAsync(importer, row, cancellationToken);
                if (!write.IsCompletedSuccessfully)
                {
                    await write.ConfigureAwait(false);
                }
            }

            count++;
        }

        return count;
    }

    private static ColumnWriter Create(PropertyInfo property, CatalogColumn column, string dataTypeName)
    {
        var type = property.PropertyType;
        var clr = Nullable.GetUnderlyingType(type) ?? type;
        if (!typeof(T).IsValueType && property.GetMethod is { } getter && RowLoadSource.AsIs(clr, column))
        {
            ColumnWriter? typed = type switch
            {
                _ when type == typeof(string) => new Reference<string>(getter, dataTypeName),
                _ when type == typeof(byte[]) => new Reference<byte[]>(getter, dataTypeName),
                _ when type == typeof(int) => new Value<int>(getter, dataTypeName),
                _ when type == typeof(int?) => new NullableValue<int>(getter, dataTypeName),
                _ when type == typeof(long) => new Value<long>(getter, dataTypeName),
                _ when type == typeof(long?) => new NullableValue<long>(getter, dataTypeName),
                _ when type == typeof(short) => new Value<short>(getter, dataTypeName),
                _ when type == typeof(short?) => new NullableValue<short>(getter, dataTypeName),
                _ when type == typeof(double) => new Value<double>(getter, dataTypeName),
                _ when type == typeof(double?) => new NullableValue<double>(getter, dataTypeName),
                _ when type == typeof(float) => new Value<float>(getter, dataTypeName),
                _ when type == typeof(float?) => new NullableValue<float>(getter, dataTypeName),
                _ when type == typeof(decimal) => new Value<decimal>(getter, dataTypeName),
                _ when type == typeof(decimal?) => new NullableValue<decimal>(getter, dataTypeName),
                _ when type == typeof(bool) => new Value<bool>(getter, dataTypeName),
                _ when type == typeof(bool?) => new NullableValue<bool>(getter, dataTypeName),
                _ when type == typeof(DateTime) => new Value<DateTime>(getter, dataTypeName),
                _ when type == typeof(DateTime?) => new NullableValue<DateTime>(getter, dataTypeName),
                _ when type == typeof(DateOnly) => new Value<DateOnly>(getter, dataTypeName),
                _ when type == typeof(DateOnly?) => new NullableValue<DateOnly>(getter, dataTypeName),
                _ when type == typeof(TimeOnly) => new Value<TimeOnly>(getter, dataTypeName),
                _ when type == typeof(TimeOnly?) => new NullableValue<TimeOnly>(getter, dataTypeName),
                _ when type == typeof(TimeSpan) => new Value<TimeSpan>(getter, dataTypeName),
                _ when type == typeof(TimeSpan?) => new NullableValue<TimeSpan>(getter, dataTypeName),
                _ when type == typeof(Guid) => new Value<Guid>(getter, dataTypeName),
                _ when type == typeof(Guid?) => new NullableValue<Guid>(getter, dataTypeName),
                _ => null,
            };
            if (typed is not null)
            {
                return typed;
            }
        }

        return new Boxed(property, RowLoadSource.Converter(clr, column), dataTypeName);
    }

    private abstract class ColumnWriter
    {
        public abstract Task WriteAsync(NpgsqlBinaryImporter importer, T row, CancellationToken cancellationToken);
    }

    private sealed class Reference<TValue>(MethodInfo getter, string dataTypeName) : ColumnWriter
        where TValue : class
    {
        private readonly Func<T, TValue?> get = getter.CreateDelegate<Func<T, TValue?>>();

        public override Task WriteAsync(NpgsqlBinaryImporter importer, T row, CancellationToken cancellationToken) =>
            get(row) is { } value ? importer.WriteAsync(value, dataTypeName, cancellationToken) : importer.WriteNullAsync(cancellationToken);
    }

    private sealed class Value<TValue>(MethodInfo getter, string dataTypeName) : ColumnWriter
        where TValue : struct
    {
        private readonly Func<T, TValue> get = getter.CreateDelegate<Func<T, TValue>>();

        public override Task WriteAsync(NpgsqlBinaryImporter importer, T row, CancellationToken cancellationToken) =>
            importer.WriteAsync(get(row), dataTypeName, cancellationToken);
    }

    private sealed class NullableValue<TValue>(MethodInfo getter, string dataTypeName) : ColumnWriter
        where TValue : struct
    {
        private readonly Func<T, TValue?> get = getter.CreateDelegate<Func<T, TValue?>>();

        public override Task WriteAsync(NpgsqlBinaryImporter importer, T row, CancellationToken cancellationToken) =>
            get(row) is { } value ? importer.WriteAsync(value, dataTypeName, cancellationToken) : importer.WriteNullAsync(cancellationToken);
    }

    private sealed class Boxed(PropertyInfo property, Func<object, object> convert, string dataTypeName) : ColumnWriter
    {
        public override Task WriteAsync(NpgsqlBinaryImporter importer, T row, CancellationToken cancellationToken) =>
            property.GetValue(row) is { } value and not DBNull
                ? importer.WriteAsync(convert(value), dataTypeName, cancellationToken)
                : importer.WriteNullAsync(cancellationToken);
    }
}
