using System.Text.Json;
using System.Text.Json.Nodes;

namespace Aqueduct.Civis.Tool.Deploy;

/// <summary>
/// Compares what the manifest wants with what the platform holds. The platform fills in fields the manifest never
/// sets (defaults, ids, timestamps), so an object matches when every field the manifest sets matches; arrays match
/// element by element, in order; numbers by value (1 and 1.0 are equal).
/// </summary>
internal static class JsonDiff
{
    public static bool Matches(JsonNode? current, JsonNode? desired)
    {
        switch (desired)
        {
            case null:
                return current is null || current.GetValueKind() == JsonValueKind.Null;
            case JsonObject wanted:
                if (current is not JsonObject have)
                {
                    return false;
                }

                foreach (var (key, value) in wanted)
                {
                    if (!Matches(have[key], value))
                    {
                        return false;
                    }
                }

                return true;
            case JsonArray wantedItems:
                if (current is not JsonArray haveItems)
                {
                    // An empty list and a missing one mean the same to the platform.
                    return wantedItems.Count == 0 && (current is null || current.GetValueKind() == JsonValueKind.Null);
                }

                // An item of a list (a parameter, an allowed value) is the manifest's whole declaration: a field the
                // platform holds but the manifest dropped (allowedValues, a default) is a change, unless it is empty.
                return haveItems.Count == wantedItems.Count && wantedItems.Select((item, i) => Matches(haveItems[i], item) && NoExtraFields(haveItems[i], item)).All(m => m);
            default:
                if (current is null)
                {
                    return false;
                }

                var kind = desired.GetValueKind();
                if (kind == JsonValueKind.Number && current.GetValueKind() == JsonValueKind.Number)
                {
                    return decimal.TryParse(current.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var a)
                        && decimal.TryParse(desired.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var b)
                        ? a == b
                        : JsonNode.DeepEquals(current, desired);
                }

                return JsonNode.DeepEquals(current, desired);
        }
    }

    private static bool NoExtraFields(JsonNode? current, JsonNode? desired) =>
        current is not JsonObject have || desired is not JsonObject wanted
        || have.Where(p => !wanted.ContainsKey(p.Key)).All(p => IsEmpty(p.Value));

    private static bool IsEmpty(JsonNode? node) => node switch
    {
        null => true,
        JsonArray items => items.Count == 0,
        JsonObject fields => fields.Count == 0,
        _ => node.GetValueKind() switch
        {
            JsonValueKind.Null or JsonValueKind.False => true,
            JsonValueKind.String => node.GetValue<string>().Length == 0,
            _ => false,
        },
    };

    /// <summary>The top-level fields of <paramref name="desired"/> that <paramref name="current"/> does not match.</summary>
    public static List<string> ChangedKeys(JsonObject current, JsonObject desired)
        => [.. desired.Where(p => !Matches(current[p.Key], p.Value)).Select(p => p.Key)];

    /// <summary>Compact JSON for a diff line.</summary>
    public static string Show(JsonNode? node) => node?.ToJsonString() ?? "null";
}
