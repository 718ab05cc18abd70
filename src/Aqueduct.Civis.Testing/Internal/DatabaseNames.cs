using System.Security.Cryptography;
using System.Text;

namespace Aqueduct.Civis.Testing.Internal;

/// <summary>Names for throwaway databases: lower case, safe as identifiers, unique.</summary>
internal static class DatabaseNames
{
    private const int MaxPrefixLength = 40;

    /// <summary>
    /// A new name such as <c>orders_tests_3f9a1c0b7d2e4a6f</c>: the prefix reduced to <c>[a-z0-9_]</c>, then 64 random bits.
    /// </summary>
    public static string Create(string? prefix)
    {
        var cleaned = new StringBuilder();
        foreach (var c in (prefix ?? string.Empty).ToLowerInvariant())
        {
            if (cleaned.Length == MaxPrefixLength)
            {
                break;
            }

            var keep = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_';
            if (keep || (cleaned.Length > 0 && cleaned[^1] != '_'))
            {
                cleaned.Append(keep ? c : '_');
            }
        }

        var stem = cleaned.ToString().Trim('_');
        if (stem.Length == 0)
        {
            stem = "test";
        }
        else if (char.IsAsciiDigit(stem[0]))
        {
            stem = "db_" + stem;
        }

        return stem + "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
    }

    /// <summary>Quotes an identifier for SQL.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
