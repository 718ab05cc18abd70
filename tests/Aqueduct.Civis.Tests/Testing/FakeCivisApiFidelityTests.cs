using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aqueduct.Civis.Api;
using Aqueduct.Civis.Api.Models;
using Aqueduct.Civis.Testing;

namespace Aqueduct.Civis.Tests.Testing;

/// <summary>The fake behaves like the platform for what a job touches (issue 14), over real HTTP.</summary>
public sealed class FakeCivisApiFidelityTests : IAsyncLifetime
{
    private FakeCivisApi _api = null!;
    private CivisClient _client = null!;
    private HttpClient _http = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _api = await FakeCivisApi.StartAsync(cancellationToken: Ct);
        var options = _api.CreateClientOptions();
        options.PollInterval = TimeSpan.FromMilliseconds(5);
        _client = new CivisClient(options);
        _http = new HttpClient { BaseAddress = _api.BaseAddress };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _api.ApiKey);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, object? body = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private async Task<(int ScriptId, int RunId)> FinishedContainerRunAsync()
    {
        var scriptId = _api.AddContainerScript();
        var run = await _client.Scripts.StartContainerRunAsync(scriptId, Ct);
        await _client.Scripts.WaitForContainerRunAsync(scriptId, run.Id!.Value, cancellationToken: Ct);
        return (scriptId, run.Id.Value);
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    // ------------------------------------------------------------------ run outputs

    [Fact]
    public async Task RunOutputs_File_NameIsTheFilesNameAndLinkItsApiPath()
    {
        var (scriptId, runId) = await FinishedContainerRunAsync();
        var fileId = await _client.Files.UploadAsync(new MemoryStream("a\n1\n"u8.ToArray()), "trips.csv", cancellationToken: Ct);

        var posted = await _client.Scripts.AddContainerRunOutputAsync(scriptId, runId, "File", fileId, Ct);
        var listed = Assert.Single(await ToListAsync(_client.Scripts.ListContainerRunOutputsAsync(scriptId, runId, Ct)));

        foreach (var output in new[] { posted, listed })
        {
            Assert.Equal(("File", fileId, "trips.csv"), (output.ObjectType, output.ObjectId, output.Name));
            Assert.EndsWith($"/files/{fileId}", output.Link, StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Null, output.Value?.ValueKind ?? JsonValueKind.Null);
        }
    }

    [Fact]
    public async Task RunOutputs_JsonValue_CarryItsNameLinkAndStoredValueOnBothOutputLists()
    {
        var (scriptId, runId) = await FinishedContainerRunAsync();
        var value = await _client.JsonValues.CreateAsync("""{"rows": 12, "ok": true}""", "summary", Ct);

        await _client.Scripts.AddContainerRunOutputAsync(scriptId, runId, "JSONValue", value.Id!.Value, Ct);
        var viaScript = Assert.Single(await ToListAsync(_client.Scripts.ListContainerRunOutputsAsync(scriptId, runId, Ct)));
        var viaJob = Assert.Single(await ToListAsync(_client.Jobs.ListRunOutputsAsync(scriptId, runId, Ct)));

        foreach (var output in new[] { viaScript, viaJob })
        {
            Assert.Equal("summary", output.Name);
            Assert.EndsWith($"/json_values/{value.Id}", output.Link, StringComparison.Ordinal);
            Assert.Equal(12, output.Value!.Value.GetProperty("rows").GetInt32());
            Assert.True(output.Value!.Value.GetProperty("ok").GetBoolean());
        }
    }

    [Fact]
    public async Task RunOutputs_FileTheFakeDoesNotHold_Answers404()
    {
        var (scriptId, runId) = await FinishedContainerRunAsync();

        var error = await Assert.ThrowsAsync<CivisApiException>(() => _client.Scripts.AddContainerRunOutputAsync(scriptId, runId, "File", 987_654, Ct));

        Assert.Equal(404, error.StatusCode);
    }

    [Fact]
    public async Task RunOutputs_SucceededSqlRun_ListsItsExportFile()
    {
        var script = await _client.Scripts.CreateSqlAsync(new SqlScriptCreateRequest { Sql = "select 1" }, Ct);
        var run = await _client.Scripts.StartSqlRunAsync(script.Id!.Value, Ct);
        var done = await _client.Scripts.WaitForSqlRunAsync(script.Id.Value, run.Id!.Value, cancellationToken: Ct);

        var output = Assert.Single(await ToListAsync(_client.Jobs.ListRunOutputsAsync(script.Id.Value, run.Id.Value, Ct)));

        Assert.Equal(("File", Assert.Single(done.Output!).FileId), (output.ObjectType, output.ObjectId));
        Assert.Equal("export.csv.gz", output.Name);
    }

    // ------------------------------------------------------------------ JSON values

    [Fact]
    public async Task JsonValues_Get_ReturnsWhatWasPosted()
    {
        var created = await SendAsync(HttpMethod.Post, "json_values", new { valueStr = """[1, "two", {"three": 3}]""", name = "mixed" }, HttpStatusCode.Created);

        var got = await SendAsync(HttpMethod.Get, $"json_values/{created["id"]}");

        Assert.Equal((int)created["id"]!, (int)got["id"]!);
        Assert.Equal("mixed", (string?)got["name"]);
        Assert.Equal("""[1,"two",{"three":3}]""", got["value"]!.ToJsonString());
    }

    [Fact]
    public async Task JsonValues_Patch_ChangesNameAndValue()
    {
        var created = await _client.JsonValues.CreateAsync("1", "before", Ct);

        await SendAsync(HttpMethod.Patch, $"json_values/{created.Id}", new { name = "after", valueStr = "2" });
        var got = await SendAsync(HttpMethod.Get, $"json_values/{created.Id}");

        Assert.Equal(("after", 2), ((string?)got["name"], (int)got["value"]!));
    }

    [Fact]
    public async Task JsonValues_GetUnknownId_Answers404()
    {
        using var response = await _http.GetAsync("json_values/987654", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    // ------------------------------------------------------------------ 401

    [Theory]
    [InlineData("Bearer not-the-key")]
    [InlineData(null)]
    public async Task Unauthorized_WrongOrMissingKey_Answers401WithBearerChallenge(string? authorization)
    {
        using var http = new HttpClient { BaseAddress = _api.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "users/me");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Matches("""^realm="[^"]+", error="invalid_token", error_description="[^"]+"$""", challenge.Parameter);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal(401, (int)body["code"]!);
    }

    // ------------------------------------------------------------------ /endpoints

    [Fact]
    public async Task Endpoints_Get_ServesTheEmbeddedSpec()
    {
        using var response = await _http.GetAsync("endpoints", Ct);
        var served = await response.Content.ReadAsByteArrayAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var spec = FakeCivisApi.OpenSpec();
        using var expected = new MemoryStream();
        await spec.CopyToAsync(expected, Ct);
        Assert.Equal(expected.ToArray(), served);
        Assert.Equal("2.0", (string?)JsonNode.Parse(served)!["swagger"]);
    }

    [Fact]
    public async Task Endpoints_OpenApi3_Answers501SayingOnlySwagger2()
    {
        using var response = await _http.GetAsync("endpoints/?openapi_version=3.0", Ct);

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        Assert.Contains("Swagger 2.0", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ CSV preprocess

    private async Task<(int JobId, int RunId)> PreprocessAsync(int fileId, object body)
    {
        var job = await SendAsync(HttpMethod.Post, "files/preprocess/csv", body, HttpStatusCode.Created);
        var jobId = (int)job["id"]!;
        Assert.Equal(fileId, (int)job["fileId"]!);
        Assert.Equal(jobId, (int)(await SendAsync(HttpMethod.Get, $"files/preprocess/csv/{jobId}"))["id"]!);
        var run = await _client.Jobs.StartRunAsync(jobId, Ct);
        var done = await _client.Jobs.WaitForRunAsync(jobId, run.Id!.Value, cancellationToken: Ct);
        Assert.Equal("succeeded", done.State);
        return (jobId, run.Id.Value);
    }

    [Fact]
    public async Task PreprocessCsv_Run_OutputsCleanedFileWithDetectedInfo()
    {
        var csv = "\uFEFFtrip_id,bike_type,distance,started,member\r\n1,\"electric, blue\",1.5,2021-01-02 03:04:05,true\r\n20000000000,classic,2,2021-01-03 00:00:00,false\r\n";
        var fileId = await _client.Files.UploadAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), "trips.csv", cancellationToken: Ct);

        var (jobId, runId) = await PreprocessAsync(fileId, new { fileId, inPlace = false, detectTableColumns = true, forceCharacterSetConversion = true });

        var output = Assert.Single(await ToListAsync(_client.Jobs.ListRunOutputsAsync(jobId, runId, Ct)));
        Assert.Equal("File", output.ObjectType);
        Assert.NotEqual(fileId, output.ObjectId);
        var cleaned = await _client.Files.GetAsync(output.ObjectId!.Value, Ct);
        var info = cleaned.DetectedInfo!;
        Assert.Equal((true, "comma", "none"), (info.IncludeHeader, info.ColumnDelimiter, info.Compression));
        Assert.Equal(
            ["trip_id BIGINT", "bike_type VARCHAR(14)", "distance DOUBLE PRECISION", "started TIMESTAMP", "member BOOLEAN"],
            info.TableColumns!.Select(c => $"{c.Name} {c.SqlType}"));
        await using var content = await _client.Files.OpenReadAsync(cleaned.Id!.Value, Ct);
        using var reader = new StreamReader(content);
        Assert.Equal(
            "trip_id,bike_type,distance,started,member\n1,\"electric, blue\",1.5,2021-01-02 03:04:05,true\n20000000000,classic,2,2021-01-03 00:00:00,false\n",
            await reader.ReadToEndAsync(Ct));
        Assert.Equal(csv, Encoding.UTF8.GetString(_api.GetFileContent(fileId)!));
    }

    [Fact]
    public async Task PreprocessCsv_GzipPipeNoHeaderInPlace_DetectsAndKeepsTheSameFile()
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write("1|a\n2|bb\n"u8);
        }

        var fileId = _api.AddFile(compressed.ToArray(), "rows.csv.gz");

        var (jobId, runId) = await PreprocessAsync(fileId, new { file_id = fileId, detect_table_columns = true });

        var output = Assert.Single(await ToListAsync(_client.Jobs.ListRunOutputsAsync(jobId, runId, Ct)));
        Assert.Equal(fileId, output.ObjectId);
        var info = (await _client.Files.GetAsync(fileId, Ct)).DetectedInfo!;
        Assert.Equal((false, "pipe", "gzip"), (info.IncludeHeader, info.ColumnDelimiter, info.Compression));
        Assert.Equal(["column_1 INT", "column_2 VARCHAR(2)"], info.TableColumns!.Select(c => $"{c.Name} {c.SqlType}"));
        using var reader = new StreamReader(new GZipStream(new MemoryStream(_api.GetFileContent(fileId)!), CompressionMode.Decompress));
        Assert.Equal("1|a\n2|bb\n", await reader.ReadToEndAsync(Ct));
    }

    [Fact]
    public async Task PreprocessCsv_WithoutColumnDetection_GivesNoTableColumnsAndHonoursGivenSettings()
    {
        var fileId = _api.AddFile("x\ty\n1\t2\n"u8.ToArray(), "t.tsv");

        var (jobId, runId) = await PreprocessAsync(fileId, new { fileId, includeHeader = false, columnDelimiter = "tab" });

        var output = Assert.Single(await ToListAsync(_client.Jobs.ListRunOutputsAsync(jobId, runId, Ct)));
        var info = (await _client.Files.GetAsync(output.ObjectId!.Value, Ct)).DetectedInfo!;
        Assert.Equal((false, "tab"), (info.IncludeHeader, info.ColumnDelimiter));
        Assert.Empty(info.TableColumns!);
    }

    [Fact]
    public async Task CsvFileToTable_PreprocessThenImportThroughJobs_ImportGetsCleanedFileAndDetectedColumns()
    {
        // civis-python's civis_file_to_table: preprocess, read the run's output file, import it, run the import as a job.
        var fileId = await _client.Files.UploadAsync(new MemoryStream("id,name\r\n1,ann\r\n\r\n"u8.ToArray()), "in.csv", cancellationToken: Ct);
        var (jobId, runId) = await PreprocessAsync(fileId, new { fileId, inPlace = false, detectTableColumns = true });
        var cleanedId = Assert.Single(await ToListAsync(_client.Jobs.ListRunOutputsAsync(jobId, runId, Ct))).ObjectId!.Value;
        var info = (await _client.Files.GetAsync(cleanedId, Ct)).DetectedInfo!;

        var import = await _client.Imports.CreateCsvAsync(new CsvImportCreateRequest
        {
            Source = new CsvImportSource { FileIds = [cleanedId] },
            Destination = new CsvImportDestination { Schema = "s", Table = "t" },
            FirstRowIsHeader = info.IncludeHeader,
            ColumnDelimiter = info.ColumnDelimiter,
            Compression = info.Compression,
            TableColumns = info.TableColumns,
        }, Ct);
        var run = await _client.Jobs.StartRunAsync(import.Id!.Value, Ct);
        await _client.Jobs.WaitForRunAsync(import.Id.Value, run.Id!.Value, cancellationToken: Ct);

        var recorded = Assert.Single(_api.CsvImportRuns);
        Assert.Equal((import.Id, run.Id), (recorded.ImportId, recorded.RunId));
        Assert.Equal("id,name\n1,ann\n", Encoding.UTF8.GetString(Assert.Single(recorded.Files)!));
        Assert.Equal("""[{"name":"id","sqlType":"INT"},{"name":"name","sqlType":"VARCHAR(3)"}]""", recorded.Import["tableColumns"]!.ToJsonString());
    }

    [Theory]
    [InlineData(false, "name\ncafé\n")]
    [InlineData(true, "name\ncaf\n")]
    public async Task PreprocessCsv_Latin1File_ConvertedToUtf8OrDroppedWhenForced(bool force, string expected)
    {
        var fileId = _api.AddFile([.. "name\ncaf"u8, 0xE9, (byte)'\n'], "latin1.csv");

        await PreprocessAsync(fileId, new { fileId, forceCharacterSetConversion = force });

        Assert.Equal(expected, Encoding.UTF8.GetString(_api.GetFileContent(fileId)!));
    }

    [Fact]
    public async Task PreprocessCsv_UnclosedQuote_RunFailsNamingFileAndLine()
    {
        var fileId = _api.AddFile("a,b\n1,\"x\n2,y\n"u8.ToArray());
        var job = await SendAsync(HttpMethod.Post, "files/preprocess/csv", new { fileId }, HttpStatusCode.Created);
        var run = await _client.Jobs.StartRunAsync((int)job["id"]!, Ct);

        var error = await Assert.ThrowsAsync<CivisRunFailedException>(() => _client.Jobs.WaitForRunAsync((int)job["id"]!, run.Id!.Value, cancellationToken: Ct));

        Assert.Contains($"file {fileId}", error.RunError, StringComparison.Ordinal);
        Assert.Contains("line 2", error.RunError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PreprocessCsv_FileNeverUploaded_RunFailsSayingSo()
    {
        var created = await _client.Files.CreateAsync(new FileCreateRequest { Name = "empty.csv" }, Ct);
        var job = await SendAsync(HttpMethod.Post, "files/preprocess/csv", new { fileId = created.Id }, HttpStatusCode.Created);
        var run = await _client.Jobs.StartRunAsync((int)job["id"]!, Ct);

        var error = await Assert.ThrowsAsync<CivisRunFailedException>(() => _client.Jobs.WaitForRunAsync((int)job["id"]!, run.Id!.Value, cancellationToken: Ct));

        Assert.Contains($"file {created.Id}", error.RunError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PreprocessCsv_FileTheFakeDoesNotHold_Answers404()
    {
        using var response = await _http.PostAsync("files/preprocess/csv", new StringContent("""{"fileId": 987654}""", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task FilesGet_FileNeverPreprocessed_HasEmptyDetectedInfo()
    {
        var fileId = _api.AddFile("a\n"u8.ToArray());

        var info = (await _client.Files.GetAsync(fileId, Ct)).DetectedInfo!;

        Assert.Equal((null, null, null), (info.IncludeHeader, info.ColumnDelimiter, info.Compression));
        Assert.Empty(info.TableColumns!);
    }

    // ------------------------------------------------------------------ custom scripts

    [Fact]
    public async Task CustomScripts_CreateGetRun_KeepState()
    {
        var created = await SendAsync(HttpMethod.Post, "scripts/custom", new { fromTemplateId = 168, name = "Nightly load", arguments = new { table = "s.t" } }, HttpStatusCode.Created);
        var id = (int)created["id"]!;
        _api.SetRunOutcome(id, FakeRunOutcome.Failed("bad table", "no such table s.t"));

        var got = await SendAsync(HttpMethod.Get, $"scripts/custom/{id}");
        Assert.Equal(("Nightly load", 168, "s.t", "Custom"), ((string?)got["name"], (int)got["fromTemplateId"]!, (string?)got["arguments"]!["table"], (string?)got["type"]));
        await SendAsync(HttpMethod.Patch, $"scripts/custom/{id}", new { name = "Renamed" });
        Assert.Equal("Renamed", (string?)(await SendAsync(HttpMethod.Get, $"scripts/custom/{id}"))["name"]);

        var run = await SendAsync(HttpMethod.Post, $"scripts/custom/{id}/runs", expected: HttpStatusCode.Accepted);
        var runId = (int)run["id"]!;
        Assert.Equal((id, "queued"), ((int)run["customId"]!, (string?)run["state"]));
        var states = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            states.Add((string)(await SendAsync(HttpMethod.Get, $"scripts/custom/{id}/runs/{runId}"))["state"]!);
        }

        Assert.Equal(["queued", "running", "failed"], states);
        var runs = (await SendAsync(HttpMethod.Get, $"scripts/custom/{id}/runs")).AsArray();
        Assert.Equal(runId, (int)Assert.Single(runs)!["id"]!);
        Assert.Contains(await ToListAsync(_client.Jobs.ReadLogsAsync(id, runId, cancellationToken: Ct)), e => e.Message == "no such table s.t");
        var listed = (await SendAsync(HttpMethod.Get, "scripts/custom?from_template_id=168")).AsArray();
        Assert.Equal(id, (int)Assert.Single(listed)!["id"]!);
        Assert.Empty((await SendAsync(HttpMethod.Get, "scripts/custom?from_template_id=1")).AsArray());
    }

    [Fact]
    public async Task CustomScripts_CreateWithoutTemplate_Answers400NamingTheField()
    {
        using var response = await _http.PostAsync("scripts/custom", new StringContent("""{"name": "x"}""", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("fromTemplateId", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ GET /scripts

    [Fact]
    public async Task Scripts_List_HoldsEveryKindFilteredByType()
    {
        var container = _api.AddContainerScript("c");
        var sql = await _client.Scripts.CreateSqlAsync(new SqlScriptCreateRequest { Name = "s", Sql = "select 1" }, Ct);
        var custom = await SendAsync(HttpMethod.Post, "scripts/custom", new { fromTemplateId = 5, name = "u" }, HttpStatusCode.Created);

        static List<(int, string)> Kinds(JsonNode list) => [.. list.AsArray().Select(s => ((int)s!["id"]!, (string)s["type"]!)).OrderBy(s => s.Item1)];

        Assert.Equal([(container, "Container"), (sql.Id!.Value, "SQL"), ((int)custom["id"]!, "Custom")], Kinds(await SendAsync(HttpMethod.Get, "scripts")));
        Assert.Equal([(sql.Id!.Value, "SQL")], Kinds(await SendAsync(HttpMethod.Get, "scripts?type=sql")));
        Assert.Equal([(container, "Container"), (sql.Id!.Value, "SQL")], Kinds(await SendAsync(HttpMethod.Get, "scripts?type=containers,sql")));
        Assert.Empty(Kinds(await SendAsync(HttpMethod.Get, "scripts?type=python3")));
        Assert.Equal([container], (await ToListAsync(_client.Scripts.ListContainersAsync(Ct))).Select(s => s.Id!.Value));
        var summary = (await SendAsync(HttpMethod.Get, "scripts?type=sql"))[0]!;
        Assert.EndsWith($"/scripts/sql/{sql.Id}", (string?)summary["links"]!["details"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scripts_List_FiltersByStatusAndHidesHiddenScripts()
    {
        var (ran, _) = await FinishedContainerRunAsync();
        var idle = _api.AddContainerScript("idle");
        var hidden = await _client.Scripts.CreateSqlAsync(new SqlScriptCreateRequest { Sql = "select 1", Hidden = true }, Ct);

        var succeeded = (await SendAsync(HttpMethod.Get, "scripts?status=succeeded")).AsArray();
        var all = (await SendAsync(HttpMethod.Get, "scripts")).AsArray().Select(s => (int)s!["id"]!).ToList();
        var onlyHidden = (await SendAsync(HttpMethod.Get, "scripts?hidden=true")).AsArray().Select(s => (int)s!["id"]!).ToList();

        Assert.Equal(ran, (int)Assert.Single(succeeded)!["id"]!);
        Assert.Equal("succeeded", (string?)succeeded[0]!["lastRun"]!["state"]);
        Assert.Equal([idle, ran], all);
        Assert.Equal([hidden.Id!.Value], onlyHidden);
    }

    // ------------------------------------------------------------------ port

    [Fact]
    public async Task StartAsync_ChosenPort_ListensThere()
    {
        var port = FreePort();

        await using var api = await FakeCivisApi.StartAsync(new FakeCivisApiOptions { Port = port, ApiKey = "chosen-key" }, Ct);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/users/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "chosen-key");
        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(new Uri($"http://127.0.0.1:{port}/"), api.BaseAddress);
        Assert.Equal("chosen-key", api.ApiKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task StartAsync_PortInUse_ThrowsNamingThePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => FakeCivisApi.StartAsync(new FakeCivisApiOptions { Port = port }, Ct));

        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_EmptyApiKey_ThrowsNamingApiKey()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => FakeCivisApi.StartAsync(new FakeCivisApiOptions { ApiKey = " " }, Ct));

        Assert.Contains(nameof(FakeCivisApiOptions.ApiKey), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_PortOutOfRange_ThrowsNamingPort()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new FakeCivisApiOptions { Port = 70_000 });

        Assert.Equal("Port", error.ParamName);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
