using System.Text.RegularExpressions;

namespace Aqueduct.Civis;

/// <summary>A column a job declares: its name and its PostgreSQL type, as PostgreSQL spells it.</summary>
public sealed partial record ColumnDefinition
{
    /// <summary>Creates a column definition.</summary>
    /// <param name="name">The column's name, taken literally (it is always quoted in SQL, so case is kept).</param>
    /// <param name="type">The PostgreSQL type, for example <c>integer</c>, <c>text</c>, <c>numeric(10,2)</c> or <c>timestamp with time zone</c>.</param>
    /// <param name="nullable">Whether the column accepts NULL; primary key columns never do.</param>
    /// <exception cref="ArgumentException">The name is empty or the type is not a type name.</exception>
    public ColumnDefinition(string name, string type, bool nullable = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        if (name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A column name must not contain a NUL character.", nameof(name));
        }

        // The type goes into CREATE TABLE as written, so only type-name characters are accepted.
        if (!TypePattern().IsMatch(type))
        {
            throw new ArgumentException($"Column '{name}' has type '{type}', which is not a PostgreSQL type name.", nameof(type));
        }

        Name = name;
        Type = type.Trim();
        Nullable = nullable;
    }

    /// <summary>The column's name.</summary>
    public string Name { get; }

    /// <summary>The column's PostgreSQL type.</summary>
    public string Type { get; }

    /// <summary>Whether the column accepts NULL.</summary>
    public bool Nullable { get; }

    /// <summary>The column as it appears in <c>CREATE TABLE</c>.</summary>
    /// <returns>For example <c>"trip_id" integer</c>.</returns>
    public override string ToString() => TableName.QuoteIdentifier(Name) + " " + Type + (Nullable ? string.Empty : " NOT NULL");

    [GeneratedRegex("""^\s*[A-Za-z_][A-Za-z0-9_ .,()\[\]"]*$""", RegexOptions.CultureInvariant)]
    private static partial Regex TypePattern();
}
