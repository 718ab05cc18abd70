using System.ComponentModel.DataAnnotations.Schema;
using Aqueduct.Civis.Tests.Infrastructure;
using Dapper;
using static Aqueduct.Civis.Tests.Data.TestCsv;

namespace Aqueduct.Civis.Tests.Data;

public sealed class LoadRowsTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TableDefinition BikeTrips = new(
        [
            new("trip_id", "integer", nullable: false), new("bike_type", "text"), new("start_datetime", "timestamp"),
            new("started_at", "timestamptz"), new("distance", "double precision"), new("fare", "numeric(10,2)"),
            new("Station Name", "text"),
        ],
        primaryKey: ["trip_id"]);

    public sealed record BikeTrip(
        int TripId, string? BikeType, DateTime? StartDatetime, DateTimeOffset? StartedAt, double? Distance, decimal? Fare,
        [property: Column("Station Name")] string? Station,
        [property: NotMapped] string? Ignored = null);

    private static BikeTrip Trip(int id, string? bike = "standard") =>
        new(id, bike, new DateTime(2024, 3, 10, 1, 30, 0), new DateTimeOffset(2024, 3, 10, 1, 30, 0, TimeSpan.FromHours(-8)), id * 1.5, id * 0.25m, "Union Station");

    [Fact]
    public async Task LoadAsync_Objects_MapsPropertiesBySnakeCaseAndColumnAttribute()
    {
        var table = TableName.Parse("objects");
        var result = await db.DataSource.LoadAsync(table, [Trip(1), Trip(2, null)], WriteMode.Fail, BikeTrips, cancellationToken: Ct);

        Assert.Equal((2L, 2L), (result.RowsRead, result.RowsInserted));
        Assert.Equal(["1|standard|1.5|0.25|Union Station", "2|NULL|3|0.50|Union Station"],
            await RowsAsync(db.DataSource, $"SELECT trip_id, bike_type, distance, fare, \"Station Name\" FROM {table} ORDER BY 1"));
    }

    [Fact]
    public async Task LoadAsync_ObjectsEveryMode_BehaveLikeCsv()
    {
        var table = TableName.Parse("objects_modes");
        await db.DataSource.LoadAsync(table, [Trip(1), Trip(2)], WriteMode.Fail, BikeTrips, cancellationToken: Ct);
        var upsert = await db.DataSource.LoadAsync(table, [Trip(1, "electric"), Trip(2), Trip(3)], WriteMode.Upsert, cancellationToken: Ct);
        var ignore = await db.DataSource.LoadAsync(table, [Trip(1, "ignored"), Trip(4)], WriteMode.InsertIgnore, cancellationToken: Ct);
        var append = await db.DataSource.LoadAsync(table, [Trip(5)], WriteMode.Append, cancellationToken: Ct);

        Assert.Equal((1L, 1L, 1L), (upsert.RowsInserted, upsert.RowsUpdated, upsert.RowsSkipped));
        Assert.Equal((1L, 1L), (ignore.RowsInserted, ignore.RowsSkipped));
        Assert.Equal(1L, append.RowsInserted);
        Assert.Equal(["1|electric", "2|standard", "3|standard", "4|standard", "5|standard"],
            await RowsAsync(db.DataSource, $"SELECT trip_id, bike_type FROM {table} ORDER BY 1"));

        var truncate = await db.DataSource.LoadAsync(table, [Trip(9)], WriteMode.Truncate, cancellationToken: Ct);
        var drop = await db.DataSource.LoadAsync(table, [Trip(8), Trip(7)], WriteMode.Drop, BikeTrips, cancellationToken: Ct);
        Assert.Equal((1L, 2L), (truncate.RowsInserted, drop.RowsInserted));
        Assert.Equal(["7", "8"], await RowsAsync(db.DataSource, $"SELECT trip_id FROM {table} ORDER BY 1"));
    }

    [Fact]
    public async Task LoadAsync_AsyncEnumerable_StreamsRows()
    {
        static async IAsyncEnumerable<BikeTrip> Rows()
        {
            for (var i = 0; i < 20_000; i++)
            {
                await Task.Yield();
                yield return Trip(i);
            }
        }

        var result = await db.DataSource.LoadAsync(TableName.Parse("async_rows"), Rows(), WriteMode.Fail, BikeTrips, cancellationToken: Ct);
        Assert.Equal(20_000L, result.RowsInserted);
    }

    [Fact]
    public async Task LoadAsync_DataReader_CopiesAnotherTable()
    {
        var source = TableName.Parse("reader_source");
        await db.DataSource.LoadAsync(source, [Trip(1), Trip(2)], WriteMode.Fail, BikeTrips, cancellationToken: Ct);

        await using var connection = await db.DataSource.OpenConnectionAsync(cancellationToken: Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT trip_id, bike_type, \"Station Name\" FROM {source}";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken: Ct);
        var result = await db.DataSource.LoadAsync(TableName.Parse("reader_target"), reader, WriteMode.Fail, BikeTrips, cancellationToken: Ct);

        Assert.Equal(2L, result.RowsInserted);
        Assert.Equal(["1|standard|Union Station", "2|standard|Union Station"],
            await RowsAsync(db.DataSource, "SELECT trip_id, bike_type, \"Station Name\" FROM reader_target ORDER BY 1"));
    }

    [Fact]
    public async Task LoadAsync_WrongTypes_ThrowsNamingEveryMismatch()
    {
        var table = TableName.Parse("typed_contract");
        await ExecuteAsync(db.DataSource, $"CREATE TABLE {table} (trip_id integer PRIMARY KEY, bike_type integer, distance text)");
        var e = await Assert.ThrowsAsync<TableContractException>(() =>
            db.DataSource.LoadAsync(table, [new { TripId = 1L, BikeType = "standard", Distance = 1.5, Extra = true }], WriteMode.Append, cancellationToken: Ct));

        Assert.Equal(
            [
                "column \"trip_id\" is Int64 in the source but integer in the table",
                "column \"bike_type\" is String in the source but integer in the table",
                "column \"distance\" is Double in the source but text in the table",
                "column \"extra\" is in the source but not in the table",
            ],
            e.Mismatches);
    }

    [Fact]
    public async Task LoadAsync_DateTimesAcrossDstChange_RoundTripExactly()
    {
        var table = TableName.Parse("dst_rows");
        var definition = new TableDefinition([new("id", "integer"), new("local", "timestamp"), new("instant", "timestamptz")], ["id"]);
        var pacific = TimeSpan.FromHours(-8);
        var daylight = TimeSpan.FromHours(-7);
        var rows = new[]
        {
            new DstRow(1, new DateTime(2024, 3, 10, 1, 59, 59), new DateTimeOffset(2024, 3, 10, 1, 59, 59, pacific)),
            new DstRow(2, new DateTime(2024, 3, 10, 2, 30, 0), new DateTimeOffset(2024, 3, 10, 3, 0, 0, daylight)),
            new DstRow(3, new DateTime(2024, 11, 3, 1, 30, 0), new DateTimeOffset(2024, 11, 3, 1, 30, 0, daylight)),
            new DstRow(4, new DateTime(2024, 11, 3, 1, 30, 0).AddTicks(1_234_560), new DateTimeOffset(2024, 11, 3, 1, 30, 0, pacific).AddTicks(1_234_560)),
        };
        await db.DataSource.LoadAsync(table, rows, WriteMode.Fail, definition, cancellationToken: Ct);

        await using var connection = await db.DataSource.OpenConnectionAsync(cancellationToken: Ct);
        var back = (await connection.QueryAsync<(int Id, DateTime Local, DateTime Instant)>($"SELECT id, local, instant FROM {table} ORDER BY id")).ToList();
        Assert.Equal(rows.Select(r => r.Local), back.Select(b => b.Local));
        Assert.Equal(rows.Select(r => r.Instant.UtcDateTime), back.Select(b => b.Instant));
        Assert.All(back, b => Assert.Equal(DateTimeKind.Utc, b.Instant.Kind));
        Assert.Equal(TimeSpan.FromHours(1), back[3].Instant.AddTicks(-1_234_560) - back[2].Instant); // the same wall-clock time, an hour apart
    }

    [Fact]
    public async Task LoadAsync_NonAsciiAndEmptyStrings_ArriveIntact()
    {
        var table = TableName.Parse("typed_text");
        var definition = new TableDefinition([new("id", "integer"), new("value", "text")], ["id"]);
        await db.DataSource.LoadAsync(table, [new TextRow(1, ""), new TextRow(2, null), new TextRow(3, "Ñandú, 東京 🚲 \"q\"\n")], WriteMode.Fail, definition, cancellationToken: Ct);
        Assert.Equal(["1||False", "2|NULL|True", "3|Ñandú, 東京 🚲 \"q\"\n|False"],
            await RowsAsync(db.DataSource, $"SELECT id, value, value IS NULL FROM {table} ORDER BY 1"));
    }

    public sealed record DstRow(int Id, DateTime Local, DateTimeOffset Instant);

    public sealed record TextRow(int Id, string? Value);
}
