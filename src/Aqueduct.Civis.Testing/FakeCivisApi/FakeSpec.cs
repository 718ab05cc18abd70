using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Aqueduct.Civis.Testing;

/// <summary>The embedded Civis API spec, indexed for the fake: operations by method and path template, with their recorded example answers.</summary>
internal sealed class FakeSpec
{
    public const string ResourceName = "Aqueduct.Civis.Testing.civis_api_spec.json";

    private static readonly Lazy<FakeSpec> Shared = new(() => new FakeSpec());

    private readonly List<Operation> _operations = [];

    private FakeSpec()
    {
        using var stream = OpenStream();
        using var document = JsonDocument.Parse(stream);
        var definitions = document.RootElement.GetProperty("definitions");
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            var template = Normalize(path.Name);
            var pattern = new Regex("^" + Regex.Replace(Regex.Escape(template), @"\\\{[^}]+}|\{[^}]+}", "[^/]+") + "$", RegexOptions.CultureInvariant);
            var parameters = template.Count(c => c == '{');
            foreach (var operation in path.Value.EnumerateObject())
            {
                string? example = null;
                var status = 200;
                if (operation.Value.TryGetProperty("x-examples", out var examples) && examples.ValueKind == JsonValueKind.Array)
                {
                    var requests = examples.EnumerateArray()
                        .Where(e => e.TryGetProperty("requests", out var r) && r.ValueKind == JsonValueKind.Array)
                        .SelectMany(e => e.GetProperty("requests").EnumerateArray());
                    foreach (var request in requests)
                    {
                        var code = request.GetProperty("response_status").GetInt32();
                        if (code is >= 200 and < 300)
                        {
                            status = code;
                            example = request.TryGetProperty("response_body", out var body) && body.ValueKind == JsonValueKind.String ? body.GetString() : null;
                            break;
                        }
                    }
                }
                if (example is null && operation.Value.TryGetProperty("responses", out var responses))
                {
                    foreach (var response in responses.EnumerateObject())
                    {
                        if (int.TryParse(response.Name, out var code) && code is >= 200 and < 300)
                        {
                            status = code;
                            example = response.Value.TryGetProperty("schema", out var schema) ? Skeleton(schema, definitions)?.ToJsonString() : null;
                            break;
                        }
                    }
                }

                _operations.Add(new Operation(operation.Name.ToUpperInvariant(), template, pattern, parameters, status, example));
            }
        }

        _operations.Sort((a, b) => a.Parameters.CompareTo(b.Parameters));
    }

    public static FakeSpec Instance => Shared.Value;

    /// <summary>An answer for an operation without a recorded example: the schema's properties, all null but the id and name.</summary>
    private static JsonNode? Skeleton(JsonElement schema, JsonElement definitions)
    {
        if (schema.TryGetProperty("type", out var type) && type.GetString() == "array")
        {
            return new JsonArray();
        }

        if (!schema.TryGetProperty("$ref", out var reference))
        {
            return null;
        }

        var name = reference.GetString()!;
        var definition = definitions.GetProperty(name[(name.LastIndexOf('/') + 1)..]);
        var result = new JsonObject();
        if (definition.TryGetProperty("properties", out var properties))
        {
            foreach (var property in properties.EnumerateObject())
            {
                result[property.Name] = property.Name switch
                {
                    "id" => 1,
                    "name" => "fake",
                    _ => null,
                };
            }
        }

        return result;
    }

    public static Stream OpenStream()
        => typeof(FakeSpec).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");

    public static string Normalize(string path) => path.Length > 1 ? path.TrimEnd('/') : path;

    /// <summary>The most specific operation matching a request (fewest path parameters).</summary>
    public Operation? Match(string method, string path)
    {
        path = Normalize(path);
        return _operations.FirstOrDefault(o => o.Method == method && o.Pattern.IsMatch(path));
    }

    public bool HasPath(string path)
    {
        path = Normalize(path);
        return _operations.Any(o => o.Pattern.IsMatch(path));
    }

    /// <summary>A fresh copy of an operation's recorded answer, or <see langword="null"/>.</summary>
    public JsonNode? Example(string method, string template)
    {
        var operation = _operations.FirstOrDefault(o => o.Method == method && o.Template == template);
        return operation?.Example is { Length: > 0 } body ? JsonNode.Parse(body) : null;
    }

    public JsonObject ExampleObject(string method, string template)
        => Example(method, template) switch
        {
            JsonObject o => o,
            JsonArray { Count: > 0 } a when a[0] is JsonObject first => (JsonObject)first.DeepClone(),
            _ => [],
        };

    internal sealed record Operation(string Method, string Template, Regex Pattern, int Parameters, int Status, string? Example);
}
