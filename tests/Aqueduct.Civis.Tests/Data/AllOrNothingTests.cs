using System.Globalization;
using Aqueduct.Civis.Tests.Infrastructure;
using Npgsql;
using static Aqueduct.Civis.Tests.Data.TestCsv;

namespace Aqueduct.Civis.Tests.Data;

/// <summary>A load that fails part-way (a bad row, a dropped connection, a cancellation) leaves the table exactly as it was.</summary>
public sealed class AllOrNothingTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const int Rows = 200_000;

    public static TheoryData<WriteMode> Modes => [WriteMode.Append, WriteMode.Truncate, WriteMode.Drop, WriteMode.Upsert, WriteMode.InsertIgnore];

    private static readonly TableDefinition Trips = new(
        [new("trip_id", "integer"), new("bike_type", "text"), new("distance", "double precision")],
        primaryKey: ["trip_id"]);

    private static string GoodRow(int i) => string.Create(CultureInfo.InvariantCulture, $"{i + 100},standard,{i * 0.5}");

    private async Task<(TableName Table, List<string> Before)> SeedAsync(string name)
    {
        var table = TableName.Parse(name);
        await ExecuteAsync(db.DataSource, $"CREATE TABLE {table} (trip_id integer PRIMARY KEY, bike_type text, distance double precision);" +
                                          $"INSERT INTO {table} VALUES (1, 'standard', 1.5), (2, 'electric', 2.5), (150000, 'existing', 0)");
        return (table, await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));
    }

    private async Task AssertUnchangedAsync(TableName table, List<string> before)
    {
        Assert.Equal(before, await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));
        // Nothing is left behind either: no stage table, no open transaction holding locks.
        Assert.Equal(0L, await ScalarAsync<long>(db.DataSource, "SELECT count(*) FROM pg_class WHERE relname LIKE 'aqueduct_stage_%'"));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task LoadCsvAsync_BadRowDeepInTheFile_LeavesTheTableAsItWas(WriteMode mode)
    {
        var (table, before) = await SeedAsync($"bad_row_{mode}".ToLowerInvariant());
        var source = new CsvSource(new GeneratedCsvStream(Rows, i => i == Rows / 2 ? "oops,standard,1" : GoodRow(i)));

        var e = await Assert.ThrowsAsync<LoadException>(() => db.DataSource.LoadCsvAsync(table, source, mode, Trips, cancellationToken: Ct));

        Assert.Equal(PostgresErrorCodes.InvalidTextRepresentation, Assert.IsType<PostgresException>(e.InnerException).SqlState);
        Assert.Equal((long)(Rows / 2) + 2, e.Line);
        await AssertUnchangedAsync(table, before);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task LoadCsvAsync_ConnectionTerminatedMidLoad_LeavesTheTableAsItWas(WriteMode mode)
    {
        var (table, before) = await SeedAsync($"terminated_{mode}".ToLowerInvariant());
        var terminated = 0;
        var source = new CsvSource(new GeneratedCsvStream(Rows, GoodRow, Rows / 2, async () =>
        {
            // Another session kills the loading backend, as a failover or an administrator would.
            await using var command = db.DataSource.CreateCommand(
                "SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity " +
                "WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'COPY%'");
            terminated = (int)(await command.ExecuteScalarAsync())!;
        }));

        var e = await Assert.ThrowsAsync<LoadException>(() => db.DataSource.LoadCsvAsync(table, source, mode, Trips, cancellationToken: Ct));
        Assert.IsAssignableFrom<NpgsqlException>(e.InnerException);

        Assert.Equal(1, terminated);
        await AssertUnchangedAsync(table, before);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task LoadCsvAsync_CancelledMidLoad_LeavesTheTableAsItWas(WriteMode mode)
    {
        var (table, before) = await SeedAsync($"cancelled_{mode}".ToLowerInvariant());
        using var cancellation = new CancellationTokenSource();
        var source = new CsvSource(new GeneratedCsvStream(Rows, GoodRow, Rows / 2, () => cancellation.CancelAsync()));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => db.DataSource.LoadCsvAsync(table, source, mode, Trips, cancellation.Token));

        await AssertUnchangedAsync(table, before);
    }

    [Fact]
    public async Task LoadAsync_TypedRowThrowsMidLoad_LeavesTheTableAsItWas()
    {
        var (table, before) = await SeedAsync("typed_throws");
        static IEnumerable<Trip> Rows()
        {
            for (var i = 0; i < 10_000; i++)
            {
                yield return i < 5_000 ? new Trip(i + 1000, "standard", i) : throw new InvalidDataException("source broke");
            }
        }

        await Assert.ThrowsAsync<InvalidDataException>(() => db.DataSource.LoadAsync(table, Rows(), WriteMode.Append, cancellationToken: Ct));
        await AssertUnchangedAsync(table, before);
    }

    [Fact]
    public async Task LoadAsync_TypedRowsCancelledMidLoad_LeaveTheTableAsItWas()
    {
        var (table, before) = await SeedAsync("typed_cancelled");
        using var cancellation = new CancellationTokenSource();
        async IAsyncEnumerable<Trip> Rows()
        {
            for (var i = 0; i < 100_000; i++)
            {
                if (i == 50_000)
                {
                    await cancellation.CancelAsync();
                }

                yield return new Trip(i + 1000, "standard", i);
            }
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            db.DataSource.LoadAsync(table, Rows(), WriteMode.Upsert, cancellationToken: cancellation.Token));
        await AssertUnchangedAsync(table, before);
    }

    private sealed record Trip(int TripId, string BikeType, double Distance);
}
