using System.Text.Json;

namespace Aqueduct.Civis.Tool.Deploy;

/// <summary>
/// Turns every name a manifest gives (databases, credentials, the git credential, the parent job, the project,
/// users and groups) into the platform's id, reading each list once. A name the platform does not know, or knows
/// twice, is an error naming the manifest's file, line and key; all of them are reported together, before any write.
/// </summary>
internal sealed class NameResolver(CivisClient client)
{
    private readonly Dictionary<CivisReferenceKind, List<(int Id, string[] Names)>> _lists = [];

    /// <summary>Resolves every reference by name; throws <see cref="CivisJobManifestException"/> listing each one that does not resolve.</summary>
    public async Task<IReadOnlyDictionary<CivisManifestReference, int>> ResolveAsync(CivisJobManifest manifest, CancellationToken cancellationToken)
    {
        var resolved = new Dictionary<CivisManifestReference, int>();
        var errors = new List<CivisManifestError>();
        foreach (var reference in manifest.References)
        {
            if (reference.Id is { } id)
            {
                resolved[reference] = id;
                continue;
            }

            var list = await ListAsync(reference.Kind, cancellationToken).ConfigureAwait(false);
            var matches = list.Where(item => item.Names.Contains(reference.Name, StringComparer.Ordinal)).Select(item => item.Id).Distinct().ToList();
            switch (matches.Count)
            {
                case 1:
                    resolved[reference] = matches[0];
                    break;
                case 0:
                    var known = list.Select(item => item.Names[0]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(10).ToList();
                    errors.Add(reference.ToError(
                        $"the platform has no {Describe(reference.Kind)} named '{reference.Name}'"
                        + (known.Count > 0 ? $" (known: {string.Join(", ", known.Select(k => $"'{k}'"))}{(list.Count > known.Count ? ", ..." : "")})" : "")
                        + "."));
                    break;
                default:
                    errors.Add(reference.ToError(
                        $"{matches.Count} {Describe(reference.Kind)}s are named '{reference.Name}' (ids {string.Join(", ", matches)}): give the id instead."));
                    break;
            }
        }

        if (errors.Count > 0)
        {
            throw new CivisJobManifestException(errors);
        }

        return resolved;
    }

    private static string Describe(CivisReferenceKind kind) => kind switch
    {
        CivisReferenceKind.Database => "database",
        CivisReferenceKind.Credential => "credential",
        CivisReferenceKind.GitCredential => "git credential",
        CivisReferenceKind.ParentJob => "job",
        CivisReferenceKind.Project => "project",
        CivisReferenceKind.User => "user",
        CivisReferenceKind.Group => "group",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private async Task<List<(int Id, string[] Names)>> ListAsync(CivisReferenceKind kind, CancellationToken cancellationToken)
    {
        var key = kind == CivisReferenceKind.GitCredential ? CivisReferenceKind.Credential : kind;
        if (_lists.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var items = new List<(int, string[])>();
        if (key == CivisReferenceKind.Database)
        {
            // GET /databases is not paged.
            var response = await client.SendAsync(HttpMethod.Get, "databases", cancellationToken: cancellationToken).ConfigureAwait(false);
            if (response.Content is { ValueKind: JsonValueKind.Array } array)
            {
                items.AddRange(array.EnumerateArray().Select(e => Item(e, "name")).OfType<(int, string[])>());
            }
        }
        else
        {
            var (path, query, fields) = key switch
            {
                CivisReferenceKind.Credential => ("credentials", (string?)null, new[] { "name" }),
                CivisReferenceKind.ParentJob => ("scripts", null, ["name"]),
                CivisReferenceKind.Project => ("projects", null, ["name"]),
                CivisReferenceKind.User => ("users", null, ["user", "username", "email"]),
                CivisReferenceKind.Group => ("groups", null, ["name"]),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
            };
            await foreach (var element in client.ListAsync(path, query, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (Item(element, fields) is { } item)
                {
                    items.Add(item);
                }
            }
        }

        _lists[key] = items;
        return items;
    }

    private static (int, string[])? Item(JsonElement element, params string[] fields)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("id", out var id) || !id.TryGetInt32(out var value))
        {
            return null;
        }

        var names = fields.Select(f => element.TryGetProperty(f, out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null).OfType<string>().ToArray();
        return names.Length == 0 ? null : (value, names);
    }
}
