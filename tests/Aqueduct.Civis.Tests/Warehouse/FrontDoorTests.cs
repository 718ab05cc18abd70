using System.Text;
using System.Text.Json.Nodes;
using Aqueduct.Civis.Testing;
using Aqueduct.Civis.Tests.Infrastructure;
using Npgsql;
using static Aqueduct.Civis.Tests.Data.TestCsv;
using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Warehouse;

using Warehouse = Aqueduct.Civis.Warehouse;

/// <summary>The "done when": one job body, unchanged, in DEV, in production, and on a laptop through the platform.</summary>
public sealed class FrontDoorTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>, IAsyncLifetime
{
    private static readonly TableDefinition Trips = new([new("trip_id", "integer", nullable: false), new("bike_type", "text")], ["trip_id"]);

    private FakeCivisApi _api = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _api = await FakeCivisApi.StartAsync(cancellationToken: Ct);

        // The fake platform does the work against this class's database: imports load the uploaded CSV, SQL exports run the query.
        _api.CsvImportHandler = ImportInto(db.DataSource);
        _api.SqlExportHandler = RunOn(db.DataSource);
    }

    public async ValueTask DisposeAsync() => await _api.DisposeAsync();

    /// <summary>
    /// The job, written once: load a CSV into both warehouses, merge a second CSV and typed rows on the table's own key (no
    /// definition: the catalog's key on every route), export a query from each to a file, read typed rows from each.
    /// </summary>
    private static async Task<(string Exported, List<DoorTrip> Rows)> JobBodyAsync(CivisWarehouse postgres, CivisWarehouse redshift, string suffix, CancellationToken ct)
    {
        const string Csv = "trip_id,bike_type\n1,electric\n2,classic\n";
        var exported = new StringBuilder();
        var rows = new List<DoorTrip>();
        foreach (var (door, table) in new[] { (postgres, $"door_pg_{suffix}"), (redshift, $"door_rs_{suffix}") })
        {
            await door.LoadCsvAsync(TableName.Parse(table), From(Csv), WriteMode.Drop, Trips, ct);
            await door.LoadCsvAsync(TableName.Parse(table), From("bike_type,trip_id\ncargo,2\n"), WriteMode.Upsert, cancellationToken: ct);
            await door.LoadAsync(TableName.Parse(table), [new DoorTrip { TripId = 3, BikeType = "smart" }], WriteMode.Upsert, cancellationToken: ct);

            var path = Path.Combine(Path.GetTempPath(), $"door-{suffix}-{Guid.NewGuid():N}.csv");
            try
            {
                await door.ExportCsvAsync($"SELECT trip_id, bike_type FROM {table} ORDER BY trip_id", path, cancellationToken: ct);
                exported.Append(await File.ReadAllTextAsync(path, ct));
            }
            finally
            {
                File.Delete(path);
            }

            rows.AddRange(await door.QueryAsync<DoorTrip>($"SELECT trip_id, bike_type FROM {table} ORDER BY trip_id", ct).ToListAsync(ct));
        }

        return (exported.ToString(), rows);
    }

    private (string, string?)[] Uris() => [("POSTGRES_URI", db.ConnectionString), ("REDSHIFT_URI", db.ConnectionString)];

    private static WarehouseOptions NoTls => new() { ConfigureDataSource = static (_, b) => b.ConnectionStringBuilder.SslMode = SslMode.Disable };

    private async Task AssertJobResultAsync((string Exported, List<DoorTrip> Rows) result, string suffix)
    {
        const string Exported = "trip_id,bike_type\n1,electric\n2,cargo\n3,smart\n";
        Assert.Equal(Exported + Exported, result.Exported);
        (int, string)[] expected = [(1, "electric"), (2, "cargo"), (3, "smart")];
        Assert.Equal([.. expected, .. expected], result.Rows.Select(r => (r.TripId, r.BikeType)));
        Assert.Equal(["1|electric", "2|cargo", "3|smart"], await RowsAsync(db.DataSource, $"SELECT * FROM door_pg_{suffix} ORDER BY 1"));
        Assert.Equal(["1|electric", "2|cargo", "3|smart"], await RowsAsync(db.DataSource, $"SELECT * FROM door_rs_{suffix} ORDER BY 1"));
    }

    [Fact]
    public async Task JobBody_DevAgainstLocalWarehouse_RunsDirectWithoutApi()
    {
        await using var warehouses = new WarehouseConnectionFactory(Create([("DEV", "1"), .. Uris()]));
        var (postgres, redshift) = (warehouses.GetWarehouse(Warehouse.Postgres), warehouses.GetWarehouse(Warehouse.Redshift));

        var result = await JobBodyAsync(postgres, redshift, "dev", Ct);

        await AssertJobResultAsync(result, "dev");
        Assert.Equal((WarehouseRoute.Copy, WarehouseRoute.Copy), (postgres.Route, redshift.Route));
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task JobBody_ProductionAgainstFakeApi_LoadsPostgresDirectAndRedshiftThroughPlatform()
    {
        await using var warehouses = new WarehouseConnectionFactory(Create([.. Uris(), ("REDSHIFT_ID", "7"), ("REDSHIFT_CREDENTIAL_ID", "9")]), NoTls);
        var client = new CivisClient(_api.CreateClientOptions());
        var (postgres, redshift) = (warehouses.GetWarehouse(Warehouse.Postgres, client), warehouses.GetWarehouse(Warehouse.Redshift, client));

        var result = await JobBodyAsync(postgres, redshift, "prod", Ct);

        await AssertJobResultAsync(result, "prod");
        Assert.Equal((WarehouseRoute.Copy, WarehouseRoute.CivisPlatform), (postgres.Route, redshift.Route));
        // Redshift's three loads are imports (drop, upsert of the CSV, upsert of the typed rows); Postgres's are direct.
        Assert.Equal(["drop", "upsert", "upsert"], _api.CsvImportRuns.Select(r => (string?)r.Import["existingTableRows"]));
        Assert.All(_api.CsvImportRuns, run => Assert.Equal(
            ("door_rs_prod", 7, 9), ((string?)run.Import["destination"]!["table"], (int?)run.Import["destination"]!["remoteHostId"], (int?)run.Import["destination"]!["credentialId"])));
        Assert.Equal(["trip_id"], _api.CsvImportRuns[1].Import["destination"]!["primaryKeys"]!.AsArray().Select(k => (string?)k));
        Assert.DoesNotContain(_api.Requests, r => r.Path == "/databases");
    }

    [Fact]
    public async Task JobBody_LaptopWithPlatformRoute_ReadsAndWritesBothWarehousesThroughApi()
    {
        var lookup = new CivisClient(_api.CreateClientOptions());
        var database = await lookup.Databases.ListAsync(Ct).FirstAsync(Ct);

        // No connection settings at all: everything goes through the API.
        await using var warehouses = new WarehouseConnectionFactory(Create(
            ("DEV", "1"), ("AQUEDUCT_WAREHOUSE_ROUTE", "platform"), ("AQUEDUCT_POSTGRES_DATABASE_NAME", database.Name), ("REDSHIFT_ID", "7")));
        var client = new CivisClient(_api.CreateClientOptions());
        var (postgres, redshift) = (warehouses.GetWarehouse(Warehouse.Postgres, client), warehouses.GetWarehouse(Warehouse.Redshift, client));

        var result = await JobBodyAsync(postgres, redshift, "laptop", Ct);

        await AssertJobResultAsync(result, "laptop");
        Assert.Equal((WarehouseRoute.CivisPlatform, WarehouseRoute.CivisPlatform), (postgres.Route, redshift.Route));
        Assert.Equal([database.Id, database.Id, database.Id, 7, 7, 7], _api.CsvImportRuns.Select(r => (int?)r.Import["destination"]!["remoteHostId"]));
        Assert.Equal(4, _api.Requests.Count(r => r.Method == "POST" && r.Path == "/scripts/sql" && !r.Body.Contains("information_schema", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task JobBody_ThroughJobHostInProduction_GetsFrontDoorsFromContext()
    {
        (string Exported, List<DoorTrip> Rows) result = default;
        var routes = new List<WarehouseRoute>();
        using var errors = new StringWriter();

        var exitCode = await CivisJob.RunAsync(
            [],
            async (job, ct) =>
            {
                result = await JobBodyAsync(job.Postgres, job.Redshift, "host", ct);
                routes.AddRange([job.GetWarehouse(Warehouse.Postgres).Route, job.GetWarehouse(Warehouse.Redshift).Route]);
                Assert.Same(job.Redshift, job.GetWarehouse(Warehouse.Redshift));
            },
            options =>
            {
                options.Environment = Create([.. Uris(), ("REDSHIFT_ID", "7"), ("CIVIS_API_KEY", _api.ApiKey), ("CIVIS_API_ENDPOINT", _api.BaseAddress.ToString())]);
                options.Output = TextWriter.Null;
                options.ErrorOutput = errors;
                options.HandleShutdownSignals = false;
            },
            Ct);

        Assert.True(exitCode == CivisJobExitCodes.Success, errors.ToString());
        await AssertJobResultAsync(result, "host");
        Assert.Equal([WarehouseRoute.Copy, WarehouseRoute.CivisPlatform], routes);
        Assert.Equal([7, 7, 7], _api.CsvImportRuns.Select(r => (int?)r.Import["destination"]!["remoteHostId"]));
    }

    [Fact]
    public async Task GetWarehouse_PlatformRouteWithoutIdOrName_ThrowsNamingBothVariables()
    {
        await using var warehouses = new WarehouseConnectionFactory(Create(("AQUEDUCT_WAREHOUSE_ROUTE", "platform")));
        var client = new CivisClient(_api.CreateClientOptions());

        var error = await Assert.ThrowsAsync<CivisEnvironmentException>(() =>
            warehouses.GetWarehouse(Warehouse.Postgres, client).LoadCsvAsync(TableName.Parse("t"), From("a\n1\n"), WriteMode.Append, cancellationToken: Ct));

        Assert.Equal(["POSTGRES_ID", "AQUEDUCT_POSTGRES_DATABASE_NAME"], error.VariableNames);
        Assert.DoesNotContain(_api.Requests, IsUpload);
    }

    [Fact]
    public async Task GetWarehouse_UnknownRouteValue_ThrowsNamingVariable()
    {
        await using var warehouses = new WarehouseConnectionFactory(Create(("AQUEDUCT_WAREHOUSE_ROUTE", "sideways")));

        var error = Assert.Throws<CivisEnvironmentException>(() => warehouses.GetWarehouse(Warehouse.Redshift));

        Assert.Contains("'sideways'", error.Message, StringComparison.Ordinal);
        Assert.Equal(["AQUEDUCT_WAREHOUSE_ROUTE"], error.VariableNames);
    }

    [Fact]
    public async Task LoadCsvAsync_DirectUpsertDefinitionKeyDiffersFromTables_ThrowsNamingBothKeys()
    {
        await using var warehouses = new WarehouseConnectionFactory(Create([("DEV", "1"), .. Uris()]));
        var table = TableName.Parse("door_keys");
        await db.DataSource.LoadCsvAsync(table, From("trip_id,bike_type\n1,a\n"), WriteMode.Drop, Trips, Ct);
        var otherKey = new TableDefinition([new("trip_id", "integer", nullable: false), new("bike_type", "text")], ["bike_type"]);

        var error = await Assert.ThrowsAsync<TableContractException>(() =>
            warehouses.GetWarehouse(Warehouse.Postgres).LoadCsvAsync(table, From("trip_id,bike_type\n2,a\n"), WriteMode.Upsert, otherKey, Ct));

        Assert.Contains("primary key (trip_id)", error.Message, StringComparison.Ordinal);
        Assert.Contains("(bike_type)", error.Message, StringComparison.Ordinal);
        Assert.Equal(["1|a"], await RowsAsync(db.DataSource, $"SELECT * FROM {table}"));
    }

    [Fact]
    public async Task QueryAsync_ValueDoesNotFitProperty_ThrowsNamingLineColumnAndProperty()
    {
        await using var warehouses = new WarehouseConnectionFactory(Create([("DEV", "1"), .. Uris()]));

        var error = await Assert.ThrowsAsync<FormatException>(async () =>
            await warehouses.GetWarehouse(Warehouse.Postgres).QueryAsync<DoorTrip>("SELECT * FROM (VALUES (1, 'a'), (NULL, 'b')) v(trip_id, bike_type)", Ct).ToListAsync(Ct));

        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("DoorTrip.TripId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryAsync_QuotedEmptyAndNull_ReadAsEmptyStringAndNull()
    {
        await using var warehouses = new WarehouseConnectionFactory(Create([("DEV", "1"), .. Uris()]));

        var rows = await warehouses.GetWarehouse(Warehouse.Redshift).QueryAsync<DoorTrip>(
            "SELECT * FROM (VALUES (1, ''), (2, NULL), (3, 'line\nbreak, \"quoted\"')) v(trip_id, bike_type)", Ct).ToListAsync(Ct);

        Assert.Equal([(1, ""), (2, null), (3, "line\nbreak, \"quoted\"")], rows.Select(r => (r.TripId, r.BikeType)));
    }

    [Fact]
    public async Task LoadCsvAsync_PlatformUpsertRepeatedKey_ThrowsLikeDirectRouteBeforeUploading()
    {
        await using var warehouses = new WarehouseConnectionFactory(Create(("AQUEDUCT_WAREHOUSE_ROUTE", "platform"), ("REDSHIFT_ID", "7"), ("REDSHIFT_CREDENTIAL_ID", "9")));
        var client = new CivisClient(_api.CreateClientOptions());
        var table = TableName.Parse("door_upsert_repeats");

        var error = await Assert.ThrowsAsync<LoadException>(() => warehouses.GetWarehouse(Warehouse.Redshift, client).LoadCsvAsync(
            table, From("bike_type,trip_id\na,1\n\"b\nc\",2\nd,1\n"), WriteMode.Upsert, Trips, Ct));

        Assert.Contains("key (trip_id) = (1) appears more than once in the source", error.Message, StringComparison.Ordinal);
        Assert.Equal(5L, error.Line);
        Assert.DoesNotContain(_api.Requests, IsUpload);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task LoadCsvAsync_HeaderWithUnclosedQuote_ThrowsSameLoadExceptionOnBothRoutes(bool platform)
    {
        await using var warehouses = new WarehouseConnectionFactory(Create(
            [("DEV", "1"), .. Uris(), ("AQUEDUCT_WAREHOUSE_ROUTE", platform ? "platform" : "direct"), ("POSTGRES_ID", "5"), ("POSTGRES_CREDENTIAL_ID", "9")]));
        var client = new CivisClient(_api.CreateClientOptions());

        var error = await Assert.ThrowsAsync<LoadException>(() => warehouses.GetWarehouse(Warehouse.Postgres, client).LoadCsvAsync(
            TableName.Parse("door_bad_header"), From("trip_id,\"bike_type\n1,a\n"), WriteMode.Drop, Trips, Ct));

        Assert.Contains("The header line has an unclosed double quote.", error.Message, StringComparison.Ordinal);
        Assert.Contains("while reading the source's columns", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_api.Requests, IsUpload);
    }

    [Fact]
    public async Task LoadAsync_TypedRowsThroughPlatform_UploadsCsvOfTheRows()
    {
        await using var warehouses = new WarehouseConnectionFactory(Create([("AQUEDUCT_WAREHOUSE_ROUTE", "platform"), ("POSTGRES_ID", "5"), ("POSTGRES_CREDENTIAL_ID", "9")]));
        var client = new CivisClient(_api.CreateClientOptions());

        await warehouses.GetWarehouse(Warehouse.Postgres, client).LoadAsync(
            TableName.Parse("door_typed"), [new DoorTrip { TripId = 1, BikeType = "e\"bike" }, new DoorTrip { TripId = 2 }], WriteMode.Drop, Trips, Ct);

        Assert.Equal("\"trip_id\",\"bike_type\"\n\"1\",\"e\"\"bike\"\n\"2\",\n", Encoding.UTF8.GetString(Assert.Single(_api.CsvImportRuns).Files[0]!));
        Assert.Equal(["1|e\"bike", "2|NULL"], await RowsAsync(db.DataSource, "SELECT * FROM door_typed ORDER BY 1"));
    }
}

/// <summary>A row of the front door's tests.</summary>
public sealed class DoorTrip
{
    /// <summary>The trip's id.</summary>
    public int TripId { get; set; }

    /// <summary>The bike's type.</summary>
    public string? BikeType { get; set; }
}
