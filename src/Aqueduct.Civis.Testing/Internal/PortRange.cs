using System.Globalization;

namespace Aqueduct.Civis.Testing.Internal;

/// <summary>The ports a local server may listen on: <c>5500</c> or <c>5500-5599</c> (<c>AQUEDUCT_LOCAL_WAREHOUSE_PORT</c>).</summary>
internal readonly record struct PortRange(int First, int Last)
{
    /// <summary>Reads <c>PORT</c> or <c>FIRST-LAST</c>; <see langword="null"/> for blank.</summary>
    /// <param name="text">The text.</param>
    /// <param name="source">What the text came from (the variable or the option), for the message.</param>
    /// <exception cref="PostgresServerException">The text is not a port or a range of ports.</exception>
    public static PortRange? Parse(string? text, string source)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var parts = text.Trim().Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length is 1 or 2
            && TryPort(parts[0], out var first)
            && TryPort(parts[^1], out var last)
            && first <= last)
        {
            return new PortRange(first, last);
        }

        throw new PostgresServerException(
            $"{source} is '{text.Trim()}'; give a port (5500) or a range of ports (5500-5599), between 1 and 65535, the first not above the last.");
    }

    /// <summary>The range as it is written (<c>5500</c>, <c>5500-5599</c>).</summary>
    public override string ToString() =>
        First == Last ? First.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{First}-{Last}");

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65_535;
}
