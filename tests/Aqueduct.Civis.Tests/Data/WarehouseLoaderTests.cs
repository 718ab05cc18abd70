#pragma warning disable CS0618 // WarehouseLoader is obsolete: these tests keep its delegation to the front door honest.
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Aqueduct.Civis.Api;
using Aqueduct.Civis.Testing;
using Aqueduct.Civis.Tests.Infrastructure;
using Npgsql;
using static Aqueduct.Civis.Tests.Data.TestCsv;
using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Data;

using Warehouse = Aqueduct.Civis.Warehouse;

public sealed class WarehouseLoaderTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>, IAsyncLifetime
{
    private static readonly TableDefinition Trips = new(
        [new("trip_id", "integer"), new("bike_type", "varchar(32)"), new("Start Station", "text")], ["trip_id"]);

    private FakeCivisApi _api = null!;
    private CivisClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _api = await FakeCivisApi.StartAsync(cancellationToken: Ct);
        var options = _api.CreateClientOptions();
        options.PollInterval = TimeSpan.FromMilliseconds(5);
        options.PollMaxInterval = TimeSpan.FromMilliseconds(20);
        _client = new CivisClient(options);

        // The platform route reads the catalogs through a SQL script: the fake runs its query on this class's database.
        _api.SqlExportHandler = RunOn(db.DataSource);
    }

    /// <summary>An existing table without a primary key, as a load that names no definition needs.</summary>
    private Task CreateTripsAsync() =>
        ExecuteAsync(db.DataSource, "CREATE TABLE IF NOT EXISTS trips (trip_id integer, bike_type varchar(32), \"Start Station\" text)");

    public async ValueTask DisposeAsync() => await _api.DisposeAsync();

    /// <summary>A factory whose both warehouses reach this class's database: in DEV through the URIs, in production through
    /// the URI fallback with TLS off (the throwaway server has none).</summary>
    private WarehouseConnectionFactory Warehouses(bool dev) => new(
        Create(("DEV", dev ? "true" : null), ("POSTGRES_URI", db.ConnectionString), ("REDSHIFT_URI", db.ConnectionString)),
        new WarehouseOptions { ConfigureDataSource = static (_, b) => b.ConnectionStringBuilder.SslMode = SslMode.Disable });

    private WarehouseLoader Loader(WarehouseConnectionFactory warehouses, WarehouseLoaderOptions? options = null) =>
        new(warehouses, _client, options ?? new WarehouseLoaderOptions { RedshiftDatabaseId = 7, CredentialId = 9 });

    private List<FakeCivisRequest> ApiCalls() => [.. _api.Requests.Where(r => !r.Path.StartsWith("/_storage/", StringComparison.Ordinal))];

    [Theory]
    [InlineData(Warehouse.Postgres, true, WarehouseRoute.Copy)]
    [InlineData(Warehouse.Postgres, false, WarehouseRoute.Copy)]
    [InlineData(Warehouse.Redshift, true, WarehouseRoute.Copy)]
    [InlineData(Warehouse.Redshift, false, WarehouseRoute.CivisPlatform)]
    public async Task GetRoute_WarehouseAndEnvironment_ChoosesRoute(Warehouse warehouse, bool dev, WarehouseRoute expected)
    {
        await using var warehouses = Warehouses(dev);
        Assert.Equal(expected, Loader(warehouses).GetRoute(warehouse));
    }

    [Theory]
    [InlineData(Warehouse.Postgres, false)]
    [InlineData(Warehouse.Redshift, true)]
    public async Task LoadCsvAsync_CopyRoute_LoadsDatabaseWithoutCallingApi(Warehouse warehouse, bool dev)
    {
        await using var warehouses = Warehouses(dev);
        var table = TableName.Parse($"copy_route_{warehouse}_{dev}".ToLowerInvariant());

        var result = await Loader(warehouses).LoadCsvAsync(warehouse, table, From("trip_id,bike_type,Start Station\n1,electric,A\n2,,B\n"), WriteMode.Fail, Trips, Ct);

        Assert.Equal(2L, result.RowsInserted);
        Assert.Equal(["1|electric|A", "2|NULL|B"], await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task ExportCsvAsync_RedshiftInDev_CopiesFromMockWithoutCallingApi()
    {
        await using var warehouses = Warehouses(dev: true);
        using var output = new MemoryStream();

        var rows = await Loader(warehouses).ExportCsvAsync(Warehouse.Redshift, "SELECT 1 AS a, 'x' AS b", output, cancellationToken: Ct);

        Assert.Equal(1L, rows);
        Assert.Equal("a,b\n1,x\n", Encoding.UTF8.GetString(output.ToArray()));
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task LoadCsvAsync_RedshiftInProduction_UploadsAndImportsWithDestinationModeKeysAndColumns()
    {
        await using var warehouses = Warehouses(dev: false);
        var csv = "trip_id|bike_type|Start Station\n1|electric|A\n";
        var source = new CsvSource(new MemoryStream(Encoding.UTF8.GetBytes(csv))) { Delimiter = '|' };

        await Loader(warehouses).LoadCsvAsync(Warehouse.Redshift, TableName.Parse("bikeshare.trips"), source, WriteMode.Upsert, Trips, Ct);

        var run = Assert.Single(_api.CsvImportRuns);
        Assert.Equal(csv, Encoding.UTF8.GetString(Assert.Single(run.Files)!));
        var import = run.Import;
        var destination = import["destination"]!;
        Assert.Equal("bikeshare", (string?)destination["schema"]);
        Assert.Equal("trips", (string?)destination["table"]);
        Assert.Equal(7, (int?)destination["remoteHostId"]);
        Assert.Equal(9, (int?)destination["credentialId"]);
        Assert.Equal(["trip_id"], destination["primaryKeys"]!.AsArray().Select(k => (string?)k));
        Assert.Equal("upsert", (string?)import["existingTableRows"]);
        Assert.Equal("pipe", (string?)import["columnDelimiter"]);
        Assert.Equal("none", (string?)import["compression"]);
        Assert.True((bool?)import["firstRowIsHeader"]);
        Assert.Equal(
            ["trip_id:integer", "bike_type:varchar(32)", "Start Station:text"],
            import["tableColumns"]!.AsArray().Select(c => $"{c!["name"]}:{c["sqlType"]}"));
        Assert.Equal(0L, await ScalarAsync<long>(db.DataSource, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'bikeshare'"));
    }

    [Theory]
    [InlineData(WriteMode.Fail, "fail")]
    [InlineData(WriteMode.Append, "append")]
    [InlineData(WriteMode.Truncate, "truncate")]
    [InlineData(WriteMode.Drop, "drop")]
    public async Task LoadCsvAsync_RedshiftInProduction_MapsWriteModeToExistingTableRows(WriteMode mode, string expected)
    {
        await using var warehouses = Warehouses(dev: false);

        await Loader(warehouses).LoadCsvAsync(Warehouse.Redshift, TableName.Parse("trips"), From("trip_id\n1\n", header: false), mode, Trips, Ct);

        var import = Assert.Single(_api.CsvImportRuns).Import;
        Assert.Equal(expected, (string?)import["existingTableRows"]);
        Assert.Equal("public", (string?)import["destination"]!["schema"]);
        Assert.False((bool?)import["firstRowIsHeader"]);
    }

    [Fact]
    public async Task LoadCsvAsync_RedshiftInProductionGzipStream_UploadsItAsGzip()
    {
        await using var warehouses = Warehouses(dev: false);
        var gzip = Gzip("trip_id,bike_type,Start Station\n1,classic,A\n");
        await CreateTripsAsync();

        await Loader(warehouses).LoadCsvAsync(Warehouse.Redshift, TableName.Parse("trips"), new CsvSource(new NonSeekableStream(gzip)), WriteMode.Append, cancellationToken: Ct);

        var run = Assert.Single(_api.CsvImportRuns);
        Assert.Equal(gzip, run.Files[0]);
        Assert.Equal("gzip", (string?)run.Import["compression"]);
        Assert.Equal("comma", (string?)run.Import["columnDelimiter"]);
        Assert.Null(run.Import["destination"]!["primaryKeys"]);
        Assert.Equal(
            ["trip_id:integer", "bike_type:character varying(32)", "Start Station:text"],
            run.Import["tableColumns"]!.AsArray().Select(c => $"{c!["name"]}:{c["sqlType"]}"));
    }

    [Fact]
    public async Task LoadCsvAsync_CsvAboveMultipartThreshold_UploadsInPartsAndImportsWholeFile()
    {
        await using var warehouses = Warehouses(dev: false);
        var options = _api.CreateClientOptions();
        options.PollInterval = TimeSpan.FromMilliseconds(5);
        options.MultipartThreshold = 64;
        options.MinPartSize = 32;
        var csv = "trip_id,bike_type,Start Station\n" + string.Concat(Enumerable.Range(1, 50).Select(i => $"{i},electric,Station {i}\n"));
        var path = Path.Combine(Path.GetTempPath(), $"aqueduct-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, csv, Ct);
        await CreateTripsAsync();
        try
        {
            var loader = new WarehouseLoader(warehouses, new CivisClient(options), new WarehouseLoaderOptions { RedshiftDatabaseId = 7, CredentialId = 9 });

            await loader.LoadCsvAsync(Warehouse.Redshift, TableName.Parse("trips"), new CsvSource(path), WriteMode.Append, cancellationToken: Ct);
        }
        finally
        {
            File.Delete(path);
        }

        Assert.True(_api.Requests.Count(r => r.Method == "PUT" && r.Path.StartsWith("/_storage/parts/", StringComparison.Ordinal)) > 1);
        Assert.Equal(csv, Encoding.UTF8.GetString(Assert.Single(_api.CsvImportRuns).Files[0]!));
    }

    [Fact]
    public async Task LoadCsvAsync_HeaderInAnotherOrder_SendsTableColumnsInFileOrder()
    {
        await using var warehouses = Warehouses(dev: false);
        var gzip = Gzip("\uFEFFStart Station,trip_id\r\nA,1\r\n");

        await Loader(warehouses).LoadCsvAsync(Warehouse.Redshift, TableName.Parse("trips"), new CsvSource(new MemoryStream(gzip)), WriteMode.Drop, Trips, Ct);

        var import = Assert.Single(_api.CsvImportRuns).Import;
        Assert.Equal(["Start Station:text", "trip_id:integer"], import["tableColumns"]!.AsArray().Select(c => $"{c!["name"]}:{c["sqlType"]}"));
        Assert.Equal(gzip, _api.CsvImportRuns[0].Files[0]);
    }

    [Fact]
    public async Task LoadCsvAsync_HeaderNamesUndeclaredColumn_ThrowsContractErrorBeforeUploading()
    {
        await using var warehouses = Warehouses(dev: false);

        var error = await Assert.ThrowsAsync<TableContractException>(() => Loader(warehouses).LoadCsvAsync(
            Warehouse.Redshift, TableName.Parse("trips"), From("trip_id,\"end station\"\n1,B\n"), WriteMode.Append, Trips, Ct));

        Assert.Contains("\"end station\"", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_api.Requests, IsUpload);
    }

    [Fact]
    public async Task LoadCsvAsync_NoIdsGiven_LooksUpDatabaseAndCredentialOnce()
    {
        await using var warehouses = Warehouses(dev: false);
        var database = await _client.Databases.ListAsync(Ct).FirstAsync(Ct);
        var credential = await _client.Credentials.GetDefaultDatabaseCredentialAsync(Ct);
        var loader = Loader(warehouses, new WarehouseLoaderOptions { RedshiftDatabaseName = database.Name! });
        var lookups = _api.Requests.Count(r => r.Path is "/databases" or "/credentials");
        await CreateTripsAsync();

        await loader.LoadCsvAsync(Warehouse.Redshift, TableName.Parse("trips"), From("trip_id\n1\n"), WriteMode.Append, cancellationToken: Ct);
        await loader.LoadCsvAsync(Warehouse.Redshift, TableName.Parse("trips"), From("trip_id\n2\n"), WriteMode.Append, cancellationToken: Ct);

        Assert.Equal(lookups + 2, _api.Requests.Count(r => r.Path is "/databases" or "/credentials"));
        Assert.Equal(2, _api.CsvImportRuns.Count);
        Assert.All(_api.CsvImportRuns, run =>
        {
            Assert.Equal(database.Id, (int?)run.Import["destination"]!["remoteHostId"]);
            Assert.Equal(credential.Id, (int?)run.Import["destination"]!["credentialId"]);
        });
    }

    [Fact]
    public async Task LoadCsvAsync_ImportRunFails_ThrowsWithRunError()
    {
        await using var warehouses = Warehouses(dev: false);
        await CreateTripsAsync();
        _api.CsvImportHandler = (_, _) => throw new InvalidOperationException("Line 3: value too long for type character varying(32)");

        var error = await Assert.ThrowsAsync<CivisRunFailedException>(() =>
            Loader(warehouses).LoadCsvAsync(Warehouse.Redshift, TableName.Parse("trips"), From("trip_id\n1\n"), WriteMode.Append, cancellationToken: Ct));

        Assert.Equal("failed", error.State);
        Assert.Contains("value too long", error.RunError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadCsvAsync_CancelledWhileImportRuns_CancelsTheRun()
    {
        await using var warehouses = Warehouses(dev: false);
        await CreateTripsAsync();
        var release = new TaskCompletionSource();
        _api.CsvImportHandler = (_, _) => release.Task; // holds the import run in "running"
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var load = Loader(warehouses).LoadCsvAsync(Warehouse.Redshift, TableName.Parse("trips"), From("trip_id\n1\n"), WriteMode.Append, cancellationToken: cancel.Token);
        while (!_api.Requests.Any(r => r.Method == "GET" && r.Path.StartsWith("/imports/files/csv/", StringComparison.Ordinal)))
        {
            await Task.Delay(5, Ct);
        }

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => load);
        release.SetResult();
        var run = Assert.Single(_api.CsvImportRuns);
        Assert.Contains(_api.Requests, r => r.Method == "DELETE" && r.Path == $"/imports/files/csv/{run.ImportId}/runs/{run.RunId}");
    }

    [Fact]
    public async Task LoadCsvAsync_RedshiftInProductionWithoutClient_ThrowsNamingCivisApiKey()
    {
        await using var warehouses = Warehouses(dev: false);
        var loader = new WarehouseLoader(warehouses);

        var error = await Assert.ThrowsAsync<CivisEnvironmentException>(() =>
            loader.LoadCsvAsync(Warehouse.Redshift, TableName.Parse("trips"), From("trip_id\n1\n"), WriteMode.Append, cancellationToken: Ct));

        Assert.Contains("CIVIS_API_KEY", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadCsvAsync_PlatformCannotReadDelimiter_ThrowsBeforeUploading()
    {
        await using var warehouses = Warehouses(dev: false);
        var source = new CsvSource(new MemoryStream("trip_id;x\n"u8.ToArray())) { Delimiter = ';' };

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            Loader(warehouses).LoadCsvAsync(Warehouse.Redshift, TableName.Parse("trips"), source, WriteMode.Append, cancellationToken: Ct));

        Assert.Contains("';'", error.Message, StringComparison.Ordinal);
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task LoadCsvAsync_UpsertTableWithoutPrimaryKey_ThrowsContractErrorBeforeUploading()
    {
        await using var warehouses = Warehouses(dev: false);
        await CreateTripsAsync();

        var error = await Assert.ThrowsAsync<TableContractException>(() =>
            Loader(warehouses).LoadCsvAsync(Warehouse.Redshift, TableName.Parse("trips"), From("trip_id\n1\n"), WriteMode.Upsert, cancellationToken: Ct));

        Assert.Contains("WriteMode.Upsert needs a primary key and the table has none", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_api.Requests, IsUpload);
    }

    [Fact]
    public async Task LoadCsvAsync_InsertIgnoreInProduction_ImportsIntoStagingThenAddsOnlyNewKeys()
    {
        await using var warehouses = Warehouses(dev: false);
        var table = TableName.Parse("insert_ignore_trips");
        await db.DataSource.LoadCsvAsync(table, From("trip_id,bike_type,Start Station\n1,classic,A\n2,classic,B\n"), WriteMode.Fail, Trips, Ct);

        // The fake's import run does what the platform would: create the staging table and copy the uploaded file into it.
        _api.CsvImportHandler = async (run, ct) =>
        {
            var destination = run.Import["destination"]!;
            var stage = new TableName((string?)destination["schema"], (string)destination["table"]!);
            var csv = new CsvSource(new MemoryStream(run.Files[0]!)) { HasHeader = (bool)run.Import["firstRowIsHeader"]! };
            var columns = run.Import["tableColumns"]!.AsArray().Select(c => new ColumnDefinition((string)c!["name"]!, (string)c["sqlType"]!));
            await db.DataSource.LoadCsvAsync(stage, csv, WriteMode.Drop, new TableDefinition(columns), ct);
        };

        var result = await Loader(warehouses).LoadCsvAsync(
            Warehouse.Redshift, table, From("Start Station,trip_id,bike_type\nchanged,2,electric\nC,3,electric\n"), WriteMode.InsertIgnore, Trips, Ct);

        Assert.Equal((2L, 1L, 0L, 1L), (result.RowsRead, result.RowsInserted, result.RowsUpdated, result.RowsSkipped));
        var rows = await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1");
        Assert.Equal(["1|classic|A", "2|classic|B", "3|electric|C"], rows);
        var import = Assert.Single(_api.CsvImportRuns).Import;
        Assert.Equal(["Start Station", "trip_id", "bike_type"], import["tableColumns"]!.AsArray().Select(c => (string?)c!["name"]));
        Assert.StartsWith("aqueduct_stage_", (string?)import["destination"]!["table"], StringComparison.Ordinal);
        Assert.Equal("drop", (string?)import["existingTableRows"]);
        Assert.Equal(0L, await ScalarAsync<long>(db.DataSource, "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'aqueduct_stage_%'"));
    }

    [Fact]
    public async Task LoadCsvAsync_InsertIgnoreInProductionRepeatedNewKey_ThrowsLikeDirectRouteAndLeavesTable()
    {
        await using var warehouses = Warehouses(dev: false);
        var table = TableName.Parse("insert_ignore_repeats");
        await db.DataSource.LoadCsvAsync(table, From("trip_id,bike_type,Start Station\n1,classic,A\n"), WriteMode.Fail, Trips, Ct);
        _api.CsvImportHandler = StageIntoDatabase;

        var error = await Assert.ThrowsAsync<LoadException>(() => Loader(warehouses).LoadCsvAsync(
            Warehouse.Redshift, table, From("trip_id,bike_type,Start Station\n1,electric,again\n3,electric,C\n3,classic,C again\n"), WriteMode.InsertIgnore, Trips, Ct));

        Assert.Contains("(trip_id) = (3) appears more than once", error.Message, StringComparison.Ordinal);
        Assert.Equal(table, error.Table);
        Assert.Equal(["1|classic|A"], await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));
        Assert.Equal(0L, await ScalarAsync<long>(db.DataSource, "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'aqueduct_stage_%'"));
    }

    private async Task StageIntoDatabase(FakeCsvImportRun run, CancellationToken ct)
    {
        var destination = run.Import["destination"]!;
        var stage = new TableName((string?)destination["schema"], (string)destination["table"]!);
        var csv = new CsvSource(new MemoryStream(run.Files[0]!)) { HasHeader = (bool)run.Import["firstRowIsHeader"]! };
        var columns = run.Import["tableColumns"]!.AsArray().Select(c => new ColumnDefinition((string)c!["name"]!, (string)c["sqlType"]!));
        await db.DataSource.LoadCsvAsync(stage, csv, WriteMode.Drop, new TableDefinition(columns), ct);
    }

    [Fact]
    public async Task LoadCsvAsync_InsertIgnoreImportFails_LeavesTableAndDropsStaging()
    {
        await using var warehouses = Warehouses(dev: false);
        var table = TableName.Parse("insert_ignore_failed");
        await db.DataSource.LoadCsvAsync(table, From("trip_id,bike_type,Start Station\n1,classic,A\n"), WriteMode.Fail, Trips, Ct);
        _api.CsvImportHandler = async (run, ct) =>
        {
            var destination = run.Import["destination"]!;
            await ExecuteAsync(db.DataSource, $"CREATE TABLE {new TableName((string?)destination["schema"], (string)destination["table"]!)} (trip_id integer)");
            throw new InvalidOperationException("Line 2: invalid input syntax for type integer");
        };

        var error = await Assert.ThrowsAsync<CivisRunFailedException>(() => Loader(warehouses).LoadCsvAsync(
            Warehouse.Redshift, table, From("trip_id,bike_type,Start Station\nx,electric,C\n"), WriteMode.InsertIgnore, Trips, Ct));

        Assert.Contains("invalid input syntax", error.RunError, StringComparison.Ordinal);
        Assert.Equal(["1|classic|A"], await RowsAsync(db.DataSource, $"SELECT * FROM {table}"));
        Assert.Equal(0L, await ScalarAsync<long>(db.DataSource, "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'aqueduct_stage_%'"));
    }

    [Fact]
    public async Task ExportCsvAsync_RedshiftInProduction_RunsSqlScriptAndStreamsPlainCsv()
    {
        await using var warehouses = Warehouses(dev: false);
        _api.SqlExportHandler = null; // serves SqlExportCsv
        _api.SqlExportCsv = "a|b\n1|x\n2|\"y\nz\"\n";
        using var output = new MemoryStream();

        var rows = await Loader(warehouses).ExportCsvAsync(Warehouse.Redshift, "SELECT a, b FROM t", output, new CsvExportOptions { Delimiter = '|' }, Ct);

        Assert.Equal(2L, rows);
        Assert.Equal(_api.SqlExportCsv, Encoding.UTF8.GetString(output.ToArray()));
        var script = JsonNode.Parse(Assert.Single(ApiCalls(), r => r.Method == "POST" && r.Path == "/scripts/sql").Body)!;
        Assert.Equal("SELECT a, b FROM t", (string?)script["sql"]);
        Assert.Equal(7, (int?)script["remoteHostId"]);
        Assert.Equal(9, (int?)script["credentialId"]);
        Assert.Equal("gzip", (string?)script["csvSettings"]!["compression"]);
        Assert.Equal("pipe", (string?)script["csvSettings"]!["columnDelimiter"]);
        Assert.True((bool?)script["csvSettings"]!["includeHeader"]);
    }

    [Fact]
    public async Task ExportCsvAsync_GzipRequested_PassesPlatformGzipThrough()
    {
        await using var warehouses = Warehouses(dev: false);
        _api.SqlExportHandler = null; // serves SqlExportCsv
        _api.SqlExportCsv = "a,b\n1,x\n";
        using var output = new MemoryStream();

        var rows = await Loader(warehouses).ExportCsvAsync(Warehouse.Redshift, "SELECT 1", output, new CsvExportOptions { Compression = CsvCompression.Gzip }, Ct);

        Assert.Equal(1L, rows);
        var served = _api.Requests.Last(r => r.Path.StartsWith("/_storage/files/", StringComparison.Ordinal)).Path.Split('/')[^1];
        Assert.Equal(_api.GetFileContent(int.Parse(served, System.Globalization.CultureInfo.InvariantCulture)), output.ToArray());
        Assert.Equal("a,b\n1,x\n", Gunzip(output.ToArray()));
    }

    [Fact]
    public async Task ExportCsvAsync_PlatformServesPlainAndGzipRequested_Compresses()
    {
        await using var warehouses = Warehouses(dev: false);
        _api.SqlExportCompression = "none";
        _api.SqlExportHandler = null; // serves SqlExportCsv
        _api.SqlExportCsv = "a\n1\n2\n3\n";
        var path = Path.Combine(Path.GetTempPath(), $"aqueduct-{Guid.NewGuid():N}.csv.gz");
        try
        {
            var rows = await Loader(warehouses).ExportCsvAsync(Warehouse.Redshift, "SELECT 1", path, cancellationToken: Ct);

            Assert.Equal(3L, rows);
            Assert.Equal("a\n1\n2\n3\n", Gunzip(await File.ReadAllBytesAsync(path, Ct)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ExportCsvAsync_SqlRunFails_ThrowsWithRunError()
    {
        await using var warehouses = Warehouses(dev: false);
        _api.RunOutcome = FakeRunOutcome.Failed("relation \"t\" does not exist");

        var error = await Assert.ThrowsAsync<CivisRunFailedException>(() =>
            Loader(warehouses).ExportCsvAsync(Warehouse.Redshift, "SELECT * FROM t", Stream.Null, cancellationToken: Ct));

        Assert.Contains("does not exist", error.RunError, StringComparison.Ordinal);
    }

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var zip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            zip.Write(Encoding.UTF8.GetBytes(text));
        }

        return buffer.ToArray();
    }

    private static string Gunzip(byte[] data)
    {
        using var zip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var reader = new StreamReader(zip);
        return reader.ReadToEnd();
    }

    /// <summary>A stream that cannot seek, like a network response.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
