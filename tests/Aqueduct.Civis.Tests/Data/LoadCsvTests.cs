using System.IO.Compression;
using System.Text;
using Aqueduct.Civis.Tests.Infrastructure;
using static Aqueduct.Civis.Tests.Data.TestCsv;

namespace Aqueduct.Civis.Tests.Data;

public sealed class LoadCsvTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TableDefinition Trips = new(
        [new("trip_id", "integer"), new("bike_type", "text"), new("distance", "double precision")],
        primaryKey: ["trip_id"]);

    private async Task<TableName> SeedAsync(string name)
    {
        var table = TableName.Parse(name);
        await ExecuteAsync(db.DataSource, $"CREATE TABLE {table} (trip_id integer PRIMARY KEY, bike_type text, distance double precision);" +
                                          $"INSERT INTO {table} VALUES (1, 'standard', 1.5), (2, 'electric', 2.5)");
        return table;
    }

    [Fact]
    public async Task LoadCsvAsync_MissingSchemaAndTable_CreatesThemFromTheDefinition()
    {
        var table = TableName.Parse("created_schema.trips");
        var result = await db.DataSource.LoadCsvAsync(table, From("trip_id,bike_type,distance\n1,standard,1.5\n2,electric,\n"), WriteMode.Fail, Trips, cancellationToken: Ct);

        Assert.Equal((2L, 2L, 0L, 0L), (result.RowsRead, result.RowsInserted, result.RowsUpdated, result.RowsSkipped));
        Assert.Equal(["1|standard|1.5", "2|electric|NULL"], await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));
        Assert.Equal("trip_id", await ScalarAsync<string>(db.DataSource,
            "SELECT a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] " +
            "WHERE i.indrelid = 'created_schema.trips'::regclass AND i.indisprimary"));
    }

    [Fact]
    public async Task LoadCsvAsync_FailModeOnNonEmptyTable_ThrowsAndLeavesTheTable()
    {
        var table = await SeedAsync("fail_nonempty");
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            db.DataSource.LoadCsvAsync(table, From("trip_id\n3\n"), WriteMode.Fail, cancellationToken: Ct));
        Assert.Contains("not empty", e.Message, StringComparison.Ordinal);
        Assert.Equal(2L, await ScalarAsync<long>(db.DataSource, $"SELECT count(*) FROM {table}"));
    }

    [Fact]
    public async Task LoadCsvAsync_Append_AddsRows()
    {
        var table = await SeedAsync("append_rows");
        var result = await db.DataSource.LoadCsvAsync(table, From("trip_id,bike_type\n3,smart\n4,standard"), WriteMode.Append, cancellationToken: Ct);
        Assert.Equal((2L, 2L), (result.RowsRead, result.RowsInserted));
        Assert.Equal(["1|standard|1.5", "2|electric|2.5", "3|smart|NULL", "4|standard|NULL"],
            await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));
    }

    [Fact]
    public async Task LoadCsvAsync_AppendDuplicateKey_FailsWholeAndLeavesTheTable()
    {
        var table = await SeedAsync("append_duplicate");
        var e = await Assert.ThrowsAsync<LoadException>(() =>
            db.DataSource.LoadCsvAsync(table, From("trip_id,bike_type\n3,smart\n1,dup\n"), WriteMode.Append, cancellationToken: Ct));
        Assert.Equal(Npgsql.PostgresErrorCodes.UniqueViolation, e.SqlState);
        Assert.Equal(3L, e.Line);
        Assert.Equal(["1|standard|1.5", "2|electric|2.5"], await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));
    }

    [Fact]
    public async Task LoadCsvAsync_Truncate_ReplacesTheRows()
    {
        var table = await SeedAsync("truncate_rows");
        var result = await db.DataSource.LoadCsvAsync(table, From("trip_id,bike_type,distance\n7,smart,7\n"), WriteMode.Truncate, cancellationToken: Ct);
        Assert.Equal(1L, result.RowsInserted);
        Assert.Equal(["7|smart|7"], await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));
    }

    [Fact]
    public async Task LoadCsvAsync_Drop_RecreatesTheTableFromTheDefinition()
    {
        var table = TableName.Parse("drop_recreate");
        await ExecuteAsync(db.DataSource, $"CREATE TABLE {table} (old_column text); INSERT INTO {table} VALUES ('old')");
        var result = await db.DataSource.LoadCsvAsync(table, From("trip_id,bike_type,distance\n5,smart,0.5\n"), WriteMode.Drop, Trips, cancellationToken: Ct);
        Assert.Equal(1L, result.RowsInserted);
        Assert.Equal(["5|smart|0.5"], await RowsAsync(db.DataSource, $"SELECT * FROM {table}"));
    }

    [Fact]
    public async Task LoadCsvAsync_DropWithoutDefinition_ThrowsArgumentException()
    {
        var table = await SeedAsync("drop_nodefinition");
        await Assert.ThrowsAsync<ArgumentException>(() => db.DataSource.LoadCsvAsync(table, From("trip_id\n1\n"), WriteMode.Drop, cancellationToken: Ct));
        Assert.Equal(2L, await ScalarAsync<long>(db.DataSource, $"SELECT count(*) FROM {table}"));
    }

    [Fact]
    public async Task LoadCsvAsync_FailsBeforeReading_StillDisposesTheStream()
    {
        var stream = new MemoryStream("trip_id\n1\n"u8.ToArray());
        await Assert.ThrowsAsync<ArgumentException>(() =>
            db.DataSource.LoadCsvAsync(TableName.Parse("never_read"), new CsvSource(stream), WriteMode.Drop, cancellationToken: Ct));
        Assert.False(stream.CanRead);
    }

    [Fact]
    public async Task LoadCsvAsync_Upsert_UpdatesChangedRowsInsertsNewAndSkipsIdentical()
    {
        var table = await SeedAsync("upsert_rows");
        var csv = From("trip_id,bike_type,distance\n1,standard,1.5\n2,smart,2.5\n3,electric,3.5\n");
        var result = await db.DataSource.LoadCsvAsync(table, csv, WriteMode.Upsert, cancellationToken: Ct);

        Assert.Equal((3L, 1L, 1L, 1L), (result.RowsRead, result.RowsInserted, result.RowsUpdated, result.RowsSkipped));
        Assert.Equal(["1|standard|1.5", "2|smart|2.5", "3|electric|3.5"], await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));
    }

    [Fact]
    public async Task LoadCsvAsync_UpsertNullOverValue_UpdatesToNull()
    {
        var table = await SeedAsync("upsert_null");
        var result = await db.DataSource.LoadCsvAsync(table, From("trip_id,bike_type,distance\n1,,1.5\n"), WriteMode.Upsert, cancellationToken: Ct);
        Assert.Equal(1L, result.RowsUpdated);
        Assert.Equal(["1|NULL|1.5", "2|electric|2.5"], await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));
    }

    [Fact]
    public async Task LoadCsvAsync_UpsertSubsetOfColumns_UpdatesOnlyThoseColumns()
    {
        var table = await SeedAsync("upsert_subset");
        var result = await db.DataSource.LoadCsvAsync(table, From("trip_id,distance\n1,9\n4,4\n"), WriteMode.Upsert, cancellationToken: Ct);
        Assert.Equal((1L, 1L), (result.RowsInserted, result.RowsUpdated));
        Assert.Equal(["1|standard|9", "2|electric|2.5", "4|NULL|4"], await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));
    }

    [Fact]
    public async Task LoadCsvAsync_UpsertKeyOnlyTableAndJsonColumn_Work()
    {
        var keys = TableName.Parse("upsert_keys_only");
        var definition = new TableDefinition([new("a", "integer"), new("b", "text")], primaryKey: ["a", "b"]);
        await db.DataSource.LoadCsvAsync(keys, From("a,b\n1,x\n"), WriteMode.Fail, definition, Ct);
        var result = await db.DataSource.LoadCsvAsync(keys, From("a,b\n1,x\n1,y\n"), WriteMode.Upsert, cancellationToken: Ct);
        Assert.Equal((1L, 0L, 1L), (result.RowsInserted, result.RowsUpdated, result.RowsSkipped));

        var json = TableName.Parse("upsert_json");
        var jsonDefinition = new TableDefinition([new("id", "integer"), new("doc", "json")], primaryKey: ["id"]);
        await db.DataSource.LoadCsvAsync(json, From("id,doc\n1,\"{\"\"a\"\": 1}\"\n"), WriteMode.Fail, jsonDefinition, Ct);
        result = await db.DataSource.LoadCsvAsync(json, From("id,doc\n1,\"{\"\"a\"\": 2}\"\n2,\"[]\"\n"), WriteMode.Upsert, cancellationToken: Ct);
        Assert.Equal((1L, 1L), (result.RowsInserted, result.RowsUpdated));
        Assert.Equal(["1|{\"a\": 2}", "2|[]"], await RowsAsync(db.DataSource, $"SELECT id, doc::text FROM {json} ORDER BY 1"));
    }

    [Fact]
    public async Task LoadCsvAsync_InsertIgnore_KeepsExistingRowsAndAddsNewOnes()
    {
        var table = await SeedAsync("insert_ignore");
        var csv = From("trip_id,bike_type,distance\n1,changed,9\n3,smart,3.5\n1,again,1\n");
        var result = await db.DataSource.LoadCsvAsync(table, csv, WriteMode.InsertIgnore, cancellationToken: Ct);

        Assert.Equal((3L, 1L, 0L, 2L), (result.RowsRead, result.RowsInserted, result.RowsUpdated, result.RowsSkipped));
        Assert.Equal(["1|standard|1.5", "2|electric|2.5", "3|smart|3.5"], await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));
    }

    [Fact]
    public async Task LoadCsvAsync_InsertIgnoreRerun_InsertsNothing()
    {
        var table = await SeedAsync("insert_ignore_rerun");
        var result = await db.DataSource.LoadCsvAsync(table, From("trip_id,bike_type,distance\n1,standard,1.5\n2,electric,2.5\n"), WriteMode.InsertIgnore, cancellationToken: Ct);
        Assert.Equal((2L, 0L, 2L), (result.RowsRead, result.RowsInserted, result.RowsSkipped));
    }

    [Fact]
    public async Task LoadCsvAsync_UpsertWithoutPrimaryKey_ThrowsContractError()
    {
        var table = TableName.Parse("upsert_nokey");
        await ExecuteAsync(db.DataSource, $"CREATE TABLE {table} (a int)");
        var e = await Assert.ThrowsAsync<TableContractException>(() => db.DataSource.LoadCsvAsync(table, From("a\n1\n"), WriteMode.Upsert, cancellationToken: Ct));
        Assert.Contains("primary key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadCsvAsync_ColumnsDoNotMatch_ThrowsNamingEveryMismatch()
    {
        var table = TableName.Parse("contract_check");
        await ExecuteAsync(db.DataSource, $"CREATE TABLE {table} (trip_id integer PRIMARY KEY, start_station text NOT NULL, note text)");
        var e = await Assert.ThrowsAsync<TableContractException>(() =>
            db.DataSource.LoadCsvAsync(table, From("trip_id,Start Station,extra,extra\n1,a,b,c\n"), WriteMode.Append, cancellationToken: Ct));

        Assert.Equal(4, e.Mismatches.Count);
        Assert.Contains("column \"Start Station\" is in the source but not in the table (the table has \"start_station\")", e.Message, StringComparison.Ordinal);
        Assert.Contains("column \"extra\" is in the source but not in the table", e.Message, StringComparison.Ordinal);
        Assert.Contains("column \"extra\" appears more than once in the source", e.Message, StringComparison.Ordinal);
        Assert.Contains("column \"start_station\" (text NOT NULL, no default) is in the table but not in the source", e.Message, StringComparison.Ordinal);
        Assert.Equal(table, e.Table);
    }

    [Fact]
    public async Task LoadCsvAsync_MissingTableWithoutDefinition_ThrowsNamingTheTable()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            db.DataSource.LoadCsvAsync(TableName.Parse("nowhere.nothing"), From("a\n1\n"), WriteMode.Append, cancellationToken: Ct));
        Assert.Contains("\"nowhere\".\"nothing\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadCsvAsync_AwkwardIdentifiers_AreQuotedEverywhere()
    {
        var table = new TableName("Schema.With \"Quotes\"", "Select");
        var definition = new TableDefinition(
            [new("User", "integer"), new("from.to", "text"), new("Mixed \"Case\"", "text")],
            primaryKey: ["User"]);
        var csv = "User,from.to,\"Mixed \"\"Case\"\"\"\n1,a,b\n2,c,d\n";

        await db.DataSource.LoadCsvAsync(table, From(csv), WriteMode.Fail, definition, cancellationToken: Ct);
        var again = await db.DataSource.LoadCsvAsync(table, From("User,from.to,\"Mixed \"\"Case\"\"\"\n1,a,changed\n3,e,f\n"), WriteMode.Upsert, definition, cancellationToken: Ct);
        await db.DataSource.LoadCsvAsync(table, From("User,from.to,\"Mixed \"\"Case\"\"\"\n4,g,h\n"), WriteMode.InsertIgnore, definition, cancellationToken: Ct);

        Assert.Equal((1L, 1L), (again.RowsInserted, again.RowsUpdated));
        Assert.Equal(["1|a|changed", "2|c|d", "3|e|f", "4|g|h"], await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));
    }

    [Fact]
    public async Task LoadCsvAsync_NullAndEmptyString_StayDistinct()
    {
        var table = TableName.Parse("null_vs_empty");
        var definition = new TableDefinition([new("id", "integer"), new("value", "text")], ["id"]);
        await db.DataSource.LoadCsvAsync(table, From("id,value\n1,\n2,\"\"\n3,x\n"), WriteMode.Fail, definition, cancellationToken: Ct);
        Assert.Equal(["1|True", "2|False", "3|False"], await RowsAsync(db.DataSource, $"SELECT id, value IS NULL FROM {table} ORDER BY 1"));
    }

    [Fact]
    public async Task LoadCsvAsync_DelimiterAndNullMarker_AreHonoured()
    {
        var table = TableName.Parse("delimiter_null");
        var definition = new TableDefinition([new("id", "integer"), new("value", "text")], ["id"]);
        var source = new CsvSource(new MemoryStream("4;NA\n5;\n6;\"NA\"\n"u8.ToArray())) { HasHeader = false, Delimiter = ';', NullMarker = "NA" };
        await db.DataSource.LoadCsvAsync(table, source, WriteMode.Fail, definition, cancellationToken: Ct);
        Assert.Equal(["4|NULL", "5|", "6|NA"], await RowsAsync(db.DataSource, $"SELECT id, value FROM {table} ORDER BY 1"));
    }

    [Fact]
    public async Task LoadCsvAsync_NonAsciiQuotedNewlinesAndBom_ArriveIntact()
    {
        var table = TableName.Parse("non_ascii");
        var definition = new TableDefinition([new("id", "integer"), new("name", "text")], ["id"]);
        var text = "\uFEFFid,name\n1,\"Estación \"\"Central\"\", Los Ángeles\"\n2,\"line one\r\nline two\"\n3,東京 🚲\n";
        var result = await db.DataSource.LoadCsvAsync(table, From(text), WriteMode.Fail, definition, cancellationToken: Ct);

        Assert.Equal(3L, result.RowsRead);
        Assert.Equal(["1|Estación \"Central\", Los Ángeles", "2|line one\r\nline two", "3|東京 🚲"],
            await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));
    }

    [Fact]
    public async Task LoadCsvAsync_GzipFileWithoutHeader_IsDetectedAndLoaded()
    {
        var path = Path.Combine(Path.GetTempPath(), $"aqueduct-{Guid.NewGuid():N}.csv.gz");
        try
        {
            await using (var file = File.Create(path))
            await using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
            {
                await gzip.WriteAsync(Encoding.UTF8.GetBytes("10,standard,1\n11,smart,2\n"), cancellationToken: Ct);
            }

            var table = TableName.Parse("gzip_file");
            var result = await db.DataSource.LoadCsvAsync(table, new CsvSource(path) { HasHeader = false }, WriteMode.Fail, Trips, cancellationToken: Ct);
            Assert.Equal(2L, result.RowsInserted);
            Assert.Equal(["10|standard|1", "11|smart|2"], await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task LoadCsvAsync_TimestampsAcrossDstChange_RoundTripExactly()
    {
        var table = TableName.Parse("dst_csv");
        var definition = new TableDefinition([new("id", "integer"), new("local", "timestamp"), new("instant", "timestamptz")], ["id"]);
        // 2024-03-10 02:00 does not exist in Los Angeles; 2024-11-03 01:30 happens twice.
        var csv = "id,local,instant\n" +
                  "1,2024-03-10 01:59:59,2024-03-10 01:59:59-08\n" +
                  "2,2024-03-10 02:30:00,2024-03-10 03:00:00-07\n" +
                  "3,2024-11-03 01:30:00,2024-11-03 01:30:00-07\n" +
                  "4,2024-11-03 01:30:00.123456,2024-11-03 01:30:00.123456-08\n";
        await db.DataSource.LoadCsvAsync(table, From(csv), WriteMode.Fail, definition, cancellationToken: Ct);

        await using var connection = await db.DataSource.OpenConnectionAsync(cancellationToken: Ct);
        await using (var set = connection.CreateCommand())
        {
            set.CommandText = "SET TIME ZONE 'UTC'";
            await set.ExecuteNonQueryAsync(cancellationToken: Ct);
        }

        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT local::text, instant::text FROM {table} ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken: Ct);
        var rows = new List<string>();
        while (await reader.ReadAsync(cancellationToken: Ct))
        {
            rows.Add(reader.GetString(0) + "|" + reader.GetString(1));
        }

        Assert.Equal(
            ["2024-03-10 01:59:59|2024-03-10 09:59:59+00", "2024-03-10 02:30:00|2024-03-10 10:00:00+00",
             "2024-11-03 01:30:00|2024-11-03 08:30:00+00", "2024-11-03 01:30:00.123456|2024-11-03 09:30:00.123456+00"],
            rows);
    }
}
