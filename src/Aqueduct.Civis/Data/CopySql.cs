using System.Text;

namespace Aqueduct.Civis.Data;

/// <summary>SQL text helpers for the statements the data movement writes.</summary>
internal static class CopySql
{
    /// <summary>A string literal that means the same whatever <c>standard_conforming_strings</c> is.</summary>
    public static string Literal(string value) =>
        "E'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    /// <summary>The options of a CSV COPY.</summary>
    public static string CsvOptions(char delimiter, string nullMarker, bool header)
    {
        if (delimiter > 127 || delimiter is '"' or '\r' or '\n' or '\0')
        {
            throw new ArgumentException($"The CSV delimiter must be a single-byte character other than a quote or a line end; got '{delimiter}'.");
        }

        ArgumentNullException.ThrowIfNull(nullMarker);
        if (nullMarker.AsSpan().IndexOfAny('\r', '\n') >= 0 || nullMarker.Contains(delimiter, StringComparison.Ordinal))
        {
            throw new ArgumentException("The CSV null marker must not contain a line end or the delimiter.");
        }

        return $"(FORMAT csv, DELIMITER {Literal(delimiter.ToString())}, NULL {Literal(nullMarker)}{(header ? ", HEADER" : string.Empty)})";
    }

    /// <summary>A quoted, comma-separated column list, optionally prefixed by a table alias.</summary>
    public static string Columns(IEnumerable<string> names, string? alias = null)
    {
        var builder = new StringBuilder();
        foreach (var name in names)
        {
            if (builder.Length > 0)
            {
                builder.Append(", ");
            }

            if (alias is not null)
            {
                builder.Append(alias).Append('.');
            }

            builder.Append(TableName.QuoteIdentifier(name));
        }

        return builder.ToString();
    }
}
