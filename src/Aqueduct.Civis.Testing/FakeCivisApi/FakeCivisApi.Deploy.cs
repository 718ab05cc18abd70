using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Aqueduct.Civis.Testing;

/// <summary>
/// What a deploy needs of the fake: the lists names resolve against (databases, credentials, projects, users,
/// groups) once a test adds to them, a container script's shares and projects, and the memory and CPU its runs
/// report.
/// </summary>
public sealed partial class FakeCivisApi
{
    private static readonly (string Set, string Level)[] ShareLevels = [("readers", "read"), ("writers", "write"), ("owners", "manage")];
    private readonly Dictionary<string, List<JsonObject>> _named = [];
    private readonly Dictionary<int, Dictionary<(string Kind, int Id), string>> _shares = [];
    private readonly Dictionary<int, List<int>> _scriptProjects = [];
    private readonly Dictionary<int, (double Memory, double Cpu)> _usage = [];

    [GeneratedRegex(@"^/scripts/containers/(?<id>\d+)/(?:shares(?:/(?<kind>users|groups)(?:/(?<member>\d+))?)?|projects(?:/(?<project>\d+))?)$")]
    private static partial Regex DeployShape();

    [GeneratedRegex(@"^/(?:scripts/containers|jobs)/(?<id>\d+)/runs(?:/\d+)?$")]
    private static partial Regex RunsShape();

    /// <summary>Adds a database to <c>GET /databases</c> (which then lists only the added ones, not the spec's example).</summary>
    /// <param name="name">The database's name, such as <c>City of Los Angeles - Postgres</c>.</param>
    /// <returns>Its id.</returns>
    public int AddDatabase(string name) => AddNamed("/databases", new JsonObject { ["name"] = name, ["adapter"] = "postgresql" });

    /// <summary>Adds a credential to <c>GET /credentials</c> (which then lists only the added ones).</summary>
    /// <param name="name">The credential's name.</param>
    /// <param name="type">Its type, such as <c>Database</c>, <c>Custom</c> or <c>Amazon Web Services S3</c>.</param>
    /// <returns>Its id.</returns>
    public int AddCredential(string name, string type = "Custom") => AddNamed("/credentials", new JsonObject { ["name"] = name, ["type"] = type });

    /// <summary>Adds a project to <c>GET /projects</c> (which then lists only the added ones).</summary>
    /// <param name="name">The project's name.</param>
    /// <returns>Its id.</returns>
    public int AddProject(string name) => AddNamed("/projects", new JsonObject { ["name"] = name, ["description"] = null });

    /// <summary>Adds a user to <c>GET /users</c> (which then lists only the added ones).</summary>
    /// <param name="username">The user's login name (<c>user</c> in the API).</param>
    /// <returns>Its id.</returns>
    public int AddUser(string username) => AddNamed("/users", new JsonObject { ["user"] = username, ["name"] = username, ["email"] = username + "@example.test" });

    /// <summary>Adds a group to <c>GET /groups</c> (which then lists only the added ones).</summary>
    /// <param name="name">The group's name.</param>
    /// <returns>Its id.</returns>
    public int AddGroup(string name) => AddNamed("/groups", new JsonObject { ["name"] = name });

    /// <summary>Sets the <c>maxMemoryUsage</c> (MB) and <c>maxCpuUsage</c> (millicores) the job's finished runs report.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="maxMemoryMb">The memory peak, in MB.</param>
    /// <param name="maxCpuMillicores">The CPU peak, in millicores.</param>
    public void SetRunUsage(int jobId, double maxMemoryMb, double maxCpuMillicores)
    {
        lock (_gate)
        {
            _usage[jobId] = (maxMemoryMb, maxCpuMillicores);
        }
    }

    /// <summary>The script's shares, as <c>(users|groups, id) → read|write|manage</c>.</summary>
    /// <param name="scriptId">The container script.</param>
    /// <returns>A copy.</returns>
    public IReadOnlyDictionary<(string Kind, int Id), string> GetShares(int scriptId)
    {
        lock (_gate)
        {
            return _shares.TryGetValue(scriptId, out var shares) ? new Dictionary<(string, int), string>(shares) : [];
        }
    }

    /// <summary>The projects a container script is in.</summary>
    /// <param name="scriptId">The container script.</param>
    /// <returns>The project ids.</returns>
    public IReadOnlyList<int> GetScriptProjects(int scriptId)
    {
        lock (_gate)
        {
            return _scriptProjects.TryGetValue(scriptId, out var projects) ? [.. projects] : [];
        }
    }

    private int AddNamed(string list, JsonObject item)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(item["name"]?.GetValue<string>(), nameof(item));
        lock (_gate)
        {
            var id = NextId();
            item["id"] = id;
            item["createdAt"] = Now();
            if (!_named.TryGetValue(list, out var items))
            {
                _named[list] = items = [];
            }

            items.Add(item);
            return id;
        }
    }

    /// <summary>The deploy endpoints, answered before the other routes (under the lock); <see langword="null"/> for any other request.</summary>
    private Answer? RouteDeploy(string method, string path, IQueryCollection query, JsonObject? body)
    {
        if (method == "GET" && _named.TryGetValue(path, out var named))
        {
            return path == "/databases"
                ? Answer.Json(200, new JsonArray([.. named.Select(n => n.DeepClone())]))
                : Page(query, [.. named.Select(n => n.DeepClone())], 20, 1000);
        }

        if (RunsShape().Match(path) is { Success: true } runs && _usage.TryGetValue(int.Parse(runs.Groups["id"].Value, CultureInfo.InvariantCulture), out var usage))
        {
            var jobId = int.Parse(runs.Groups["id"].Value, CultureInfo.InvariantCulture);
            foreach (var run in _runs.Values.Where(r => r.Job.Node["id"]?.GetValue<int>() == jobId))
            {
                run.Node["maxMemoryUsage"] = usage.Memory;
                run.Node["maxCpuUsage"] = usage.Cpu;
            }

            return null;
        }

        var m = DeployShape().Match(path);
        if (!m.Success)
        {
            return null;
        }

        var scriptId = int.Parse(m.Groups["id"].Value, CultureInfo.InvariantCulture);
        if (!_resources.TryGetValue(scriptId, out var script) || script.Kind != Kinds[0])
        {
            return Answer.Error(404, "not_found", $"No container script {scriptId}.");
        }

        if (m.Groups["project"].Success || path.EndsWith("/projects", StringComparison.Ordinal))
        {
            if (!_scriptProjects.TryGetValue(scriptId, out var projects))
            {
                _scriptProjects[scriptId] = projects = [];
            }

            var projectId = m.Groups["project"].Success ? int.Parse(m.Groups["project"].Value, CultureInfo.InvariantCulture) : (int?)null;
            switch (method, projectId)
            {
                case ("GET", null):
                    return Answer.Json(200, new JsonArray([.. projects.Select(p => (JsonNode)ProjectSummary(p))]));
                case ("PUT", { } added):
                    if (!projects.Contains(added))
                    {
                        projects.Add(added);
                    }

                    return Answer.Json(204, null);
                case ("DELETE", { } removed):
                    return projects.Remove(removed) ? Answer.Json(204, null) : Answer.Error(404, "not_found", $"Script {scriptId} is not in project {removed}.");
                default:
                    return Answer.Error(405, "method_not_allowed", $"{method} is not allowed on {path}.");
            }
        }

        if (!_shares.TryGetValue(scriptId, out var shares))
        {
            _shares[scriptId] = shares = [];
        }

        var kind = m.Groups["kind"].Value;
        switch (method, kind, m.Groups["member"].Success)
        {
            case ("GET", "", false):
                return Answer.Json(200, new JsonArray(ShareIndex(shares)));
            case ("PUT", "users" or "groups", false):
                var ids = body?[kind == "users" ? "userIds" : "groupIds"] as JsonArray;
                var level = body?["permissionLevel"]?.GetValue<string>();
                if (ids is null || ids.Count == 0 || level is not ("read" or "write" or "manage"))
                {
                    return Answer.Error(400, "bad_request", $"{(kind == "users" ? "userIds" : "groupIds")} (one or more) and permissionLevel (read, write or manage) are required.");
                }

                foreach (var id in ids)
                {
                    shares[(kind, id!.GetValue<int>())] = level;
                }

                return Answer.Json(200, ShareIndex(shares));
            case ("DELETE", "users" or "groups", true):
                return shares.Remove((kind, int.Parse(m.Groups["member"].Value, CultureInfo.InvariantCulture)))
                    ? Answer.Json(204, null)
                    : Answer.Error(404, "not_found", "No such share.");
            default:
                return Answer.Error(405, "method_not_allowed", $"{method} is not allowed on {path}.");
        }
    }

    private JsonObject ProjectSummary(int id)
    {
        var known = _named.GetValueOrDefault("/projects")?.FirstOrDefault(p => p["id"]!.GetValue<int>() == id);
        return new JsonObject { ["id"] = id, ["name"] = known?["name"]?.DeepClone() ?? $"Project {id}", ["description"] = null };
    }

    private JsonObject ShareIndex(Dictionary<(string Kind, int Id), string> shares)
    {
        var index = new JsonObject();
        foreach (var (set, level) in ShareLevels)
        {
            JsonArray Members(string kind) => new([.. shares.Where(s => s.Key.Kind == kind && s.Value == level).Select(s => (JsonNode)new JsonObject
            {
                ["id"] = s.Key.Id,
                ["name"] = _named.GetValueOrDefault(kind == "users" ? "/users" : "/groups")?.FirstOrDefault(n => n["id"]!.GetValue<int>() == s.Key.Id)?["name"]?.DeepClone(),
            })]);
            index[set] = new JsonObject { ["users"] = Members("users"), ["groups"] = Members("groups") };
        }

        index["totalUserShares"] = shares.Count(s => s.Key.Kind == "users");
        index["totalGroupShares"] = shares.Count(s => s.Key.Kind == "groups");
        return index;
    }
}
