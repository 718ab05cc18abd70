using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Aqueduct.Civis.Testing;

/// <summary>The stateful endpoints of the fake; everything else answers with the spec's example.</summary>
public sealed partial class FakeCivisApi
{
    [GeneratedRegex(@"^/(?<a>[a-z_]+(?:/[a-z_]+)*?)(?:/(?<id>\d+))?(?:/(?<sub>runs|tokens|complete|schemas)(?:/(?<sid>\d+))?(?:/(?<leaf>logs|outputs))?)?$")]
    private static partial Regex Shape();

    private Answer Route(string method, string path, IQueryCollection query, JsonObject? body)
    {
        var m = Shape().Match(path);
        var area = m.Success ? "/" + m.Groups["a"].Value : path;
        int? id = m.Groups["id"].Success ? int.Parse(m.Groups["id"].Value, CultureInfo.InvariantCulture) : null;
        var sub = m.Groups["sub"].Value;
        int? sid = m.Groups["sid"].Success ? int.Parse(m.Groups["sid"].Value, CultureInfo.InvariantCulture) : null;
        var leaf = m.Groups["leaf"].Value;

        lock (_gate)
        {
            if (RouteDeploy(method, path, query, body) is { } deploy)
            {
                return deploy;
            }

            if (RouteContainerRuns(method, path) is { } containerRun)
            {
                return containerRun;
            }

            var kind = Kinds.FirstOrDefault(k => k.Path == area);
            var runsHere = kind is { OwnRuns: true } || area == "/jobs";
            switch (method, area, id, sub, sid, leaf)
            {
                // ---- custom scripts (from a template) and CSV preprocess jobs: their own checks on create
                case ("POST", "/scripts/custom", null, "", null, ""):
                    if (body?["fromTemplateId"] is null)
                    {
                        return Answer.Error(400, "bad_request", "fromTemplateId is required: the id of the template the custom script runs.");
                    }

                    return Answer.Json(201, Create(CustomKind, body, CustomDefaults()));
                case ("GET", "/scripts/custom", null, "", null, ""):
                    var templates = (query["from_template_id"].ToString() is { Length: > 0 } t ? t : query["fromTemplateId"].ToString())
                        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    var customs = Scripts(query, [CustomKind])
                        .Where(r => templates.Length == 0 || templates.Contains(r.Node["fromTemplateId"]?.ToString()))
                        .Select(r => (JsonNode)Summary(r, CustomSummaryKeys)).ToList();
                    return Page(query, customs, 20, 50);
                case ("POST", "/files/preprocess/csv", null, "", null, ""):
                    return CreatePreprocess(body);

                // ---- scripts, SQL scripts, CSV imports: create, read, change
                case ("POST", _, null, "", null, "") when kind is not null:
                    return Answer.Json(201, Create(kind, body ?? []));
                case ("GET" or "PATCH" or "PUT", _, { } jobId, "", null, "") when kind is not null:
                    var resource = _resources[jobId];
                    if (method != "GET" && body is not null)
                    {
                        Merge(resource.Node, body);
                        if (resource.Node.ContainsKey("updatedAt"))
                        {
                            resource.Node["updatedAt"] = Now();
                        }
                    }

                    return Answer.Json(200, resource.Node.DeepClone());
                case ("GET", "/scripts", null, "", null, ""):
                    var types = query["type"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    var kinds = Kinds.Where(k => k.TypeFilter is not null && (types.Length == 0 || types.Contains(k.TypeFilter, StringComparer.OrdinalIgnoreCase))).ToList();
                    return Page(query, [.. Scripts(query, kinds).Select(r => (JsonNode)Summary(r, ScriptSummaryKeys))], 20, 50);

                // ---- runs of any job
                case ("POST", _, { } jobId, "runs", null, "") when runsHere:
                    var job = _resources[jobId];
                    if (kind is not null && job.Kind != kind)
                    {
                        throw new KeyNotFoundException();
                    }

                    var run = NewRun(job, null);
                    if (job.Kind == CsvImportKind)
                    {
                        StartCsvImport(run);
                    }

                    return Answer.Json(area == "/jobs" ? 201 : 202, area == "/jobs" ? AsJobRun(run) : run.Node.DeepClone());
                case ("GET", _, { } jobId, "runs", null, "") when runsHere:
                    var runs = _runs.Where(r => r.Value.Job.Node["id"]!.GetValue<int>() == jobId).OrderByDescending(r => r.Key).Select(r => r.Value).ToList();
                    return Page(query, runs, 20, 100, r => area == "/jobs" ? AsJobRun(r) : r.Node.DeepClone());
                case ("GET", _, { }, "runs", { } runId, "") when runsHere:
                    var polled = Advance(_runs[runId]);
                    return Answer.Json(200, area == "/jobs" ? AsJobRun(polled) : polled.Node.DeepClone());
                case ("DELETE", _, { }, "runs", { } runId, "") when runsHere:
                    var cancelled = _runs[runId];
                    cancelled.Node["state"] = "cancelled";
                    cancelled.Node["isCancelRequested"] = true;
                    cancelled.Settled = true;
                    return Answer.Json(202, null);
                case ("GET", _, { }, "runs", { } runId, "logs"):
                    return Logs(_runs[runId], query);
                case ("POST", _, { }, "runs", { } runId, "logs"):
                    _ = _runs[runId];
                    foreach (var message in body?["messages"]?.AsArray().Select(n => n?["message"]?.GetValue<string>()) ?? [body?["message"]?.GetValue<string>()])
                    {
                        AddLog(runId, message ?? "");
                    }

                    return Answer.Json(204, null);
                case ("GET", _, { }, "runs", { } runId, "outputs"):
                    return Page(query, [.. _runs[runId].Outputs.Select(o => (JsonNode)Output(o))], 50, 50);
                case ("POST", _, { }, "runs", { } runId, "outputs"):
                    return AddOutput(_runs[runId], body);
                case ("GET", "/jobs", { } jobId, "", null, ""):
                    return Answer.Json(200, AsJob(_resources[jobId]));

                // ---- files
                case ("POST", "/files", null, "", null, ""):
                    return Answer.Json(201, CreateFile(body, multipartParts: null));
                case ("POST", "/files/multipart", null, "", null, ""):
                    var parts = body?["numParts"]?.GetValue<int>() ?? 0;
                    if (parts < 1 || parts > 10_000)
                    {
                        return Answer.Error(400, "bad_request", "numParts must be between 1 and 10000.");
                    }

                    return Answer.Json(201, CreateFile(body, parts));
                case ("POST", "/files/multipart", { } fileId, "complete", null, ""):
                    var pending = _files[fileId];
                    if (pending.Parts is null || pending.Parts.Any(p => p is null))
                    {
                        return Answer.Error(400, "bad_request", "Not every part was uploaded.");
                    }

                    pending.Content = [.. pending.Parts.SelectMany(p => p!)];
                    pending.Parts = null;
                    return Answer.Json(204, null);
                case ("GET", "/files", { } fileId, "", null, ""):
                    return Answer.Json(200, FileNode(fileId, _files[fileId]));

                // ---- queries, JSON values
                case ("POST", "/queries", null, "", null, ""):
                    return Answer.Json(200, CreateQuery(body ?? []));
                case ("GET", "/queries", { } queryId, "", null, ""):
                    return Answer.Json(200, PollQuery(queryId));
                case ("POST", "/json_values", null, "", null, ""):
                    return SetJsonValue(null, body);
                case ("GET", "/json_values", { } valueId, "", null, ""):
                    return Answer.Json(200, _jsonValues[valueId].DeepClone());
                case ("PATCH" or "PUT", "/json_values", { } valueId, "", null, ""):
                    return SetJsonValue(valueId, body);

                // ---- services and tokens
                case ("GET", "/services", { } serviceId, "", null, ""):
                    return Answer.Json(200, Service(serviceId).Node.DeepClone());
                case ("POST", "/services", { } serviceId, "tokens", null, ""):
                    var service = Service(serviceId);
                    var tokenName = body?["name"]?.GetValue<string>();
                    if (service.Tokens.Any(t => t["name"]?.GetValue<string>() == tokenName))
                    {
                        return Answer.Error(422, "unprocessable_entity", "Name has already been taken");
                    }

                    var token = FakeSpec.Instance.ExampleObject("POST", "/services/{id}/tokens");
                    token["id"] = NextId();
                    token["name"] = tokenName;
                    token["machineToken"] = body?["machineToken"]?.DeepClone() ?? false;
                    token["token"] = "svc-" + Guid.NewGuid().ToString("N");
                    token["createdAt"] = Now();
                    service.Tokens.Add(token);
                    return Answer.Json(201, token.DeepClone());
                case ("GET", "/services", { } serviceId, "tokens", null, ""):
                    return Answer.Json(200, new JsonArray([.. Service(serviceId).Tokens.Select(t => { var c = (JsonObject)t.DeepClone(); c.Remove("token"); return c; })]));
                case ("DELETE", "/services", { } serviceId, "tokens", { } tokenId, ""):
                    var removed = Service(serviceId).Tokens.RemoveAll(t => t["id"]!.GetValue<int>() == tokenId);
                    return removed == 0 ? Answer.Error(404, "not_found", "No such token.") : Answer.Json(204, null);
            }
        }

        return Example(method, path, query);
    }

    /// <summary>Any other operation of the spec: its recorded example, paged when it is a list.</summary>
    private static Answer Example(string method, string path, IQueryCollection query)
    {
        var operation = FakeSpec.Instance.Match(method, path);
        if (operation is null)
        {
            return FakeSpec.Instance.HasPath(path)
                ? Answer.Error(405, "method_not_allowed", $"{method} is not allowed on {path}.")
                : Answer.Error(404, "not_found", $"No operation of the spec matches {method} {path}.");
        }

        var body = operation.Example is { Length: > 0 } text ? JsonNode.Parse(text) : null;
        if (body is JsonArray array && query.ContainsKey("page_num"))
        {
            return Page(query, [.. array.Select(n => n!.DeepClone())], 20, 1000);
        }

        return Answer.Json(body is null && operation.Status == 200 ? 204 : operation.Status, body);
    }

    private static Answer Page(IQueryCollection query, List<JsonNode> items, int defaultLimit, int maximum)
        => Page(query, items, defaultLimit, maximum, n => n);

    /// <summary>One page of a list, with the paging headers; only the page's items are projected.</summary>
    private static Answer Page<T>(IQueryCollection query, List<T> items, int defaultLimit, int maximum, Func<T, JsonNode> project)
    {
        var limit = int.TryParse(query["limit"], CultureInfo.InvariantCulture, out var l) ? Math.Clamp(l, 1, maximum) : defaultLimit;
        var page = int.TryParse(query["page_num"], CultureInfo.InvariantCulture, out var p) ? Math.Max(p, 1) : 1;
        var totalPages = Math.Max(1, (items.Count + limit - 1) / limit);
        var slice = new JsonArray([.. items.Skip((page - 1) * limit).Take(limit).Select(project)]);
        return Answer.Json(200, slice,
            ("X-Pagination-Per-Page", limit.ToString(CultureInfo.InvariantCulture)),
            ("X-Pagination-Current-Page", page.ToString(CultureInfo.InvariantCulture)),
            ("X-Pagination-Total-Pages", totalPages.ToString(CultureInfo.InvariantCulture)),
            ("X-Pagination-Total-Entries", items.Count.ToString(CultureInfo.InvariantCulture)));
    }

    private JsonObject Create(Kind kind, JsonObject body, JsonObject? defaults = null)
    {
        var node = FakeSpec.Instance.ExampleObject("GET", kind.Path + "/{id}");
        if (defaults is not null)
        {
            Merge(node, defaults);
        }

        Merge(node, body);
        var id = NextId();
        node["id"] = id;
        node["createdAt"] = Now();
        node["updatedAt"] = Now();
        node["state"] = "idle";
        lock (_gate)
        {
            _resources[id] = new Resource(kind, node);
        }

        return (JsonObject)node.DeepClone();
    }

    private static void Merge(JsonObject target, JsonObject changes)
    {
        foreach (var (key, value) in changes.ToList())
        {
            target[key] = value?.DeepClone();
        }
    }

    private static readonly string[] ScriptSummaryKeys =
        ["id", "name", "type", "createdAt", "updatedAt", "author", "state", "finishedAt", "projects", "parentId", "isTemplate", "fromTemplateId", "links", "timeZone", "lastRun", "archived", "templateScriptId"];

    private static readonly string[] CustomSummaryKeys =
        ["id", "name", "type", "backingScriptType", "createdAt", "updatedAt", "author", "state", "finishedAt", "projects", "parentId", "fromTemplateId", "timeZone", "lastRun", "archived", "lastSuccessfulRun"];

    /// <summary>The scripts of some kinds, newest first, filtered as the platform's lists are (<c>status</c>, <c>hidden</c>).</summary>
    private IEnumerable<Resource> Scripts(IQueryCollection query, IReadOnlyCollection<Kind> kinds)
    {
        var statuses = query["status"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var hidden = bool.TryParse(query["hidden"], out var h) && h;
        return _resources.Values
            .Where(r => kinds.Contains(r.Kind))
            .Where(r => (r.Node["hidden"]?.GetValueKind() == System.Text.Json.JsonValueKind.True) == hidden)
            .Where(r => statuses.Length == 0 || statuses.Contains(LastRun(r)?.Node["state"]?.GetValue<string>() ?? "idle", StringComparer.OrdinalIgnoreCase))
            .OrderByDescending(r => r.Node["id"]!.GetValue<int>());
    }

    private Run? LastRun(Resource resource)
        => _runs.Values.Where(r => r.Job == resource).MaxBy(r => r.Node["id"]!.GetValue<int>());

    /// <summary>A script as the lists show it: its type, the state and time of its last run, its links.</summary>
    private JsonObject Summary(Resource resource, string[] keys)
    {
        var last = LastRun(resource);
        var id = resource.Node["id"]!.GetValue<int>();
        var summary = new JsonObject();
        foreach (var key in keys)
        {
            summary[key] = resource.Node[key]?.DeepClone();
        }

        summary["type"] = resource.Kind.ScriptType;
        summary["state"] = last?.Node["state"]?.DeepClone() ?? "idle";
        summary["finishedAt"] = last?.Node["finishedAt"]?.DeepClone();
        summary["lastRun"] = last is null ? null : AsJobRun(last);
        if (summary.ContainsKey("links"))
        {
            summary["links"] = new JsonObject
            {
                ["details"] = $"{BaseAddress.Authority}{resource.Kind.Path}/{id}",
                ["runs"] = $"{BaseAddress.Authority}{resource.Kind.Path}/{id}/runs",
            };
        }

        return summary;
    }

    /// <summary>What a custom script takes from its template, which the fake does not hold: nothing but what was posted.</summary>
    private static JsonObject CustomDefaults() => new()
    {
        ["type"] = "Custom",
        ["backingScriptType"] = null,
        ["params"] = new JsonArray(),
        ["arguments"] = new JsonObject(),
        ["templateScriptName"] = null,
        ["templateNote"] = null,
        ["codePreview"] = null,
        ["remoteHostId"] = null,
        ["credentialId"] = null,
        ["lastRun"] = null,
        ["lastSuccessfulRun"] = null,
        ["hidden"] = false,
    };

    private Run NewRun(Resource job, FakeRunOutcome? outcome)
    {
        var jobId = job.Node["id"]!.GetValue<int>();
        var node = FakeSpec.Instance.ExampleObject("GET", job.Kind.RunTemplate);
        var runId = NextId();
        node["id"] = runId;
        node[job.Kind.RunJobField] = jobId;
        node["state"] = "queued";
        node["isCancelRequested"] = false;
        node["createdAt"] = Now();
        node["startedAt"] = null;
        node["finishedAt"] = null;
        node["error"] = null;
        if (node.ContainsKey("output"))
        {
            node["output"] = new JsonArray();
        }

        var run = new Run(job, node, outcome ?? _outcomes.GetValueOrDefault(jobId) ?? RunOutcome);
        _runs[runId] = run;
        return run;
    }

    /// <summary>Each read moves a run on: queued, then running (its logs appear), then its outcome.</summary>
    private Run Advance(Run run)
    {
        if (run.Settled)
        {
            return run;
        }

        var runId = run.Node["id"]!.GetValue<int>();
        if (run.Work is { } work)
        {
            if (!work.IsCompleted)
            {
                run.Node["state"] = "running";
                run.Node["startedAt"] ??= Now();
                return run;
            }

            if (!work.IsCompletedSuccessfully)
            {
                run.Node["state"] = "failed";
                run.Node["error"] = work.Exception?.InnerException?.Message ?? "The import was cancelled.";
                run.Node["finishedAt"] = Now();
                run.Settled = true;
                return run;
            }
        }

        if (run.Polls < run.Outcome.PollsUntilDone)
        {
            run.Node["state"] = run.Polls == 0 ? "queued" : "running";
            if (run.Polls == 1 || run.Outcome.PollsUntilDone == 1)
            {
                run.Node["startedAt"] = Now();
            }

            run.Polls++;
            return run;
        }

        foreach (var line in run.Outcome.Logs)
        {
            AddLog(runId, line);
        }

        run.Node["state"] = run.Outcome.State;
        run.Node["error"] = run.Outcome.State == "failed" ? run.Outcome.Error : null;
        run.Node["finishedAt"] = Now();
        run.Settled = true;
        if (run.Outcome.State == "succeeded" && run.Job.Kind == PreprocessKind)
        {
            try
            {
                Preprocess(run);
            }
            catch (InvalidDataException e)
            {
                AddLog(runId, e.Message);
                run.Node["state"] = "failed";
                run.Node["error"] = e.Message;
            }
        }

        if (run.Node["state"]!.GetValue<string>() == "succeeded" && run.Job.Kind == SqlKind)
        {
            // A SQL export's output: a CSV file served by the fake itself.
            var gzip = (SqlExportCompression ?? run.Job.Node["csvSettings"]?["compression"]?.GetValue<string>()) == "gzip";
            var content = System.Text.Encoding.UTF8.GetBytes(SqlExportHandler?.Invoke(run.Job.Node) ?? SqlExportCsv);
            if (gzip)
            {
                using var compressed = new MemoryStream();
                using (var zip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest))
                {
                    zip.Write(content);
                }

                content = compressed.ToArray();
            }

            var name = gzip ? "export.csv.gz" : "export.csv";
            var fileId = AddFile(content, name);
            run.Outputs.Add(new JsonObject { ["objectType"] = "File", ["objectId"] = fileId });
            run.Node["output"] = new JsonArray(new JsonObject
            {
                ["outputName"] = name,
                ["fileId"] = fileId,
                ["path"] = new Uri(BaseAddress, $"_storage/files/{fileId}").AbsoluteUri,
            });
        }

        return run;
    }

    /// <summary>Records what a CSV import run was asked to load and starts the test's handler, if any, off the lock.</summary>
    private void StartCsvImport(Run run)
    {
        var import = (JsonObject)run.Job.Node.DeepClone();
        var files = import["source"]?["fileIds"]?.AsArray().Select(n => _files.GetValueOrDefault(n!.GetValue<int>())?.Content).ToList() ?? [];
        var record = new FakeCsvImportRun(import["id"]!.GetValue<int>(), run.Node["id"]!.GetValue<int>(), import, files);
        _csvImportRuns.Add(record);
        if (CsvImportHandler is { } handler)
        {
            run.Work = Task.Run(() => handler(record, CancellationToken.None));
        }
    }

    private Answer Logs(Run run, IQueryCollection query)
    {
        var runId = run.Node["id"]!.GetValue<int>();
        var lastId = int.TryParse(query["last_id"], CultureInfo.InvariantCulture, out var last) ? last : (int?)null;
        var limit = int.TryParse(query["limit"], CultureInfo.InvariantCulture, out var l) ? Math.Clamp(l, 1, 10_000) : 10_000;
        var entries = _logs.Where(e => e["runId"]!.GetValue<int>() == runId && (lastId is null || e["id"]!.GetValue<int>() > lastId))
            .OrderBy(e => e["id"]!.GetValue<int>()).Take(limit)
            .Select(e => { var c = (JsonObject)e.DeepClone(); c.Remove("runId"); return (JsonNode)c; }).ToList();
        var maxId = _logs.Where(e => e["runId"]!.GetValue<int>() == runId).Select(e => e["id"]!.GetValue<int>()).DefaultIfEmpty(0).Max();
        var live = !run.Settled;
        return Answer.Json(200, new JsonArray([.. entries]),
            ("Civis-Cache-Control", live ? "no-store" : "store"),
            ("Civis-Max-Id", maxId.ToString(CultureInfo.InvariantCulture)));
    }

    private static JsonObject AsJobRun(Run run)
    {
        var node = FakeSpec.Instance.ExampleObject("GET", "/jobs/{id}/runs/{run_id}");
        foreach (var key in new[] { "id", "state", "createdAt", "startedAt", "finishedAt", "error" })
        {
            node[key] = run.Node[key]?.DeepClone();
        }

        return node;
    }

    private JsonObject AsJob(Resource resource)
    {
        var node = FakeSpec.Instance.ExampleObject("GET", "/jobs/{id}");
        node["id"] = resource.Node["id"]!.DeepClone();
        node["name"] = resource.Node["name"]?.DeepClone();
        node["type"] = resource.Kind.JobType;
        var last = _runs.Values.Where(r => r.Job == resource).OrderByDescending(r => r.Node["id"]!.GetValue<int>()).FirstOrDefault();
        node["state"] = last?.Node["state"]?.DeepClone() ?? "idle";
        node["lastRun"] = last is null ? null : AsJobRun(last);
        return node;
    }

    private JsonObject CreateFile(JsonObject? body, int? multipartParts)
    {
        var name = body?["name"]?.GetValue<string>() ?? "file";
        var id = NextId();
        var file = new StoredFile(name);
        if (multipartParts is { } parts)
        {
            file.Parts = new byte[]?[parts];
        }

        _files[id] = file;
        var node = FakeSpec.Instance.ExampleObject("POST", multipartParts is null ? "/files" : "/files/multipart");
        node["id"] = id;
        node["name"] = name;
        node["createdAt"] = Now();
        node["fileSize"] = null;
        node["description"] = body?["description"]?.DeepClone();
        if (multipartParts is { } count)
        {
            node["uploadUrls"] = new JsonArray([.. Enumerable.Range(1, count).Select(n => (JsonNode)new Uri(BaseAddress, $"_storage/parts/{id}/{n}?X-Amz-Signature=fake").AbsoluteUri)]);
        }
        else
        {
            node["uploadUrl"] = new Uri(BaseAddress, $"_storage/upload/{id}").AbsoluteUri;
            node["uploadFields"] = new JsonObject
            {
                ["key"] = $"files/{id}/{name}",
                ["policy"] = "fake-policy",
                ["x-amz-signature"] = "fake-signature",
            };
        }

        return node;
    }

    private JsonObject FileNode(int id, StoredFile file)
    {
        var node = FakeSpec.Instance.ExampleObject("GET", "/files/{id}");
        node["id"] = id;
        node["name"] = file.Name;
        node["fileSize"] = file.Content?.Length;
        node["fileUrl"] = file.Content is null ? null : new Uri(BaseAddress, $"_storage/files/{id}?X-Amz-Signature=fake").AbsoluteUri;
        node["downloadUrl"] = node["fileUrl"]?.DeepClone();
        node["detectedInfo"] = file.DetectedInfo?.DeepClone() ?? new JsonObject
        {
            ["includeHeader"] = null,
            ["columnDelimiter"] = null,
            ["compression"] = null,
            ["tableColumns"] = new JsonArray(),
        };
        return node;
    }

    private JsonObject CreateQuery(JsonObject body)
    {
        var node = FakeSpec.Instance.ExampleObject("POST", "/queries");
        Merge(node, body);
        var id = NextId();
        node["id"] = id;
        node["state"] = "running";
        node["createdAt"] = Now();
        node["updatedAt"] = Now();
        var job = new Resource(new Kind("/queries", "JobTypes::Query", "/queries/{id}", "queryId"), node);
        _resources[id] = job;
        return (JsonObject)node.DeepClone();
    }

    private JsonObject PollQuery(int id)
    {
        var query = _resources[id];
        var detail = FakeSpec.Instance.ExampleObject("GET", "/queries/{id}");
        Merge(detail, query.Node);
        var polls = query.Outputs.Count;
        var outcome = _outcomes.GetValueOrDefault(id) ?? RunOutcome;
        if (polls < outcome.PollsUntilDone)
        {
            query.Outputs.Add([]);
            detail["state"] = "running";
        }
        else
        {
            detail["state"] = outcome.State;
            detail["error"] = outcome.State == "failed" ? outcome.Error : null;
            detail["exception"] = outcome.State == "failed" ? outcome.Error : null;
        }

        return detail;
    }

    private Resource Service(int id)
    {
        if (!_resources.TryGetValue(id, out var service))
        {
            var node = FakeSpec.Instance.ExampleObject("GET", "/services/{id}");
            node["id"] = id;
            node["currentUrl"] = new Uri(BaseAddress, $"_services/{id}/").AbsoluteUri;
            service = new Resource(new Kind("/services", "JobTypes::Service", "", "serviceId"), node);
            _resources[id] = service;
        }

        return service;
    }

    // ------------------------------------------------------------------ storage (presigned URLs)

    private async Task HandleStorageAsync(HttpContext context, string method, string path, byte[] body)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var response = context.Response;
        var id = segments.Length > 2 && int.TryParse(segments[2], CultureInfo.InvariantCulture, out var parsed) ? parsed : -1;
        StoredFile? file;
        lock (_gate)
        {
            file = _files.GetValueOrDefault(id);
        }

        if (file is null)
        {
            response.StatusCode = 404;
            return;
        }

        switch (method, segments[1])
        {
            case ("POST", "upload"):
                // A presigned form post: "key" must come first and the file last, as the storage service wants.
                var form = await new MultipartReaderForm(context.Request.ContentType, body).ReadAsync().ConfigureAwait(false);
                if (form.Count == 0 || form[0].Name != "key" || form[^1].Name != "file")
                {
                    response.StatusCode = 400;
                    await response.WriteAsync("<Error><Code>InvalidArgument</Code><Message>key first, file last</Message></Error>").ConfigureAwait(false);
                    return;
                }

                lock (_gate)
                {
                    file.Content = form[^1].Content;
                }

                response.StatusCode = 204;
                return;
            case ("PUT", "parts") when segments.Length > 3 && int.TryParse(segments[3], CultureInfo.InvariantCulture, out var part):
                lock (_gate)
                {
                    if (file.Parts is null || part < 1 || part > file.Parts.Length)
                    {
                        response.StatusCode = 400;
                        return;
                    }

                    file.Parts[part - 1] = body;
                }

                response.Headers.ETag = $"\"part-{part}\"";
                response.StatusCode = 200;
                return;
            case ("GET", "files") when file.Content is { } content:
                response.ContentType = "application/octet-stream";
                response.ContentLength = content.Length;
                await response.Body.WriteAsync(content, context.RequestAborted).ConfigureAwait(false);
                return;
            default:
                response.StatusCode = 404;
                return;
        }
    }
}
