using System.Text.RegularExpressions;
using Aqueduct.Civis.Testing;
using Aqueduct.Civis.Tests.Data;
using Aqueduct.Civis.Tests.Infrastructure;
using static Aqueduct.Civis.Tests.Data.TestCsv;
using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Warehouse;

using Warehouse = Aqueduct.Civis.Warehouse;

/// <summary>
/// The same load through both routes of the Postgres front door, against the same local database: the direct route's COPY,
/// and the platform route through FakeCivisApi (its imports load the uploaded file here, its SQL scripts run here). Each
/// test runs one input through both and asserts both the outcome and that the two routes agree.
/// </summary>
public sealed partial class SharedDecisionsTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>, IAsyncLifetime
{
    private const string Table = "shared_trips";

    private static readonly TableDefinition Trips = new([new("trip_id", "integer", nullable: false), new("bike_type", "text")], ["trip_id"]);

    private FakeCivisApi _api = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _api = await FakeCivisApi.StartAsync(cancellationToken: Ct);

        // What the platform does with an import, here: load the uploaded file with the import's mode, columns and keys.
        _api.CsvImportHandler = ImportInto(db.DataSource);
        _api.SqlExportHandler = RunOn(db.DataSource);
    }

    public async ValueTask DisposeAsync() => await _api.DisposeAsync();

    // ------------------------------------------------------------------ the primary key, the contract check, column order

    [Fact]
    public async Task LoadCsvAsync_UpsertWithoutDefinition_BothRoutesMergeOnTheTablesKey()
    {
        await AssertSameOnBothRoutesAsync(
            "CREATE TABLE shared_trips (trip_id integer PRIMARY KEY, bike_type text); INSERT INTO shared_trips VALUES (1, 'old'), (2, 'kept')",
            door => door.LoadCsvAsync(TableName.Parse(Table), From("bike_type,trip_id\nnew,1\nadded,3\n"), WriteMode.Upsert, cancellationToken: Ct),
            "1|new\n2|kept\n3|added");

        // The platform was told the catalog's key, which no definition named.
        Assert.Equal(["trip_id"], Assert.Single(_api.CsvImportRuns).Import["destination"]!["primaryKeys"]!.AsArray().Select(k => (string?)k));
    }

    [Fact]
    public async Task LoadCsvAsync_UpsertDefinitionDeclaresAnotherKey_BothRoutesThrowContractErrorNamingBoth()
    {
        var otherKey = new TableDefinition([new("trip_id", "integer", nullable: false), new("bike_type", "text")], ["bike_type"]);

        await AssertSameOnBothRoutesAsync(
            "CREATE TABLE shared_trips (trip_id integer PRIMARY KEY, bike_type text); INSERT INTO shared_trips VALUES (1, 'a')",
            door => door.LoadCsvAsync(TableName.Parse(Table), From("trip_id,bike_type\n2,b\n"), WriteMode.Upsert, otherKey, Ct),
            "TableContractException: The source does not match table \"shared_trips\" (1 mismatch):\n- the table's primary key (trip_id) is not the definition's (bike_type)");
        Assert.Empty(_api.CsvImportRuns);
    }

    [Fact]
    public async Task LoadCsvAsync_UpsertKeyRepeatedInFile_BothRoutesThrowNamingKeyAndLeaveTable()
    {
        await AssertSameOnBothRoutesAsync(
            "CREATE TABLE shared_trips (trip_id integer PRIMARY KEY, bike_type text); INSERT INTO shared_trips VALUES (9, 'a')",
            door => door.LoadCsvAsync(TableName.Parse(Table), From("trip_id,bike_type\n1,a\n2,\"b\nc\"\n1,d\n"), WriteMode.Upsert, cancellationToken: Ct),
            "LoadException: Loading CSV stream into table \"shared_trips\" failed while checking for repeated keys: " +
            "key (trip_id) appears more than once in the source; WriteMode.Upsert takes each key once. The table is unchanged.");
        Assert.Empty(_api.CsvImportRuns);
    }

    [Fact]
    public async Task LoadCsvAsync_InsertIgnoreWithoutDefinition_BothRoutesAddOnlyNewKeysOfTheTablesKey()
    {
        await AssertSameOnBothRoutesAsync(
            "CREATE TABLE shared_trips (trip_id integer PRIMARY KEY, bike_type text); INSERT INTO shared_trips VALUES (1, 'old')",
            door => door.LoadCsvAsync(TableName.Parse(Table), From("bike_type,trip_id\nchanged,1\nnew,2\n"), WriteMode.InsertIgnore, cancellationToken: Ct),
            "1|old\n2|new");
    }

    [Fact]
    public async Task LoadCsvAsync_HeaderNamesColumnNotInTable_BothRoutesThrowTheSameContractError()
    {
        await AssertSameOnBothRoutesAsync(
            "CREATE TABLE shared_trips (trip_id integer, \"Start Station\" text)",
            door => door.LoadCsvAsync(TableName.Parse(Table), From("trip_id,start_station\n1,A\n"), WriteMode.Append, cancellationToken: Ct),
            "TableContractException: The source does not match table \"shared_trips\" (1 mismatch):\n- column \"start_station\" is in the source but not in the table (the table has \"Start Station\")");
        Assert.Empty(_api.CsvImportRuns);
    }

    [Fact]
    public async Task LoadCsvAsync_TableMissingWithoutDefinition_BothRoutesThrowTheSameError()
    {
        await AssertSameOnBothRoutesAsync(
            string.Empty,
            door => door.LoadCsvAsync(TableName.Parse(Table), From("trip_id\n1\n"), WriteMode.Append, cancellationToken: Ct),
            "InvalidOperationException: Table \"shared_trips\" does not exist; pass a TableDefinition to create it.");
        Assert.Empty(_api.CsvImportRuns);
    }

    [Fact]
    public async Task LoadCsvAsync_HeaderInAnotherOrderThanTable_BothRoutesLoadColumnsByName()
    {
        await AssertSameOnBothRoutesAsync(
            "CREATE TABLE shared_trips (trip_id integer, bike_type text, note text DEFAULT 'none')",
            door => door.LoadCsvAsync(TableName.Parse(Table), From("bike_type,trip_id\nelectric,1\nclassic,2\n"), WriteMode.Append, cancellationToken: Ct),
            "1|electric|none\n2|classic|none");
    }

    [Fact]
    public async Task LoadCsvAsync_NoHeaderExistingTableNoDefinition_BothRoutesTakeTheTablesColumnOrder()
    {
        await AssertSameOnBothRoutesAsync(
            "CREATE TABLE shared_trips (trip_id integer, bike_type varchar(20))",
            door => door.LoadCsvAsync(TableName.Parse(Table), From("1,electric\n2,classic\n", header: false), WriteMode.Append, cancellationToken: Ct),
            "1|electric\n2|classic");
        Assert.Equal(
            ["trip_id:integer", "bike_type:character varying(20)"],
            Assert.Single(_api.CsvImportRuns).Import["tableColumns"]!.AsArray().Select(c => $"{c!["name"]}:{c["sqlType"]}"));
    }

    [Fact]
    public async Task LoadCsvAsync_MissingNotNullColumn_BothRoutesThrowTheSameContractError()
    {
        await AssertSameOnBothRoutesAsync(
            string.Empty,
            door => door.LoadCsvAsync(TableName.Parse(Table), From("bike_type\nelectric\n"), WriteMode.Drop, Trips, Ct),
            "TableContractException: The source does not match table \"shared_trips\" (1 mismatch):\n- column \"trip_id\" (integer NOT NULL, no default) is in the table but not in the source");
    }

    [Fact]
    public async Task LoadAsync_TypedRowsWithoutDefinition_BothRoutesMatchFieldsToTheTablesColumnsAndMergeOnItsKey()
    {
        await AssertSameOnBothRoutesAsync(
            "CREATE TABLE shared_trips (trip_id integer PRIMARY KEY, \"BikeType\" text); INSERT INTO shared_trips VALUES (1, 'old')",
            door => door.LoadAsync(TableName.Parse(Table), [new DoorTrip { TripId = 1, BikeType = "new" }, new DoorTrip { TripId = 2 }], WriteMode.Upsert, cancellationToken: Ct),
            "1|new\n2|NULL");
    }

    [Fact]
    public async Task LoadAsync_TypedRowsTypeDoesNotFitColumn_BothRoutesThrowTheSameContractError()
    {
        await AssertSameOnBothRoutesAsync(
            "CREATE TABLE shared_trips (trip_id date, bike_type text)",
            door => door.LoadAsync(TableName.Parse(Table), [new DoorTrip { TripId = 1, BikeType = "a" }], WriteMode.Append, cancellationToken: Ct),
            "TableContractException: The source does not match table \"shared_trips\" (1 mismatch):\n- column \"trip_id\" is Int32 in the source but date in the table");
        Assert.Empty(_api.CsvImportRuns);
    }

    // ------------------------------------------------------------------ the byte order mark, gzip and the header

    [Fact]
    public async Task LoadCsvAsync_HeaderWithByteOrderMark_BothRoutesSkipIt()
    {
        await AssertSameOnBothRoutesAsync(
            string.Empty,
            door => door.LoadCsvAsync(TableName.Parse(Table), From("\uFEFFtrip_id,bike_type\r\n1,a\r\n"), WriteMode.Drop, Trips, Ct),
            "1|a");
    }

    [Fact]
    public async Task LoadCsvAsync_GzipWithByteOrderMarkNotNamedGzip_BothRoutesDetectAndDecompress()
    {
        var gzip = Gzip("\uFEFFbike_type,trip_id\n\"x, y\",1\n");

        await AssertSameOnBothRoutesAsync(
            string.Empty,
            door => door.LoadCsvAsync(TableName.Parse(Table), new CsvSource(new TrickleStream(gzip)), WriteMode.Drop, Trips, Ct),
            "1|x, y",
            "trip_id, bike_type");
        Assert.Equal("gzip", (string?)Assert.Single(_api.CsvImportRuns).Import["compression"]);
    }

    [Fact]
    public async Task LoadCsvAsync_QuotedHeaderNamesWithCommaAndNewline_BothRoutesReadThemAsNames()
    {
        var odd = new TableDefinition([new("trip, id", "integer"), new("bike\ntype", "text")]);

        await AssertSameOnBothRoutesAsync(
            string.Empty,
            door => door.LoadCsvAsync(TableName.Parse(Table), From("\"bike\ntype\",\"trip, id\"\n\"a\"\"b\",1\n"), WriteMode.Drop, odd, Ct),
            "1|a\"b",
            "\"trip, id\", \"bike\ntype\"");
    }

    [Fact]
    public async Task LoadCsvAsync_HeaderLongerThanReadBuffers_BothRoutesReadItWhole()
    {
        // 300 KB: longer than the direct route's 256 KiB buffer and the platform's 80 KiB one; the name is not the table's.
        var name = new string('x', 300_000);

        await AssertSameOnBothRoutesAsync(
            "CREATE TABLE shared_trips (trip_id integer)",
            door => door.LoadCsvAsync(TableName.Parse(Table), From($"trip_id,{name}\n1,a\n"), WriteMode.Append, cancellationToken: Ct),
            $"TableContractException: The source does not match table \"shared_trips\" (1 mismatch):\n- column \"{name}\" is in the source but not in the table");
    }

    [Fact]
    public async Task LoadCsvAsync_HeaderLongerThanLimit_BothRoutesThrowTheSameLoadException()
    {
        var huge = new string('x', CsvFiles.MaxHeaderBytes + 10);

        await AssertSameOnBothRoutesAsync(
            string.Empty,
            door => door.LoadCsvAsync(TableName.Parse(Table), From($"trip_id,{huge}\n1,a\n"), WriteMode.Drop, Trips, Ct),
            "LoadException: Loading CSV stream into table \"shared_trips\" failed while reading the source's columns: The header line is longer than 1 MiB: " +
            "no line end was found (set HasHeader = false for a CSV without a header). The table is unchanged.");
    }

    [Theory]
    [InlineData("trip_id,\"bike_type\n1,a\n", "The header line has an unclosed double quote.")]
    [InlineData("", "The CSV has no header line (set HasHeader = false for a CSV without one).")]
    [InlineData("\uFEFF", "The CSV has no header line (set HasHeader = false for a CSV without one).")]
    [InlineData("\n1,a\n", "The CSV has no header line (set HasHeader = false for a CSV without one).")]
    public async Task LoadCsvAsync_TruncatedOrMissingHeader_BothRoutesThrowTheSameLoadException(string csv, string reason)
    {
        await AssertSameOnBothRoutesAsync(
            string.Empty,
            door => door.LoadCsvAsync(TableName.Parse(Table), From(csv), WriteMode.Drop, Trips, Ct),
            $"LoadException: Loading CSV stream into table \"shared_trips\" failed while reading the source's columns: {reason} The table is unchanged.");
        Assert.DoesNotContain(_api.Requests, IsUpload);
    }

    [Fact]
    public async Task LoadCsvAsync_HeaderWithoutLineEndAtEnd_BothRoutesLoadNoRows()
    {
        await AssertSameOnBothRoutesAsync(
            string.Empty,
            door => door.LoadCsvAsync(TableName.Parse(Table), From("trip_id,bike_type"), WriteMode.Drop, Trips, Ct),
            string.Empty);
    }

    // ------------------------------------------------------------------ the two runs

    /// <summary>Runs a load on the direct route and on the platform route, each on a freshly set-up table, and compares.</summary>
    /// <param name="setupSql">The SQL that sets the table up before each run (after dropping it).</param>
    /// <param name="load">The load, as a job writes it.</param>
    /// <param name="expected">The outcome: the table's rows (<c>a|b</c> lines), or the error's type and message without a line number.</param>
    /// <param name="columns">The columns to compare, in this order (a table the platform creates has the file's column order).</param>
    private async Task AssertSameOnBothRoutesAsync(string setupSql, Func<CivisWarehouse, Task> load, string expected, string columns = "*")
    {
        var direct = await OutcomeAsync(platform: false, setupSql, load, columns);
        var platform = await OutcomeAsync(platform: true, setupSql, load, columns);

        Assert.Equal(expected, direct);
        Assert.Equal(direct, platform);
    }

    private async Task<string> OutcomeAsync(bool platform, string setupSql, Func<CivisWarehouse, Task> load, string columns)
    {
        await ExecuteAsync(db.DataSource, $"DROP TABLE IF EXISTS {Table}; {setupSql}");
        await using var warehouses = new WarehouseConnectionFactory(Create(
            ("DEV", "1"), ("POSTGRES_URI", db.ConnectionString), ("AQUEDUCT_WAREHOUSE_ROUTE", platform ? "platform" : "direct"),
            ("POSTGRES_ID", "5"), ("POSTGRES_CREDENTIAL_ID", "9")));
        var door = warehouses.GetWarehouse(Warehouse.Postgres, new CivisClient(_api.CreateClientOptions()));
        Assert.Equal(platform ? WarehouseRoute.CivisPlatform : WarehouseRoute.Copy, door.Route);
        try
        {
            await load(door);
        }
        catch (Exception e) when (e is LoadException or TableContractException or InvalidOperationException)
        {
            // The platform names the line and the value of a repeated key; the direct route cannot name the line (the server
            // finds the repeat) and names the value only when the server gives error details: compare the rest.
            return $"{e.GetType().Name}: {KeyValues().Replace(AtLine().Replace(e.Message, string.Empty), string.Empty)}";
        }

        return string.Join("\n", await RowsAsync(db.DataSource, $"SELECT {columns} FROM {Table} ORDER BY 1"));
    }

    [GeneratedRegex(@" at line \d+(?= while)")]
    private static partial Regex AtLine();

    [GeneratedRegex(@" = \([^)]*\)(?= appears more than once)")]
    private static partial Regex KeyValues();
}
