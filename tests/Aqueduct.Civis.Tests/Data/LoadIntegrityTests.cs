using System.Text;
using Aqueduct.Civis.Tests.Infrastructure;
using Npgsql;
using static Aqueduct.Civis.Tests.Data.TestCsv;

namespace Aqueduct.Civis.Tests.Data;

/// <summary>A load's counts are the server's, and a load never ends early in silence (issue 8, section 1).</summary>
public sealed class LoadIntegrityTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(TableName Table, List<string> Before)> SeedAsync(string name)
    {
        var table = TableName.Parse(name);
        await ExecuteAsync(db.DataSource, $"CREATE TABLE {table} (trip_id integer PRIMARY KEY, bike_type text, distance double precision);" +
                                          $"INSERT INTO {table} VALUES (1, 'standard', 1.5), (2, 'electric', 2.5)");
        return (table, await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));
    }

    private async Task AssertUnchangedAsync(TableName table, List<string> before) =>
        Assert.Equal(before, await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));


    private static string TempFile(byte[] bytes, string extension = ".csv.gz")
    {
        var path = Path.Combine(Path.GetTempPath(), $"aqueduct-{Guid.NewGuid():N}{extension}");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string ManyRows(int count) =>
        "trip_id,bike_type,distance\n" + string.Concat(Enumerable.Range(10, count).Select(i => $"{i},standard,{i}\n"));

    [Fact]
    public async Task LoadCsvAsync_TruncateWithEndOfDataMarkerLine_FailsNamingTheLineAndKeepsTheRows()
    {
        var (table, before) = await SeedAsync("marker_truncate");
        var e = await Assert.ThrowsAnyAsync<Exception>(() =>
            db.DataSource.LoadCsvAsync(table, From("trip_id,bike_type\n7,smart\n\\.\n8,standard\n"), WriteMode.Truncate, cancellationToken: Ct));

        Assert.IsType<LoadException>(e);
        Assert.Contains("line 3", e.Message, StringComparison.Ordinal);
        Assert.Contains(table.ToString(), e.Message, StringComparison.Ordinal);
        Assert.Contains("CSV stream", e.Message, StringComparison.Ordinal);
        await AssertUnchangedAsync(table, before);
    }

    [Fact]
    public async Task LoadCsvAsync_EndOfDataMarkerAfterAQuotedLineBreak_NamesTheLineAPersonSees()
    {
        var (table, before) = await SeedAsync("marker_after_break");
        var e = await Assert.ThrowsAsync<LoadException>(() =>
            db.DataSource.LoadCsvAsync(table, From("trip_id,bike_type\n7,\"two\nlines\"\n\\.\n8,standard\n"), WriteMode.Append, cancellationToken: Ct));

        Assert.Equal(4, e.Line);
        Assert.Contains("line 4", e.Message, StringComparison.Ordinal);
        await AssertUnchangedAsync(table, before);
    }

    [Fact]
    public async Task LoadCsvAsync_QuotedBackslashDot_LoadsAsData()
    {
        var table = TableName.Parse("marker_quoted");
        var definition = new TableDefinition([new("value", "text")]);
        var result = await db.DataSource.LoadCsvAsync(table, From("value\n\"\\.\"\na\n"), WriteMode.Fail, definition, cancellationToken: Ct);
        Assert.Equal((2L, 2L), (result.RowsRead, result.RowsInserted));
        Assert.Equal(["\\.", "a"], await RowsAsync(db.DataSource, $"SELECT value FROM {table} ORDER BY 1"));
    }

    [Fact]
    public async Task LoadCsvAsync_UpsertWithEndOfDataMarkerLine_FailsAndKeepsTheRows()
    {
        var (table, before) = await SeedAsync("marker_upsert");
        var e = await Assert.ThrowsAnyAsync<Exception>(() =>
            db.DataSource.LoadCsvAsync(table, From("trip_id,bike_type\n1,changed\n\\.\r\n2,changed\n"), WriteMode.Upsert, cancellationToken: Ct));
        Assert.IsType<LoadException>(e);
        await AssertUnchangedAsync(table, before);
    }

    [Theory]
    [InlineData("no trailer")]
    [InlineData("half of the file")]
    [InlineData("trailing garbage")]
    [InlineData("trailing zeros")]
    [InlineData("bad CRC")]
    [InlineData("bad length")]
    public async Task LoadCsvAsync_BrokenGzip_FailsNamingTheFileAndKeepsTheRows(string damage)
    {
        var (table, before) = await SeedAsync($"gzip_{damage.Replace(' ', '_')}");
        var good = Gzip(ManyRows(20_000));
        byte[] bad = damage switch
        {
            "no trailer" => good[..^8],
            "half of the file" => good[..(good.Length / 2)],
            "trailing garbage" => [.. good, 1, 2, 3, 4, 5],
            "trailing zeros" => [.. good, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            "bad CRC" => Damage(good, ^8),
            _ => Damage(good, ^1),
        };
        var path = TempFile(bad);
        try
        {
            var e = await Assert.ThrowsAnyAsync<Exception>(() => db.DataSource.LoadCsvAsync(table, new CsvSource(path), WriteMode.Truncate, cancellationToken: Ct));
            Assert.IsType<LoadException>(e);
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            Assert.Contains("gzip", e.Message, StringComparison.OrdinalIgnoreCase);
            await AssertUnchangedAsync(table, before);
        }
        finally
        {
            File.Delete(path);
        }

        static byte[] Damage(byte[] bytes, Index at)
        {
            var copy = (byte[])bytes.Clone();
            copy[at] ^= 0x01;
            return copy;
        }
    }

    [Fact]
    public async Task LoadCsvAsync_MultiMemberGzip_LoadsEveryMember()
    {
        var (table, _) = await SeedAsync("gzip_members");
        // Members as `cat a.gz b.gz` and bgzip write them, the last one empty.
        var members = Gzip(ManyRows(5_000)).Concat(Enumerable.Range(0, 50).SelectMany(i => Gzip($"{100_000 + i},smart,{i}\n"))).Concat(Gzip(string.Empty)).ToArray();
        var path = TempFile(members);
        try
        {
            var result = await db.DataSource.LoadCsvAsync(table, new CsvSource(path), WriteMode.Truncate, cancellationToken: Ct);
            Assert.Equal((5_050L, 5_050L), (result.RowsRead, result.RowsInserted));
            Assert.Equal(5_050L, await ScalarAsync<long>(db.DataSource, $"SELECT count(*) FROM {table}"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("\r")]
    [InlineData("\r\n")]
    public async Task LoadCsvAsync_CarriageReturnLineEnds_LoadAndCountLikePostgres(string end)
    {
        var (table, _) = await SeedAsync($"line_ends_{end.Length}");
        var csv = $"trip_id,bike_type,distance{end}7,\"two{end}lines\",1{end}8,smart,2{end}9,standard,3";
        var result = await db.DataSource.LoadCsvAsync(table, From(csv), WriteMode.Truncate, cancellationToken: Ct);
        Assert.Equal((3L, 3L), (result.RowsRead, result.RowsInserted));
        Assert.Equal([$"7|two{end}lines|1", "8|smart|2", "9|standard|3"], await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));
    }

    [Fact]
    public async Task LoadCsvAsync_HeaderWithUnclosedQuote_FailsShortWithoutDataValues()
    {
        var (table, before) = await SeedAsync("header_unclosed");
        var csv = "trip_id,\"bike_type,distance\n" + string.Concat(Enumerable.Range(0, 1000).Select(i => $"{i},secret-value-{i},1\n"));
        var e = await Assert.ThrowsAnyAsync<Exception>(() => db.DataSource.LoadCsvAsync(table, From(csv), WriteMode.Append, cancellationToken: Ct));
        Assert.IsType<LoadException>(e);
        Assert.DoesNotContain("secret-value", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Length < 400, e.Message);
        Assert.Contains("header", e.Message, StringComparison.Ordinal);
        await AssertUnchangedAsync(table, before);
    }

    [Fact]
    public async Task LoadCsvAsync_HeaderThatNeverEnds_FailsAtTheCapWithoutReadingTheWholeStream()
    {
        var (table, before) = await SeedAsync("header_endless");
        var stream = new EndlessStream((byte)'x');
        var e = await Assert.ThrowsAnyAsync<Exception>(() => db.DataSource.LoadCsvAsync(table, new CsvSource(stream), WriteMode.Append, cancellationToken: Ct));
        Assert.IsType<LoadException>(e);
        Assert.Contains("header", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("xxxx", e.Message, StringComparison.Ordinal);
        Assert.True(stream.BytesRead < 4 << 20, $"read {stream.BytesRead} bytes");
        await AssertUnchangedAsync(table, before);
    }

    [Theory]
    [InlineData(WriteMode.Upsert, "1")]
    [InlineData(WriteMode.Upsert, "9")]
    [InlineData(WriteMode.InsertIgnore, "9")]
    public async Task LoadCsvAsync_KeyRepeatedInTheFile_FailsNamingTheKeyAndTheTable(WriteMode mode, string key)
    {
        var (table, before) = await SeedAsync($"repeated_key_{mode}_{key}".ToLowerInvariant());
        var csv = $"trip_id,bike_type\n5,a\n{key},first\n{key},second\n";
        var e = await Assert.ThrowsAnyAsync<Exception>(() => db.DataSource.LoadCsvAsync(table, From(csv), mode, cancellationToken: Ct));
        Assert.IsType<LoadException>(e);
        Assert.Contains("trip_id", e.Message, StringComparison.Ordinal);
        Assert.Contains(table.ToString(), e.Message, StringComparison.Ordinal);
        Assert.Contains("more than once", e.Message, StringComparison.Ordinal);
        await AssertUnchangedAsync(table, before);
    }

    [Fact]
    public async Task LoadCsvAsync_InsertIgnoreRepeatedExistingKey_SkipsBoth()
    {
        var (table, _) = await SeedAsync("repeated_existing_key");
        var result = await db.DataSource.LoadCsvAsync(table, From("trip_id,bike_type\n1,x\n1,y\n3,z\n"), WriteMode.InsertIgnore, cancellationToken: Ct);
        Assert.Equal((3L, 1L, 2L), (result.RowsRead, result.RowsInserted, result.RowsSkipped));
    }

    [Theory]
    [InlineData(WriteMode.Append)]
    [InlineData(WriteMode.Upsert)]
    public async Task LoadCsvAsync_BadRow_MessageNamesFileTableAndLineButNotTheStage(WriteMode mode)
    {
        var (table, before) = await SeedAsync($"bad_row_message_{mode}".ToLowerInvariant());
        var path = TempFile(Encoding.UTF8.GetBytes("trip_id,bike_type\n7,\"two\nlines\"\n8,smart\noops,standard\n"), ".csv");
        try
        {
            var e = await Assert.ThrowsAnyAsync<Exception>(() => db.DataSource.LoadCsvAsync(table, new CsvSource(path), mode, cancellationToken: Ct));
            var load = Assert.IsType<LoadException>(e);
            Assert.Contains($"'{path}'", e.Message, StringComparison.Ordinal);
            Assert.Contains(table.ToString(), e.Message, StringComparison.Ordinal);
            Assert.True(e.Message.Contains("line 5", StringComparison.Ordinal), e.Message);
            Assert.DoesNotContain("aqueduct_stage", e.Message, StringComparison.Ordinal);
            Assert.Equal(5L, load.Line);
            Assert.Equal(PostgresErrorCodes.InvalidTextRepresentation, Assert.IsType<PostgresException>(e.InnerException).SqlState);
            await AssertUnchangedAsync(table, before);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task LoadAsync_TypedRowRejected_MessageNamesTypedRowsAndTheRow()
    {
        var (table, before) = await SeedAsync("typed_rejected");
        await ExecuteAsync(db.DataSource, $"ALTER TABLE {table} ADD CHECK (distance >= 0)");
        Trip[] rows = [new(5, "a", 1), new(6, "b", 2), new(7, "c", -1)];
        var e = await Assert.ThrowsAnyAsync<Exception>(() => db.DataSource.LoadAsync(table, rows, WriteMode.Append, cancellationToken: Ct));
        Assert.IsType<LoadException>(e);
        Assert.Contains("typed rows", e.Message, StringComparison.Ordinal);
        Assert.Contains("row 3", e.Message, StringComparison.Ordinal);
        Assert.Contains(table.ToString(), e.Message, StringComparison.Ordinal);
        Assert.IsType<PostgresException>(e.InnerException);
        await AssertUnchangedAsync(table, before);
    }

    [Theory]
    [InlineData(WriteMode.Append)]
    [InlineData(WriteMode.Upsert)]
    public async Task LoadCsvAsync_TableLockedByAnotherSession_TimesOutNamingTheStep(WriteMode mode)
    {
        var (table, before) = await SeedAsync($"locked_{mode}".ToLowerInvariant());
        await using var other = await db.DataSource.OpenConnectionAsync(Ct);
        await using var hold = await other.BeginTransactionAsync(Ct);
        await using (var lockCommand = new NpgsqlCommand($"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE", other, hold))
        {
            await lockCommand.ExecuteNonQueryAsync(Ct);
        }

        var started = DateTime.UtcNow;
        var e = await Assert.ThrowsAnyAsync<Exception>(() => db.DataSource.LoadCsvAsync(
            table, From("trip_id,bike_type\n7,smart\n"), mode, null, new TableLoadOptions { CommandTimeout = TimeSpan.FromSeconds(1) }, Ct));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20));
        var load = Assert.IsType<LoadException>(e);
        Assert.Contains("timed out", e.Message, StringComparison.Ordinal);
        Assert.NotNull(load.Step);
        Assert.Contains(load.Step, e.Message, StringComparison.Ordinal);
        await hold.RollbackAsync(Ct);
        await AssertUnchangedAsync(table, before);
    }

    [Fact]
    public async Task LoadCsvAsync_AppendIntoPartitionedTable_CountsTheRowsThePartitionsTook()
    {
        var table = TableName.Parse("partitioned_trips");
        await ExecuteAsync(db.DataSource, $"CREATE TABLE {table} (trip_id integer PRIMARY KEY, bike_type text) PARTITION BY RANGE (trip_id);" +
                                          $"CREATE TABLE partitioned_trips_low PARTITION OF {table} FOR VALUES FROM (0) TO (100);" +
                                          $"CREATE TABLE partitioned_trips_high PARTITION OF {table} FOR VALUES FROM (100) TO (1000);" +
                                          $"INSERT INTO {table} VALUES (1, 'old')");
        var result = await db.DataSource.LoadCsvAsync(table, From("trip_id,bike_type\n5,a\n150,b\n151,c\n"), WriteMode.Append, cancellationToken: Ct);
        Assert.Equal((3L, 3L), (result.RowsRead, result.RowsInserted));
    }

    [Fact]
    public async Task LoadCsvAsync_AppendWithTrackCountsOff_StillCountsOnTheServer()
    {
        var (table, _) = await SeedAsync("append_no_track_counts");
        var settings = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Options = "-c track_counts=off" };
        await using var untracked = NpgsqlDataSource.Create(settings.ConnectionString);
        var result = await untracked.LoadCsvAsync(table, From("trip_id,bike_type\n5,a\n6,b\n"), WriteMode.Append, cancellationToken: Ct);
        Assert.Equal((2L, 2L), (result.RowsRead, result.RowsInserted));
    }

    [Fact]
    public async Task LoadCsvAsync_NegativeCommandTimeout_ThrowsNamingTheOptions()
    {
        var (table, _) = await SeedAsync("negative_timeout");
        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => db.DataSource.LoadCsvAsync(
            table, From("trip_id\n5\n"), WriteMode.Append, null, new TableLoadOptions { CommandTimeout = TimeSpan.FromSeconds(-1) }, Ct));
        Assert.Equal("options", e.ParamName);
    }

    [Fact]
    public async Task LoadCsvAsync_ZeroCommandTimeout_TurnsTheBoundOff()
    {
        var (table, _) = await SeedAsync("zero_timeout");
        var result = await db.DataSource.LoadCsvAsync(
            table, From("trip_id\n5\n"), WriteMode.Upsert, null, new TableLoadOptions { CommandTimeout = TimeSpan.Zero }, Ct);
        Assert.Equal(1L, result.RowsInserted);
    }

    private sealed record Trip(int TripId, string BikeType, double Distance);
}
