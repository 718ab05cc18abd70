using System.IO.Compression;
using System.Text;
using Aqueduct.Civis.Api;
using Aqueduct.Civis.Api.Models;
using Aqueduct.Civis.Testing;

namespace Aqueduct.Civis.Tests.Testing;

/// <summary>The fake's CSV import runs and SQL exports, which the Redshift route is tested against.</summary>
public sealed class FakeCivisApiDataTests : IAsyncLifetime
{
    private FakeCivisApi _api = null!;
    private CivisClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _api = await FakeCivisApi.StartAsync(cancellationToken: Ct);
        var options = _api.CreateClientOptions();
        options.PollInterval = TimeSpan.FromMilliseconds(5);
        _client = new CivisClient(options);
    }

    public async ValueTask DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task CsvImportRuns_StartedRun_RecordsImportAndFileContent()
    {
        var fileId = await _client.Files.UploadAsync(new MemoryStream("a,b\n1,2\n"u8.ToArray()), "in.csv", cancellationToken: Ct);
        var import = await _client.Imports.CreateCsvAsync(new CsvImportCreateRequest
        {
            Source = new CsvImportSource { FileIds = [fileId] },
            Destination = new CsvImportDestination { Schema = "s", Table = "t" },
            ExistingTableRows = "append",
        }, Ct);

        var run = await _client.Imports.StartCsvRunAsync(import.Id!.Value, Ct);

        var recorded = Assert.Single(_api.CsvImportRuns);
        Assert.Equal((import.Id, run.Id), (recorded.ImportId, recorded.RunId));
        Assert.Equal("append", (string?)recorded.Import["existingTableRows"]);
        Assert.Equal("a,b\n1,2\n", Encoding.UTF8.GetString(Assert.Single(recorded.Files)!));
    }

    [Fact]
    public async Task CsvImportHandler_Throws_RunFailsWithItsMessage()
    {
        var started = new TaskCompletionSource();
        _api.CsvImportHandler = async (_, _) =>
        {
            await started.Task;
            throw new InvalidOperationException("no such column");
        };
        var import = await _client.Imports.CreateCsvAsync(new CsvImportCreateRequest { Destination = new CsvImportDestination { Table = "t" } }, Ct);
        var run = await _client.Imports.StartCsvRunAsync(import.Id!.Value, Ct);

        Assert.Equal("running", (await _client.Imports.GetCsvRunAsync(import.Id.Value, run.Id!.Value, Ct)).State);
        started.SetResult();
        var error = await Assert.ThrowsAsync<CivisRunFailedException>(() => _client.Imports.WaitForCsvRunAsync(import.Id.Value, run.Id.Value, cancellationToken: Ct));

        Assert.Equal("no such column", error.RunError);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("none", false)]
    [InlineData("gzip", true)]
    public async Task SqlRun_CsvSettingsCompression_ServesSqlExportCsvAccordingly(string? compression, bool gzip)
    {
        _api.SqlExportCsv = "x\n42\n";
        var script = await _client.Scripts.CreateSqlAsync(new SqlScriptCreateRequest
        {
            Sql = "select 42 as x",
            CsvSettings = compression is null ? null : new CsvSettings { Compression = compression },
        }, Ct);
        var run = await _client.Scripts.StartSqlRunAsync(script.Id!.Value, Ct);
        var done = await _client.Scripts.WaitForSqlRunAsync(script.Id.Value, run.Id!.Value, cancellationToken: Ct);

        var content = _api.GetFileContent(Assert.Single(done.Output!).FileId!.Value)!;

        Assert.Equal(gzip, content is [0x1f, 0x8b, ..]);
        using var reader = new StreamReader(gzip ? new GZipStream(new MemoryStream(content), CompressionMode.Decompress) : new MemoryStream(content));
        Assert.Equal("x\n42\n", await reader.ReadToEndAsync(Ct));
    }
}
