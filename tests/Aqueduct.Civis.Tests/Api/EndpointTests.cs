using System.Text.Json;
using System.Text.RegularExpressions;
using Aqueduct.Civis.Api;
using Aqueduct.Civis.Api.Internal;
using Aqueduct.Civis.Api.Models;
using Aqueduct.Civis.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Aqueduct.Civis.Tests.Api;

/// <summary>The typed endpoints end to end against the fake, and the client calling nothing outside its operation table.</summary>
public sealed class EndpointTests : IAsyncLifetime
{
    private FakeCivisApi _api = null!;
    private readonly FakeTimeProvider _time = new();
    private CivisClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _api = await FakeCivisApi.StartAsync();
        var options = _api.CreateClientOptions();
        options.TimeProvider = _time;
        options.Transport.AttemptTimeout = TimeSpan.FromDays(1);
        _client = new CivisClient(options);
    }

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Every call the client made is an operation of its table (and so, by the contract tests, of the spec).</summary>
    private void AssertEveryCallIsInTheOperationTable()
    {
        var patterns = CivisOperations.All.Select(o => (o.Method, Pattern: new Regex("^" + Regex.Replace(o.Path, @"\{[^}]+\}", "[^/]+") + "$"))).ToList();
        var calls = _api.Requests.Where(r => !r.Path.StartsWith("/_storage/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(calls);
        foreach (var request in calls)
        {
            Assert.True(patterns.Any(p => p.Method == request.Method && p.Pattern.IsMatch(request.Path)), $"{request.Method} {request.Path} is not in CivisOperations.All");
        }
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

    [Fact]
    public async Task GetMeAsync_FakeApi_ReturnsRecordedUser()
    {
        var me = await _client.Users.GetMeAsync(Ct);
        Assert.NotNull(me.Id);
        Assert.NotNull(me.Username);
        AssertEveryCallIsInTheOperationTable();
    }

    [Fact]
    public async Task GetIdAsync_ListedDatabaseName_FindsItAndNamesKnownOnesWhenMissing()
    {
        var databases = await ToListAsync(_client.Databases.ListAsync(Ct));
        Assert.NotEmpty(databases);
        Assert.Equal(databases[0].Id, await _client.Databases.GetIdAsync(databases[0].Name!.ToUpperInvariant(), Ct));
        var missing = await Assert.ThrowsAsync<ArgumentException>(() => _client.Databases.GetIdAsync("no such database", Ct));
        Assert.Contains(databases[0].Name!, missing.Message, StringComparison.Ordinal);
        await ToListAsync(_client.Databases.ListSchemasAsync(databases[0].Id!.Value, Ct));
        var table = await _client.Databases.GetTableAsync(databases[0].Id!.Value, "public", "trips", Ct);
        Assert.NotNull(table);
        AssertEveryCallIsInTheOperationTable();
    }

    [Fact]
    public async Task GetTableAsync_TableDoesNotExist_ReturnsNull()
    {
        _api.Faults.Enqueue(FakeFault.Status(404).For("GET", "/databases/1/schemas/public/tables/missing"));
        Assert.Null(await _client.Databases.GetTableAsync(1, "public", "missing", Ct));
        AssertEveryCallIsInTheOperationTable();
    }

    [Fact]
    public async Task GetDefaultDatabaseCredentialAsync_FakeApi_AsksForTheDefaultCredential()
    {
        var credential = await _client.Credentials.GetDefaultDatabaseCredentialAsync(Ct);
        Assert.NotNull(credential.Id);
        Assert.Contains("default=true", _api.Requests[^1].Query, StringComparison.Ordinal);
        Assert.NotEmpty(await ToListAsync(_client.RemoteHosts.ListAsync(cancellationToken: Ct)));
        AssertEveryCallIsInTheOperationTable();
    }

    [Fact]
    public async Task CreateContainerAsync_ThenRunOutputsAndLogs_EachCallWorks()
    {
        var script = await _client.Scripts.CreateContainerAsync(new ContainerScriptCreateRequest
        {
            Name = "bikeshare",
            DockerImageName = "civisanalytics/datascience-python",
            DockerCommand = "dotnet Bikeshare.dll",
            RequiredResources = new RequiredResources { Cpu = 2000, Memory = 4096, DiskSpace = 8 },
        }, Ct);
        Assert.Equal("bikeshare", script.Name);
        Assert.Contains("\"requiredResources\":{\"cpu\":2000", _api.Requests[^1].Body, StringComparison.Ordinal);
        var id = script.Id!.Value;

        var updated = await _client.Scripts.UpdateContainerAsync(id, new ContainerScriptPatchRequest { DockerImageTag = "1.2.3" }, Ct);
        Assert.Equal("1.2.3", updated.DockerImageTag);
        Assert.Equal("bikeshare", (await _client.Scripts.GetContainerAsync(id, Ct)).Name);
        Assert.Contains(await ToListAsync(_client.Scripts.ListContainersAsync(Ct)), s => s.Id == id);

        var run = await _client.Scripts.StartContainerRunAsync(id, Ct);
        await FakeTime.DriveAsync(_time, _client.Scripts.WaitForContainerRunAsync(id, run.Id!.Value, cancellationToken: Ct));
        var value = await _client.JsonValues.CreateAsync("""{"rows": 12}""", "summary", Ct);
        await _client.Scripts.AddContainerRunOutputAsync(id, run.Id!.Value, "JSONValue", value.Id!.Value, Ct);
        var outputs = await ToListAsync(_client.Scripts.ListContainerRunOutputsAsync(id, run.Id!.Value, Ct));
        Assert.Equal(value.Id, Assert.Single(outputs).ObjectId);
        Assert.Single(await ToListAsync(_client.Jobs.ListRunOutputsAsync(id, run.Id!.Value, Ct)));
        Assert.Single(await ToListAsync(_client.Scripts.ListContainerRunsAsync(id, Ct)));

        await _client.Scripts.AddContainerRunLogsAsync(id, run.Id!.Value, new RunLogCreateRequest { Message = "hello", Level = "info" }, Ct);
        Assert.Contains(await ToListAsync(_client.Scripts.ReadContainerRunLogsAsync(id, run.Id!.Value, cancellationToken: Ct)), e => e.Message == "hello");

        var job = await _client.Jobs.GetAsync(id, Ct);
        Assert.Equal("succeeded", job.State);
        Assert.Single(await ToListAsync(_client.Jobs.ListRunsAsync(id, Ct)));
        AssertEveryCallIsInTheOperationTable();
    }

    [Fact]
    public async Task WaitForSqlRunAsync_GzipCsvExport_OutputPathDownloadsTheCsv()
    {
        var script = await _client.Scripts.CreateSqlAsync(new SqlScriptCreateRequest
        {
            Name = "export",
            Sql = "select 1",
            RemoteHostId = 1,
            CredentialId = 2,
            CsvSettings = new CsvSettings { IncludeHeader = true, Compression = "gzip" },
        }, Ct);
        var run = await _client.Scripts.StartSqlRunAsync(script.Id!.Value, Ct);
        var done = await FakeTime.DriveAsync(_time, _client.Scripts.WaitForSqlRunAsync(script.Id!.Value, run.Id!.Value, cancellationToken: Ct));
        var output = Assert.Single(done.Output!);
        using var http = new HttpClient();
        await using var body = new System.IO.Compression.GZipStream(await http.GetStreamAsync(output.Path, Ct), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(body);
        Assert.Equal(_api.SqlExportCsv, await reader.ReadToEndAsync(Ct));
        AssertEveryCallIsInTheOperationTable();
    }

    [Fact]
    public async Task WaitForRunAsync_StartedJobRun_ReturnsSucceededRun()
    {
        var id = _api.AddContainerScript();
        var run = await _client.Jobs.StartRunAsync(id, Ct);
        var done = await FakeTime.DriveAsync(_time, _client.Jobs.WaitForRunAsync(id, run.Id!.Value, cancellationToken: Ct));
        Assert.Equal("succeeded", done.State);
        Assert.Equal("succeeded", (await _client.Jobs.GetRunAsync(id, run.Id!.Value, Ct)).State);
        AssertEveryCallIsInTheOperationTable();
    }

    [Fact]
    public async Task WaitForCsvRunAsync_StartedImportRun_ReturnsSucceededRun()
    {
        var fileId = await _client.Files.UploadAsync(new MemoryStream("a,b\n1,2\n"u8.ToArray()), "in.csv", cancellationToken: Ct);
        var import = await _client.Imports.CreateCsvAsync(new CsvImportCreateRequest
        {
            Name = "load trips",
            Source = new CsvImportSource { FileIds = [fileId] },
            Destination = new CsvImportDestination { Schema = "public", Table = "trips", RemoteHostId = 1, CredentialId = 2 },
            FirstRowIsHeader = true,
            ExistingTableRows = "truncate",
        }, Ct);
        Assert.Contains($"\"fileIds\":[{fileId}]", _api.Requests[^1].Body, StringComparison.Ordinal);
        var run = await _client.Imports.StartCsvRunAsync(import.Id!.Value, Ct);
        var done = await FakeTime.DriveAsync(_time, _client.Imports.WaitForCsvRunAsync(import.Id!.Value, run.Id!.Value, cancellationToken: Ct));
        Assert.Equal("succeeded", done.State);
        AssertEveryCallIsInTheOperationTable();
    }

    [Fact]
    public async Task WaitAsync_CreatedQuery_ReturnsSucceededQuery()
    {
        var query = await _client.Queries.CreateAsync(new QueryCreateRequest { Database = 1, Sql = "select 1", PreviewRows = 10 }, Ct);
        var done = await FakeTime.DriveAsync(_time, _client.Queries.WaitAsync(query.Id!.Value, Ct));
        Assert.Equal("succeeded", done.State);
        AssertEveryCallIsInTheOperationTable();
    }

    [Fact]
    public async Task CreateShareLinkAsync_NewTokenName_LinksToTheServiceWithItsToken()
    {
        var service = await _client.Services.GetAsync(77, Ct);
        Assert.NotNull(service.CurrentUrl);
        var link = await _client.Services.CreateShareLinkAsync(77, "for-the-mayor", TimeSpan.FromDays(7), Ct);
        Assert.StartsWith(service.CurrentUrl, link.AbsoluteUri, StringComparison.Ordinal);
        Assert.Contains("civis_service_token=svc-", link.Query, StringComparison.Ordinal);

        var duplicate = await Assert.ThrowsAsync<CivisApiException>(() => _client.Services.CreateTokenAsync(77, new ServiceTokenCreateRequest { Name = "for-the-mayor" }, Ct));
        Assert.Contains("already been taken", duplicate.Message, StringComparison.Ordinal);

        var token = Assert.Single(await ToListAsync(_client.Services.ListTokensAsync(77, Ct)));
        await _client.Services.DeleteTokenAsync(77, token.Id!.Value, Ct);
        Assert.Empty(await ToListAsync(_client.Services.ListTokensAsync(77, Ct)));
        await ToListAsync(_client.Services.ListAsync(Ct));
        AssertEveryCallIsInTheOperationTable();
    }
}
