using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis.Testing;

/// <summary>
/// A fake Civis Platform API: a real HTTP server on 127.0.0.1 (a random port, or the one
/// <see cref="FakeCivisApiOptions.Port"/> names) that checks the Bearer key (a 401 with the platform's
/// <c>WWW-Authenticate</c> challenge), keeps state (container, SQL and custom scripts whose runs move from
/// queued to running to their outcome, logs, run outputs, JSON values, files it stores and serves itself,
/// CSV preprocess jobs, imports, queries, service tokens), serves its spec at <c>GET /endpoints</c>, pages
/// lists with <c>X-Pagination-*</c> headers, injects faults on request, and answers every other operation of
/// the spec with the spec's recorded example.
/// </summary>
/// <example>
/// <code>
/// await using var api = await FakeCivisApi.StartAsync();
/// var client = new CivisClient(api.CreateClientOptions());
/// api.Faults.Enqueue(FakeFault.Status(503, retryAfter: "1"));
/// var me = await client.Users.GetMeAsync();
/// </code>
/// </example>
public sealed partial class FakeCivisApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FakeCivisRequest> _requests = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<int, Resource> _resources = [];
    private readonly Dictionary<int, Run> _runs = [];
    private readonly Dictionary<int, StoredFile> _files = [];
    private readonly Dictionary<int, FakeRunOutcome> _outcomes = [];
    private readonly List<JsonObject> _logs = [];
    private readonly List<FakeCsvImportRun> _csvImportRuns = [];
    private readonly Dictionary<int, JsonObject> _jsonValues = [];
    private int _nextId = 1000;
    private int _rateRemaining = 1000;

    private FakeCivisApi(WebApplication app, string apiKey)
    {
        _app = app;
        ApiKey = apiKey;
        BaseAddress = null!;
    }

    /// <summary>The server's address, such as <c>http://127.0.0.1:54321/</c>.</summary>
    public Uri BaseAddress { get; private set; }

    /// <summary>The API key the server accepts.</summary>
    public string ApiKey { get; }

    /// <summary>Faults to inject into coming requests.</summary>
    public FakeFaults Faults { get; } = new();

    /// <summary>Every request received so far, in arrival order.</summary>
    public IReadOnlyList<FakeCivisRequest> Requests => [.. _requests];

    /// <summary>How long every request is held before it is answered (zero by default).</summary>
    public TimeSpan ResponseDelay { get; set; }

    /// <summary>How runs started from now on end, unless <see cref="SetRunOutcome"/> says otherwise for their job.</summary>
    public FakeRunOutcome RunOutcome { get; set; } = FakeRunOutcome.Succeeded;

    /// <summary>The CSV a succeeded SQL script run exports, as its output file.</summary>
    /// <value>The default value is <c>id,name\n1,a\n</c>.</value>
    public string SqlExportCsv { get; set; } = "id,name\n1,a\n";

    /// <summary>
    /// The compression of SQL export files: <see langword="null"/> to follow the script's <c>csvSettings.compression</c>
    /// (gzip when it says <c>gzip</c> or, as on the platform, when the script gives no CSV settings), or <c>gzip</c> /
    /// <c>none</c> to force one.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? SqlExportCompression { get; set; }

    /// <summary>
    /// Does the work of CSV import runs, for tests that want the rows to land somewhere (a PostgreSQL table): called
    /// when a run starts, the run stays <c>running</c> until the task ends, then fails with the exception's message
    /// or ends as <see cref="RunOutcome"/> says.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: runs end as <see cref="RunOutcome"/> says, loading nothing.</value>
    public Func<FakeCsvImportRun, CancellationToken, Task>? CsvImportHandler { get; set; }

    /// <summary>Every CSV import run started so far, with what it was asked to load.</summary>
    public IReadOnlyList<FakeCsvImportRun> CsvImportRuns
    {
        get
        {
            lock (_gate)
            {
                return [.. _csvImportRuns];
            }
        }
    }

    /// <summary>Starts a server on a random loopback port.</summary>
    /// <param name="apiKey">The key to accept; a random one when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <returns>The running server; dispose it to stop it.</returns>
    public static Task<FakeCivisApi> StartAsync(string? apiKey = null, CancellationToken cancellationToken = default)
        => StartAsync(new FakeCivisApiOptions { ApiKey = apiKey }, cancellationToken);

    /// <summary>Starts a server on 127.0.0.1, on the port the options name or a random one.</summary>
    /// <param name="options">The key and port.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <returns>The running server; dispose it to stop it.</returns>
    /// <exception cref="InvalidOperationException">The port could not be listened on (another process uses it, say).</exception>
    /// <exception cref="ArgumentException"><see cref="FakeCivisApiOptions.ApiKey"/> is empty or white space.</exception>
    public static async Task<FakeCivisApi> StartAsync(FakeCivisApiOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ApiKey is { } key && string.IsNullOrWhiteSpace(key))
        {
            throw new ArgumentException($"{nameof(FakeCivisApiOptions.ApiKey)} is empty; leave it null for a random key.", nameof(options));
        }

        var port = options.Port;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var api = new FakeCivisApi(app, options.ApiKey ?? "fake-" + Guid.NewGuid().ToString("N"));
        app.Run(api.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"FakeCivisApi could not listen on 127.0.0.1:{port}: {e.Message}", e);
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        api.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        _ = FakeSpec.Instance;
        return api;
    }

    /// <summary>Opens the Civis API spec the fake is built from (Swagger 2.0 JSON, civis-python v2.9.1).</summary>
    /// <returns>A stream over the spec; dispose it.</returns>
    public static Stream OpenSpec() => FakeSpec.OpenStream();

    /// <summary>Client options pointing at this server with its key.</summary>
    /// <returns>New options; adjust them as needed.</returns>
    public CivisClientOptions CreateClientOptions() => new() { BaseAddress = BaseAddress, ApiKey = ApiKey };

    /// <summary>Sets how the runs of one job end.</summary>
    /// <param name="jobId">The job (script, import).</param>
    /// <param name="outcome">The outcome.</param>
    public void SetRunOutcome(int jobId, FakeRunOutcome outcome)
    {
        lock (_gate)
        {
            _outcomes[jobId] = outcome;
        }
    }

    /// <summary>Creates a container script directly, as if posted.</summary>
    /// <param name="name">The script's name.</param>
    /// <returns>The script's id.</returns>
    public int AddContainerScript(string name = "Fake container script")
        => Create(Kinds[0], new JsonObject { ["name"] = name, ["requiredResources"] = new JsonObject { ["cpu"] = 1000, ["memory"] = 1024 } })["id"]!.GetValue<int>();

    /// <summary>Adds finished runs to a job, for listing.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="count">How many runs.</param>
    /// <param name="state">Their state.</param>
    public void AddRuns(int jobId, int count, string state = "succeeded")
    {
        lock (_gate)
        {
            var resource = _resources[jobId];
            for (var i = 0; i < count; i++)
            {
                var run = NewRun(resource, new FakeRunOutcome { State = state, PollsUntilDone = 0 });
                run.Node["state"] = state;
            }
        }
    }

    /// <summary>Adds a log entry to a run; with <paramref name="id"/> it can arrive late and out of order, as real logs do.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="message">The message.</param>
    /// <param name="id">The entry's id; the next free one when <see langword="null"/>.</param>
    public void AddLog(int runId, string message, int? id = null)
    {
        lock (_gate)
        {
            _logs.Add(new JsonObject
            {
                ["id"] = id ?? NextId(),
                ["runId"] = runId,
                ["createdAt"] = Now(),
                ["message"] = message,
                ["level"] = "info",
            });
        }
    }

    /// <summary>Marks a run finished or unfinished, which decides <c>Civis-Cache-Control</c> on its logs.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="state">The state, such as <c>running</c> or <c>succeeded</c>.</param>
    public void SetRunState(int runId, string state)
    {
        lock (_gate)
        {
            var run = _runs[runId];
            run.Node["state"] = state;
            run.Polls = int.MaxValue / 2;
            run.Settled = state is "succeeded" or "failed" or "cancelled";
        }
    }

    /// <summary>The content of an uploaded file, or <see langword="null"/> when it was never completed.</summary>
    /// <param name="fileId">The file.</param>
    /// <returns>The bytes.</returns>
    public byte[]? GetFileContent(int fileId)
    {
        lock (_gate)
        {
            return _files.TryGetValue(fileId, out var file) ? file.Content : null;
        }
    }

    /// <summary>Stores a file as if uploaded, so it can be downloaded.</summary>
    /// <param name="content">The content.</param>
    /// <param name="name">The file's name.</param>
    /// <returns>The file's id.</returns>
    public int AddFile(byte[] content, string name = "fake.csv")
    {
        ArgumentNullException.ThrowIfNull(content);
        lock (_gate)
        {
            var id = NextId();
            _files[id] = new StoredFile(name) { Content = content };
            return id;
        }
    }

    /// <summary>Stops the server.</summary>
    /// <returns>A task that completes when the server stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    // ------------------------------------------------------------------ request handling

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var method = request.Method.ToUpperInvariant();
        var path = FakeSpec.Normalize(request.Path.Value ?? "/");
        var isStorage = path.StartsWith("/_storage/", StringComparison.Ordinal);
        byte[] body;
        using (var buffer = new MemoryStream())
        {
            await request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            body = buffer.ToArray();
        }

        var authorization = request.Headers.Authorization.ToString();
        var authorized = authorization == "Bearer " + ApiKey
            || authorization == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(ApiKey + ":"));
        _requests.Enqueue(new FakeCivisRequest(
            method, path, request.QueryString.Value ?? "",
            isStorage ? "" : Encoding.UTF8.GetString(body),
            authorized,
            request.Headers.Where(h => !h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase)).ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));

        var fault = Faults.Take(method, path);
        var delay = (fault?.Delay ?? TimeSpan.Zero) + ResponseDelay;
        if (delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(delay, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        if (fault?.Drop == true)
        {
            context.Abort();
            return;
        }

        var response = context.Response;
        if (!isStorage)
        {
            var remaining = Interlocked.Decrement(ref _rateRemaining);
            if (remaining < 0)
            {
                Interlocked.Exchange(ref _rateRemaining, 1000);
                remaining = 1000;
            }

            response.Headers["X-RateLimit-Limit"] = "1000";
            response.Headers["X-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        }

        if (fault?.StatusCode is { } faultStatus)
        {
            if (fault.RetryAfter is { } retryAfter)
            {
                response.Headers.RetryAfter = retryAfter;
            }

            await WriteErrorAsync(response, faultStatus, "injected_fault", "Injected by FakeCivisApi.").ConfigureAwait(false);
            return;
        }

        if (isStorage)
        {
            await HandleStorageAsync(context, method, path, body).ConfigureAwait(false);
            return;
        }

        if (!authorized)
        {
            // As the platform's OAuth layer does (RFC 6750): clients read the challenge, not only the body.
            var description = authorization.Length == 0 ? "The access token is missing" : "The access token is invalid";
            response.Headers.WWWAuthenticate = $"Bearer realm=\"{Realm}\", error=\"invalid_token\", error_description=\"{description}\"";
            await WriteErrorAsync(response, 401, "unauthorized", "The API key is missing, invalid or expired.").ConfigureAwait(false);
            return;
        }

        if (method == "GET" && path == "/endpoints")
        {
            await ServeSpecAsync(context).ConfigureAwait(false);
            return;
        }

        JsonNode? json = null;
        if (body.Length > 0)
        {
            try
            {
                json = JsonNode.Parse(body);
            }
            catch (System.Text.Json.JsonException)
            {
                await WriteErrorAsync(response, 400, "bad_request", "The body is not JSON.").ConfigureAwait(false);
                return;
            }
        }

        Answer answer;
        try
        {
            answer = Route(method, path, request.Query, Camel(json as JsonObject));
        }
        catch (KeyNotFoundException)
        {
            answer = Answer.Error(404, "not_found", "The requested resource could not be found.");
        }

        response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers)
        {
            response.Headers[name] = value;
        }

        if (answer.Body is not null)
        {
            response.ContentType = "application/json; charset=utf-8";
            await response.WriteAsync(answer.Body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>The spec itself, as the platform serves it to clients that download it (civis-python does).</summary>
    private static async Task ServeSpecAsync(HttpContext context)
    {
        var version = context.Request.Query["openapi_version"].ToString();
        if (version.Length > 0)
        {
            var (status, description) = version == "3.0"
                ? (501, "The fake serves the spec in Swagger 2.0 only; leave out openapi_version.")
                : (400, $"openapi_version must be 3.0 (or left out for Swagger 2.0), not '{version}'.");
            await WriteErrorAsync(context.Response, status, status == 501 ? "not_implemented" : "bad_request", description).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        using var spec = FakeSpec.OpenStream();
        context.Response.ContentLength = spec.Length;
        await spec.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private static Task WriteErrorAsync(HttpResponse response, int status, string error, string description)
    {
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        return response.WriteAsync(new JsonObject { ["error"] = error, ["errorDescription"] = description, ["code"] = status }.ToJsonString());
    }

    /// <summary>Request bodies may use snake_case; state is kept in the spec's camelCase.</summary>
    private static JsonObject? Camel(JsonObject? body)
    {
        if (body is null)
        {
            return null;
        }

        var result = new JsonObject();
        foreach (var (key, value) in body.ToList())
        {
            var name = Regex.Replace(key, "_([a-z0-9])", m => m.Groups[1].Value.ToUpperInvariant());
            result[name] = value?.DeepClone();
        }

        return result;
    }

    private int NextId() => Interlocked.Increment(ref _nextId);

    private static string Now() => DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private sealed record Answer(int Status, JsonNode? Body, IReadOnlyList<(string Name, string Value)> Headers)
    {
        public static Answer Json(int status, JsonNode? body, params (string, string)[] headers) => new(status, body, headers);

        public static Answer Error(int status, string error, string description)
            => new(status, new JsonObject { ["error"] = error, ["errorDescription"] = description, ["code"] = status }, []);
    }

    private sealed class Resource(Kind kind, JsonObject node)
    {
        public Kind Kind { get; } = kind;

        public JsonObject Node { get; } = node;

        public List<JsonObject> Outputs { get; } = [];

        public List<JsonObject> Tokens { get; } = [];
    }

    private sealed class Run(Resource job, JsonObject node, FakeRunOutcome outcome)
    {
        public Resource Job { get; } = job;

        public JsonObject Node { get; } = node;

        public FakeRunOutcome Outcome { get; } = outcome;

        public int Polls { get; set; }

        public bool Settled { get; set; }

        public List<JsonObject> Outputs { get; } = [];

        /// <summary>The <see cref="CsvImportHandler"/>'s work, which holds the run in <c>running</c> until it ends.</summary>
        public Task? Work { get; set; }
    }

    private sealed class StoredFile(string name)
    {
        public string Name { get; } = name;

        public byte[]? Content { get; set; }

        public byte[]?[]? Parts { get; set; }

        /// <summary>What a CSV preprocess run detected, or <see langword="null"/> for a file never preprocessed.</summary>
        public JsonObject? DetectedInfo { get; set; }
    }

    /// <summary>
    /// A kind of job the fake keeps: where it lives, its spec templates, the run field naming its job, its
    /// <c>type</c> in <c>GET /scripts</c> and the name its <c>type</c> filter uses (null for jobs that are not scripts),
    /// and whether its runs live under its own path (CSV preprocess runs live under <c>/jobs</c> only).
    /// </summary>
    private sealed record Kind(string Path, string JobType, string RunTemplate, string RunJobField, string? ScriptType = null, string? TypeFilter = null, bool OwnRuns = true);

    private static readonly Kind[] Kinds =
    [
        new("/scripts/containers", "JobTypes::ContainerDocker", "/scripts/containers/{id}/runs/{run_id}", "containerId", "Container", "containers"),
        new("/scripts/sql", "JobTypes::SqlRunner", "/scripts/sql/{id}/runs/{run_id}", "sqlId", "SQL", "sql"),
        new("/imports/files/csv", "JobTypes::CsvImport", "/imports/files/csv/{id}/runs/{run_id}", "csvImportId"),
        new("/scripts/custom", "JobTypes::CustomScript", "/scripts/custom/{id}/runs/{run_id}", "customId", "Custom", "custom"),
        new("/files/preprocess/csv", "JobTypes::CsvPreprocess", "/jobs/{id}/runs/{run_id}", "jobId", OwnRuns: false),
    ];

    private static Kind ContainerKind => Kinds[0];

    private static Kind SqlKind => Kinds[1];

    private static Kind CsvImportKind => Kinds[2];

    private static Kind CustomKind => Kinds[3];

    private static Kind PreprocessKind => Kinds[4];

    /// <summary>The realm of the 401 challenge.</summary>
    private const string Realm = "Civis Platform API";
}
