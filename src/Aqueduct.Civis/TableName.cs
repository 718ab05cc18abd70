using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Aqueduct.Civis;

/// <summary>
/// A table's name, optionally schema-qualified, as a job author writes it: <c>transportation.bike_trips</c>,
/// <c>"schema.has.periods".bar</c>. Written into SQL only through <see cref="ToString"/>, which always quotes.
/// </summary>
/// <remarks>
/// Parsing follows PostgreSQL's rules: the name splits on periods outside double quotes, a quoted part keeps
/// its case and may contain periods and doubled quotes (<c>""</c>), and an unquoted part has its ASCII
/// letters folded to lower case, as the server folds it (<c>ÄB</c> is <c>Äb</c>).
/// </remarks>
public sealed record TableName
{
    /// <summary>Creates a table name from its parts, taken literally (no quoting or case folding).</summary>
    /// <param name="schema">The schema, or <see langword="null"/> to resolve the table through the search path.</param>
    /// <param name="name">The table.</param>
    /// <exception cref="ArgumentException">A part is empty or contains a NUL character.</exception>
    public TableName(string? schema, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Validate(name, nameof(name));
        if (schema is not null)
        {
            Validate(schema, nameof(schema));
        }

        Schema = schema;
        Name = name;
    }

    /// <summary>The schema, or <see langword="null"/> when the name is not schema-qualified.</summary>
    public string? Schema { get; }

    /// <summary>The table's own name.</summary>
    public string Name { get; }

    /// <summary>Parses <c>table</c> or <c>schema.table</c>, with double quotes around any part that needs them.</summary>
    /// <param name="text">The name, for example <c>transportation.bike_trips</c> or <c>"schema.has.periods".bar</c>.</param>
    /// <returns>The table name.</returns>
    /// <exception cref="FormatException">The text is not a valid name; the message quotes it.</exception>
    public static TableName Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var result, out var error) ? result : throw new FormatException(error);
    }

    /// <summary>Parses <c>table</c> or <c>schema.table</c>, returning <see langword="false"/> when the text is not a valid name.</summary>
    /// <param name="text">The name.</param>
    /// <param name="result">The table name, when valid.</param>
    /// <returns>Whether the text is a valid name.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out TableName? result) =>
        TryParse(text, out result, out _);

    /// <summary>The name as SQL: every part double-quoted, quotes inside doubled (<c>"transportation"."bike_trips"</c>).</summary>
    /// <returns>The quoted name.</returns>
    public override string ToString() => Schema is null ? QuoteIdentifier(Name) : QuoteIdentifier(Schema) + "." + QuoteIdentifier(Name);

    /// <summary>Quotes an identifier for SQL.</summary>
    internal static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// Folds an unquoted identifier as PostgreSQL's <c>downcase_identifier</c> does in a UTF-8 database: only the
    /// ASCII letters A–Z are lowered, so <c>ÄB</c> names the table <c>Äb</c>, as the server would.
    /// </summary>
    private static string FoldCase(string identifier) =>
        string.Create(identifier.Length, identifier, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                var c = source[i];
                span[i] = c is >= 'A' and <= 'Z' ? (char)(c + ('a' - 'A')) : c;
            }
        });

    private static void Validate(string part, string parameter)
    {
        if (part.Length == 0 || part.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A table or schema name must be non-empty and contain no NUL character.", parameter);
        }
    }

    private static bool TryParse(string? text, [NotNullWhen(true)] out TableName? result, out string error)
    {
        result = null;
        if (text is null)
        {
            error = "A table name is required.";
            return false;
        }

        var parts = new List<string>(2);
        var part = new StringBuilder();
        var quoted = false; // the current part was written in quotes
        var i = 0;
        while (true)
        {
            // Skip whitespace before a part.
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            part.Clear();
            quoted = false;
            if (i < text.Length && text[i] == '"')
            {
                quoted = true;
                i++;
                var closed = false;
                while (i < text.Length)
                {
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            part.Append('"');
                            i += 2;
                            continue;
                        }

                        closed = true;
                        i++;
                        break;
                    }

                    part.Append(text[i++]);
                }

                if (!closed)
                {
                    error = $"Table name '{text}' has an unterminated double quote.";
                    return false;
                }

                while (i < text.Length && char.IsWhiteSpace(text[i]))
                {
                    i++;
                }
            }
            else
            {
                while (i < text.Length && text[i] != '.' && text[i] != '"')
                {
                    part.Append(text[i++]);
                }

                if (i < text.Length && text[i] == '"')
                {
                    error = $"Table name '{text}' has a double quote inside an unquoted part; quote the whole part (\"like.this\").";
                    return false;
                }
            }

            var value = quoted ? part.ToString() : FoldCase(part.ToString().Trim());
            if (value.Length == 0)
            {
                error = $"Table name '{text}' has an empty part; expected 'table' or 'schema.table'.";
                return false;
            }

            if (value.Contains('\0', StringComparison.Ordinal))
            {
                error = $"Table name '{text}' contains a NUL character.";
                return false;
            }

            parts.Add(value);
            if (i >= text.Length)
            {
                break;
            }

            if (text[i] != '.')
            {
                error = $"Table name '{text}' has text after a closing double quote; expected a period.";
                return false;
            }

            i++;
        }

        if (parts.Count > 2)
        {
            error = $"Table name '{text}' has {parts.Count} parts; expected 'table' or 'schema.table' " +
                    "(double-quote a part that contains periods: \"schema.has.periods\".bar).";
            return false;
        }

        result = parts.Count == 2 ? new TableName(parts[0], parts[1]) : new TableName(null, parts[0]);
        error = string.Empty;
        return true;
    }
}
