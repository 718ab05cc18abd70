using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Aqueduct.Civis.Tool.Deploy;

/// <summary>
/// Plans and applies a deploy: resolves the manifest's names, compares the manifest with the script on the
/// platform, and sends only what differs: a creation (<c>POST</c>) or one <c>PATCH</c> holding only the changed
/// fields, then the project and the shares that are missing. Nothing differs, nothing is sent.
/// </summary>
internal sealed class Deployer(CivisClient client)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>Reads the platform (never writes) and works out what the deploy sends.</summary>
    /// <exception cref="CivisJobManifestException">A name does not resolve, or the recorded id does not exist.</exception>
    public async Task<DeployPlan> PlanAsync(CivisJobManifest manifest, string? imageTag, CancellationToken cancellationToken)
    {
        var resolved = await new NameResolver(client).ResolveAsync(manifest, cancellationToken).ConfigureAwait(false);
        int Resolve(CivisManifestReference reference) => reference.Id ?? resolved[reference];

        var desired = ToJson(manifest.ToCreateRequest(Resolve));
        if (imageTag is not null)
        {
            desired["dockerImageTag"] = imageTag;
        }

        var projectId = manifest.Project is { } project ? Resolve(project) : (int?)null;
        var shares = manifest.Shares.Select(s => (Kind: s.Target.Kind, Id: Resolve(s.Target), Level: s.PermissionLevel, Target: s.Target)).ToList();

        var found = await ScriptFinder.FindAsync(client, manifest, cancellationToken).ConfigureAwait(false);
        if (found is not { } existing)
        {
            var writes = new List<DeployWrite> { new($"create container script '{manifest.Name}'", HttpMethod.Post, "scripts/containers", desired) };
            if (projectId is { } p)
            {
                writes.Add(ProjectWrite(p, manifest.Project!));
            }

            writes.AddRange(ShareWrites(shares.Select(s => (s.Kind, s.Id, s.Level, Describe(s.Target)))));
            return new DeployPlan { Name = manifest.Name, Desired = desired, ChangedFields = [.. desired.Select(p => p.Key)], Writes = writes };
        }

        var (id, current) = existing;
        var changed = JsonDiff.ChangedKeys(current, desired);
        var updates = new List<DeployWrite>();
        if (changed.Count > 0)
        {
            var patch = new JsonObject();
            foreach (var key in changed)
            {
                patch[key] = desired[key]?.DeepClone();
            }

            updates.Add(new DeployWrite($"update {string.Join(", ", changed)} of script {id}", HttpMethod.Patch, "scripts/containers/{id}", patch));
        }

        if (projectId is { } wantedProject)
        {
            var projects = await client.SendAsync(HttpMethod.Get, $"scripts/containers/{id}/projects", cancellationToken: cancellationToken).ConfigureAwait(false);
            var inProject = projects.Content is { ValueKind: JsonValueKind.Array } list
                && list.EnumerateArray().Any(e => e.TryGetProperty("id", out var pid) && pid.TryGetInt32(out var v) && v == wantedProject);
            if (!inProject)
            {
                updates.Add(ProjectWrite(wantedProject, manifest.Project!));
            }
        }

        if (shares.Count > 0)
        {
            var index = await client.SendAsync(HttpMethod.Get, $"scripts/containers/{id}/shares", cancellationToken: cancellationToken).ConfigureAwait(false);
            var missing = shares.Where(s => !IsShared(index.Content, s.Kind, s.Id, s.Level)).Select(s => (s.Kind, s.Id, s.Level, Describe(s.Target)));
            updates.AddRange(ShareWrites(missing));
        }

        return new DeployPlan { ScriptId = id, Name = manifest.Name, Desired = desired, Current = current, ChangedFields = changed, Writes = updates };
    }

    /// <summary>Sends the plan's writes in order; after a creation, <paramref name="created"/> is told the new id at once.</summary>
    /// <exception cref="DeployFailedException">A write failed; it says which writes were applied.</exception>
    public async Task<int> ApplyAsync(DeployPlan plan, Func<int, Task> created, CancellationToken cancellationToken)
    {
        var id = plan.ScriptId;
        var applied = new List<string>();
        for (var i = 0; i < plan.Writes.Count; i++)
        {
            var write = plan.Writes[i];
            try
            {
                var path = id is { } known ? write.Path.Replace("{id}", known.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal) : write.Path;
                var body = write.Body is null ? (JsonElement?)null : JsonSerializer.SerializeToElement(write.Body, Web);
                // Each write sets fields to values, so repeating it is harmless: let the client retry it like a PUT.
                var response = await client.SendAsync(write.Method, path, body, idempotent: write.Method != HttpMethod.Post, cancellationToken).ConfigureAwait(false);
                if (id is null)
                {
                    var newId = response.Content is { ValueKind: JsonValueKind.Object } script && script.TryGetProperty("id", out var value) && value.TryGetInt32(out var v)
                        ? v
                        : throw new ToolException("The platform created the script but gave no id.");
                    id = newId;
                    applied.Add($"{write.Description}: script {newId}");
                    await created(newId).ConfigureAwait(false);
                }
                else
                {
                    applied.Add(write.Description);
                }
            }
            catch (Exception e) when (e is CivisApiException or OperationCanceledException)
            {
                throw new DeployFailedException(write.Description, e, applied, [.. plan.Writes.Skip(i).Select(w => w.Description)], id);
            }
        }

        return id ?? throw new InvalidOperationException("A deploy without a script id sent nothing.");
    }

    internal static JsonObject ToJson(object request)
        => JsonNode.Parse(JsonSerializer.Serialize(request, Web))!.AsObject();

    private static DeployWrite ProjectWrite(int projectId, CivisManifestReference reference)
        => new($"add the script to project {Describe(reference)}", HttpMethod.Put, $"scripts/containers/{{id}}/projects/{projectId}", null);

    private static IEnumerable<DeployWrite> ShareWrites(IEnumerable<(CivisReferenceKind Kind, int Id, string Level, string Name)> shares)
    {
        foreach (var group in shares.GroupBy(s => (s.Kind, s.Level)))
        {
            var users = group.Key.Kind == CivisReferenceKind.User;
            var ids = new JsonArray([.. group.Select(s => (JsonNode)s.Id)]);
            yield return new DeployWrite(
                $"share with {(users ? "users" : "groups")} {string.Join(", ", group.Select(s => s.Name))} ({group.Key.Level})",
                HttpMethod.Put,
                users ? "scripts/containers/{id}/shares/users" : "scripts/containers/{id}/shares/groups",
                new JsonObject { [users ? "userIds" : "groupIds"] = ids, ["permissionLevel"] = group.Key.Level, ["sendSharedEmail"] = false });
        }
    }

    /// <summary>Whether the share index already gives the user or group this level or a higher one.</summary>
    private static bool IsShared(JsonElement? index, CivisReferenceKind kind, int id, string level)
    {
        // The spec answers a list of share indexes (one per object); an object is taken as well.
        var shares = index switch
        {
            { ValueKind: JsonValueKind.Object } single => single,
            { ValueKind: JsonValueKind.Array } list when list.GetArrayLength() > 0 => list[0],
            _ => default,
        };
        if (shares.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        string[] sets = level switch
        {
            "manage" => ["owners"],
            "write" => ["writers", "owners"],
            _ => ["readers", "writers", "owners"],
        };
        var member = kind == CivisReferenceKind.User ? "users" : "groups";
        return sets.Any(set => shares.TryGetProperty(set, out var s) && s.ValueKind == JsonValueKind.Object
            && s.TryGetProperty(member, out var list) && list.ValueKind == JsonValueKind.Array
            && list.EnumerateArray().Any(e => e.TryGetProperty("id", out var v) && v.TryGetInt32(out var i) && i == id));
    }

    private static string Describe(CivisManifestReference reference)
        => reference.Name is { } name ? $"'{name}'" : reference.Id?.ToString(CultureInfo.InvariantCulture) ?? "?";
}
