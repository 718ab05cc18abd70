using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aqueduct.Civis.Api.Internal;

/// <summary>
/// Reads and writes a <see cref="CivisOptional{T}"/> as its value, <c>null</c> included. Leaving an unset one out is the
/// property's <c>JsonIgnoreCondition.WhenWritingDefault</c>. AOT-safe: <typeparamref name="T"/>'s metadata comes from the
/// source-generated context.
/// </summary>
/// <typeparam name="T">The value's type.</typeparam>
internal sealed class CivisOptionalConverter<T> : JsonConverter<CivisOptional<T>>
{
    public override bool HandleNull => true;

    public override CivisOptional<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        // The value's own converter, not a nested JsonSerializer call, so an error names the property's path ($.expiresAt).
        => reader.TokenType == JsonTokenType.Null ? new CivisOptional<T>(default!) : new CivisOptional<T>(Converter(options).Read(ref reader, typeof(T), options)!);

    public override void Write(Utf8JsonWriter writer, CivisOptional<T> value, JsonSerializerOptions options)
    {
        if (value.Value is null)
        {
            writer.WriteNullValue();
            return;
        }

        Converter(options).Write(writer, value.Value, options);
    }

    private static JsonConverter<T> Converter(JsonSerializerOptions options)
        => (JsonConverter<T>)options.GetTypeInfo(typeof(T)).Converter;
}
