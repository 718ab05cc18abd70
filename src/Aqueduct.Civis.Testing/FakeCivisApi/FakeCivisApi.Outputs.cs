using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Aqueduct.Civis.Testing;

/// <summary>Run outputs and the JSON values they often point at.</summary>
public sealed partial class FakeCivisApi
{
    private const int MaxJsonValueBytes = 1_000_000;

    /// <summary>Where each output type lives in the API, for the output's <c>link</c>.</summary>
    private static readonly Dictionary<string, string> OutputPaths = new(StringComparer.Ordinal)
    {
        ["File"] = "files",
        ["Table"] = "tables",
        ["Report"] = "reports",
        ["Project"] = "projects",
        ["Credential"] = "credentials",
        ["JSONValue"] = "json_values",
    };

    /// <summary>Attaches an object to a run once; files and JSON values must be ones the fake holds.</summary>
    private Answer AddOutput(Run run, JsonObject? body)
    {
        var type = body?["objectType"] is JsonValue t && t.TryGetValue<string>(out var s) ? s : null;
        if (type is null || !OutputPaths.ContainsKey(type))
        {
            return Answer.Error(400, "bad_request", $"objectType must be one of {string.Join(", ", OutputPaths.Keys)}.");
        }

        if (body?["objectId"] is not JsonValue i || !i.TryGetValue<int>(out var objectId))
        {
            return Answer.Error(400, "bad_request", "objectId is required and must be an integer.");
        }

        if ((type == "File" && !_files.ContainsKey(objectId)) || (type == "JSONValue" && !_jsonValues.ContainsKey(objectId)))
        {
            return Answer.Error(404, "not_found", $"The {type} {objectId} could not be found.");
        }

        if (!run.Outputs.Any(o => o["objectType"]!.GetValue<string>() == type && o["objectId"]!.GetValue<int>() == objectId))
        {
            run.Outputs.Add(new JsonObject { ["objectType"] = type, ["objectId"] = objectId });
        }

        return Answer.Json(202, Output(new JsonObject { ["objectType"] = type, ["objectId"] = objectId }));
    }

    /// <summary>
    /// An output as the platform shows it, read when asked: the object's own name, its API path
    /// (<c>host/files/67</c>, as the platform writes it) and, for a JSON value, the value.
    /// </summary>
    private JsonObject Output(JsonObject output)
    {
        var type = output["objectType"]!.GetValue<string>();
        var id = output["objectId"]!.GetValue<int>();
        var value = type == "JSONValue" ? _jsonValues.GetValueOrDefault(id) : null;
        return new JsonObject
        {
            ["objectType"] = type,
            ["objectId"] = id,
            ["name"] = type switch
            {
                "File" => _files.GetValueOrDefault(id)?.Name,
                "JSONValue" => value?["name"]?.DeepClone(),
                _ => null,
            },
            ["link"] = $"{BaseAddress.Authority}/{OutputPaths[type]}/{id}",
            ["value"] = value?["value"]?.DeepClone(),
        };
    }

    /// <summary>Creates (<paramref name="id"/> null) or changes a JSON value from a <c>{name, valueStr}</c> body.</summary>
    private Answer SetJsonValue(int? id, JsonObject? body)
    {
        var existing = id is { } known ? _jsonValues[known] : null;
        var text = body?["valueStr"] is JsonValue v && v.TryGetValue<string>(out var str) ? str : null;
        if (text is null && existing is null)
        {
            return Answer.Error(400, "bad_request", "valueStr is required: the value as JSON text.");
        }

        JsonNode? parsed = null;
        if (text is not null)
        {
            if (Encoding.UTF8.GetByteCount(text) > MaxJsonValueBytes)
            {
                return Answer.Error(400, "bad_request", $"valueStr is limited to {MaxJsonValueBytes} bytes.");
            }

            try
            {
                parsed = JsonNode.Parse(text);
            }
            catch (JsonException e)
            {
                return Answer.Error(400, "bad_request", $"valueStr is not valid JSON: {e.Message}");
            }
        }

        var node = existing ?? new JsonObject { ["id"] = NextId(), ["name"] = null, ["value"] = null };
        if (body?.ContainsKey("name") == true || existing is null)
        {
            node["name"] = body?["name"]?.DeepClone();
        }

        if (text is not null)
        {
            node["value"] = parsed;
        }

        _jsonValues[node["id"]!.GetValue<int>()] = node;
        return Answer.Json(existing is null ? 201 : 200, node.DeepClone());
    }
}
