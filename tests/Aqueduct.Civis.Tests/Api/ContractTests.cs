using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Aqueduct.Civis.Api.Internal;
using Aqueduct.Civis.Testing;

namespace Aqueduct.Civis.Tests.Api;

/// <summary>The typed client against the spec: paths and methods, request bodies, and the recorded answers.</summary>
public sealed class ContractTests
{
    private static readonly Lazy<JsonDocument> Spec = new(() =>
    {
        using var stream = FakeCivisApi.OpenSpec();
        return JsonDocument.Parse(stream);
    });

    public static TheoryData<string, string> Operations()
    {
        var data = new TheoryData<string, string>();
        foreach (var operation in Distinct(CivisOperations.All))
        {
            data.Add(operation.Method, operation.Path);
        }

        return data;
    }

    /// <summary>
    /// One row per operation: an operation both hand-written (a filtered call) and generated (the whole call) is listed
    /// twice in the table but is one operation of the spec.
    /// </summary>
    private static IEnumerable<CivisOperations.Operation> Distinct(IEnumerable<CivisOperations.Operation> operations)
        => operations.DistinctBy(o => (o.Method, o.Path));

    /// <summary>The generated operations, by their method.</summary>
    public static TheoryData<string> GeneratedMembers()
    {
        var data = new TheoryData<string>();
        foreach (var operation in CivisOperations.Generated)
        {
            data.Add(operation.Member!);
        }

        return data;
    }

    /// <summary>The operations that send a body: only they have a body schema to check.</summary>
    public static TheoryData<string, string> OperationsWithRequestBody()
    {
        var data = new TheoryData<string, string>();
        foreach (var operation in Distinct(CivisOperations.All.Where(o => o.Request is not null)))
        {
            data.Add(operation.Method, operation.Path);
        }

        return data;
    }

    /// <summary>The operations with a typed answer and at least one recorded success body to read it from.</summary>
    public static TheoryData<string, string> OperationsWithRecordedAnswer()
    {
        var data = new TheoryData<string, string>();
        foreach (var operation in Distinct(CivisOperations.All.Where(o => o.Response is not null && RecordedAnswers(o.Method, o.Path).Count > 0)))
        {
            data.Add(operation.Method, operation.Path);
        }

        return data;
    }

    [Fact]
    public void OperationsWithRequestBody_TypedOperations_AreManyButNotAll()
    {
        Assert.InRange(OperationsWithRequestBody().Count, 10, CivisOperations.All.Count - 1);
    }

    [Fact]
    public void OperationsWithRecordedAnswer_TypedOperations_AreMany()
    {
        Assert.InRange(OperationsWithRecordedAnswer().Count, 10, CivisOperations.All.Count);
    }

    /// <summary>The recorded 2xx bodies of an operation (<c>x-examples</c>).</summary>
    private static List<string> RecordedAnswers(string method, string path)
    {
        var bodies = new List<string>();
        if (SpecOperation(method, path) is not { } spec || !spec.TryGetProperty("x-examples", out var examples) || examples.ValueKind != JsonValueKind.Array)
        {
            return bodies;
        }

        foreach (var example in examples.EnumerateArray())
        {
            if (!example.TryGetProperty("requests", out var requests) || requests.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var request in requests.EnumerateArray())
            {
                var status = request.GetProperty("response_status").GetInt32();
                if (status is >= 200 and < 300 && request.GetProperty("response_body") is { ValueKind: JsonValueKind.String } body && body.GetString() is { Length: > 0 } text)
                {
                    bodies.Add(text);
                }
            }
        }

        return bodies;
    }

    private static CivisOperations.Operation Find(string method, string path) => CivisOperations.All.First(o => o.Method == method && o.Path == path);

    /// <summary>Every operation of the spec, as (method, path without a trailing slash).</summary>
    private static List<(string Method, string Path, JsonElement Operation)> SpecOperations()
    {
        var operations = new List<(string, string, JsonElement)>();
        foreach (var path in Spec.Value.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                if (operation.Name is "get" or "post" or "put" or "patch" or "delete")
                {
                    operations.Add((operation.Name.ToUpperInvariant(), path.Name.Length > 1 ? path.Name.TrimEnd('/') : path.Name, operation.Value));
                }
            }
        }

        return operations;
    }

    [Fact]
    public void All_EverySpecOperation_IsTyped()
    {
        var spec = SpecOperations();
        var typed = CivisOperations.All.Select(o => (o.Method, o.Path)).ToHashSet();
        var missing = spec.Where(o => !typed.Contains((o.Method, o.Path))).Select(o => $"{o.Method} {o.Path}").ToList();
        Assert.Equal(910, spec.Count);
        Assert.Empty(missing);
        Assert.Equal(spec.Count, Distinct(CivisOperations.All).Count());
    }

    [Fact]
    public void Generated_HandWrittenOperations_AreNotGeneratedAgain()
    {
        var hand = CivisOperations.HandWritten.Select(o => (o.Method, o.Path)).ToHashSet();
        var again = CivisOperations.Generated.Where(o => hand.Contains((o.Method, o.Path))).Select(o => $"{o.Method} {o.Path} ({o.Member})").ToList();
        // GET /scripts is hand-written only for type=containers (ListContainersAsync); the whole listing is generated.
        Assert.Equal(["GET /scripts (ScriptsClient.ListAsync)"], again);
    }

    [Fact]
    public void Generated_PagedOperations_AreTheSpecsPagedOperations()
    {
        var paged = SpecOperations()
            .Where(o => o.Operation.TryGetProperty("parameters", out var ps) && ps.EnumerateArray().Any(p => p.GetProperty("name").GetString() == "page_num"))
            .Select(o => (o.Method, o.Path)).ToHashSet();
        Assert.Equal(71, paged.Count);
        var generatedPaged = CivisOperations.Generated.Where(o => o.Paged).Select(o => (o.Method, o.Path)).ToHashSet();
        var handPaged = CivisOperations.HandWritten.Select(o => (o.Method, o.Path)).Where(paged.Contains).ToHashSet();
        Assert.Subset(paged, generatedPaged);
        Assert.Equal(paged, generatedPaged.Union(handPaged).ToHashSet());
    }

    [Theory]
    [MemberData(nameof(GeneratedMembers))]
    public void Generated_Operation_IsAVirtualMethodOfASubClientOfCivisClient(string member)
    {
        var operation = CivisOperations.Generated.Single(o => o.Member == member);
        var (typeName, methodName) = (member[..member.IndexOf('.', StringComparison.Ordinal)], member[(member.IndexOf('.', StringComparison.Ordinal) + 1)..]);
        var type = typeof(CivisClient).Assembly.GetType("Aqueduct.Civis.Api." + typeName);
        Assert.NotNull(type);
        Assert.Contains(typeof(CivisClient).GetProperties(), p => p.PropertyType == type);
        var method = Assert.Single(type.GetMethods(), m => m.Name == methodName);
        Assert.True(method.IsVirtual && method.IsPublic, $"{member} is not public virtual");
        Assert.Equal(typeof(CancellationToken), method.GetParameters()[^1].ParameterType);
        var returns = method.ReturnType;
        if (operation.Response is null)
        {
            Assert.Equal(typeof(Task), returns);
        }
        else if (operation.Paged)
        {
            Assert.Equal(typeof(IAsyncEnumerable<>).MakeGenericType(operation.Response.Type), returns);
        }
        else if (operation.ResponseIsList)
        {
            Assert.Equal(typeof(Task<>).MakeGenericType(typeof(IReadOnlyList<>).MakeGenericType(operation.Response.Type)), returns);
        }
        else
        {
            Assert.Equal(typeof(Task<>).MakeGenericType(operation.Response.Type), returns);
        }

        if (operation.Request is not null)
        {
            Assert.Contains(method.GetParameters(), p => p.Name == "body" && p.ParameterType == operation.Request.Type);
        }
    }

    [Fact]
    public void Models_PublicNames_HaveNoNumberedSpecNames()
    {
        var numbered = typeof(CivisClient).Assembly.GetExportedTypes()
            .Where(t => t.Namespace == "Aqueduct.Civis.Api.Models" && char.IsDigit(t.Name[^1]))
            .Select(t => t.Name).ToList();
        Assert.Empty(numbered);
    }

    private static JsonElement? SpecOperation(string method, string path)
    {
        foreach (var candidate in Spec.Value.RootElement.GetProperty("paths").EnumerateObject())
        {
            if ((candidate.Name.Length > 1 ? candidate.Name.TrimEnd('/') : candidate.Name) == path
                && candidate.Value.TryGetProperty(method.ToLowerInvariant(), out var operation))
            {
                return operation;
            }
        }

        return null;
    }

    private static JsonElement Definition(JsonElement schema)
    {
        var reference = schema.GetProperty("$ref").GetString()!;
        return Spec.Value.RootElement.GetProperty("definitions").GetProperty(reference[(reference.LastIndexOf('/') + 1)..]);
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public void All_TypedOperation_ExistsInSpecWithThatMethod(string method, string path)
    {
        Assert.True(SpecOperation(method, path) is not null, $"{method} {path} is not in the spec");
    }

    [Theory]
    [MemberData(nameof(OperationsWithRequestBody))]
    public void All_RequestBodyProperty_IsInTheOperationsBodySchema(string method, string path)
    {
        var operation = Find(method, path);
        var body = SpecOperation(method, path)!.Value.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("in").GetString() == "body");
        var problems = new List<string>();
        CheckProperties(operation.Request!, Definition(body.GetProperty("schema")), path, problems);
        Assert.Empty(problems);
    }

    private static void CheckProperties(JsonTypeInfo type, JsonElement schema, string where, List<string> problems)
    {
        var properties = schema.TryGetProperty("properties", out var p) ? p : default;
        foreach (var property in type.Properties)
        {
            if (property.Name == "AdditionalProperties" || property.Get is null || property.IsExtensionData)
            {
                continue;
            }

            if (properties.ValueKind != JsonValueKind.Object || !properties.TryGetProperty(property.Name, out var propertySchema))
            {
                problems.Add($"{where}.{property.Name} is not in the schema");
                continue;
            }

            var nested = Nested(property.PropertyType);
            var nestedSchema = propertySchema.TryGetProperty("$ref", out _) ? propertySchema
                : propertySchema.TryGetProperty("items", out var items) && items.TryGetProperty("$ref", out _) ? items : (JsonElement?)null;
            if (nested is not null && nestedSchema is { } ns)
            {
                CheckProperties(CivisJsonContext.Default.GetTypeInfo(nested)!, Definition(ns), where + "." + property.Name, problems);
            }
        }
    }

    private static Type? Nested(Type type)
    {
        var element = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IList<>) ? type.GetGenericArguments()[0] : type;
        return element.Namespace == "Aqueduct.Civis.Api.Models" && element.IsClass ? element : null;
    }

    [Theory]
    [MemberData(nameof(OperationsWithRecordedAnswer))]
    public void All_RecordedAnswer_DeserializesIntoModelWithoutLosingAProperty(string method, string path)
    {
        var operation = Find(method, path);
        var answers = RecordedAnswers(method, path);
        Assert.NotEmpty(answers);
        var problems = new List<string>();
        foreach (var text in answers)
        {
            using var document = JsonDocument.Parse(text);
            var items = operation.ResponseIsList && document.RootElement.ValueKind == JsonValueKind.Array
                ? [.. document.RootElement.EnumerateArray()]
                : new[] { document.RootElement };
            foreach (var item in items)
            {
                try
                {
                    var model = JsonSerializer.Deserialize(item.GetRawText(), operation.Response!);
                    using var back = JsonDocument.Parse(JsonSerializer.Serialize(model, operation.Response!));
                    Compare(item, back.RootElement, "$", problems);
                }
                catch (JsonException e)
                {
                    problems.Add(e.Message);
                }
            }
        }

        Assert.Empty(problems);
    }

    /// <summary>Equal as JSON: nulls and missing properties alike, numbers by value, timestamps by instant.</summary>
    private static void Compare(JsonElement expected, JsonElement actual, string path, List<string> problems)
    {
        if (expected.ValueKind == JsonValueKind.Object && actual.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in expected.EnumerateObject())
            {
                if (!actual.TryGetProperty(property.Name, out var value))
                {
                    if (property.Value.ValueKind != JsonValueKind.Null)
                    {
                        problems.Add($"{path}.{property.Name} was lost");
                    }

                    continue;
                }

                Compare(property.Value, value, path + "." + property.Name, problems);
            }

            return;
        }

        if (expected.ValueKind == JsonValueKind.Array && actual.ValueKind == JsonValueKind.Array)
        {
            var (e, a) = (expected.EnumerateArray().ToList(), actual.EnumerateArray().ToList());
            if (e.Count != a.Count)
            {
                problems.Add($"{path} has {a.Count} items instead of {e.Count}");
                return;
            }

            for (var i = 0; i < e.Count; i++)
            {
                Compare(e[i], a[i], $"{path}[{i}]", problems);
            }

            return;
        }

        if (expected.ValueKind == JsonValueKind.Number && actual.ValueKind == JsonValueKind.Number && expected.GetDecimal() == actual.GetDecimal())
        {
            return;
        }

        if (expected.ValueKind == JsonValueKind.String && actual.ValueKind == JsonValueKind.String
            && (expected.GetString() == actual.GetString()
                || (DateTimeOffset.TryParse(expected.GetString(), CultureInfo.InvariantCulture, out var x)
                    && DateTimeOffset.TryParse(actual.GetString(), CultureInfo.InvariantCulture, out var y) && x == y)))
        {
            return;
        }

        if (expected.ValueKind == actual.ValueKind && expected.ValueKind is JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null)
        {
            return;
        }

        problems.Add($"{path}: {expected.GetRawText()} came back as {actual.GetRawText()}");
    }
}
