using System.Globalization;

namespace Aqueduct.Civis.Api.Internal;

/// <summary>Builds paths with escaped segments and queries without nulls.</summary>
internal static class Paths
{
    public static string Segment(string value) => Uri.EscapeDataString(value);

    public static string Query(params (string Name, object? Value)[] parameters)
    {
        var parts = new List<string>();
        foreach (var (name, value) in parameters)
        {
            var text = value switch
            {
                null => null,
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            };
            if (text is not null)
            {
                parts.Add(name + "=" + Uri.EscapeDataString(text));
            }
        }

        return string.Join('&', parts);
    }
}
