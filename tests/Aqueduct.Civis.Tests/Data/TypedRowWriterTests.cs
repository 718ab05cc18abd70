using Aqueduct.Civis.Tests.Infrastructure;
using static Aqueduct.Civis.Tests.Data.TestCsv;

namespace Aqueduct.Civis.Tests.Data;

/// <summary>
/// Typed rows of a class go through cached getters and Npgsql's typed writes (no boxing); values that need converting,
/// value-type rows and derived classes still arrive exactly as the boxed path wrote them.
/// </summary>
public sealed class TypedRowWriterTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Columns =
        "id integer PRIMARY KEY, small smallint, big bigint, real_value real, dbl double precision, money numeric, flag boolean, txt text, " +
        "stamp timestamp, day date, clock time, span interval, uid uuid, bytes bytea, n_int integer, n_dbl double precision, n_stamp timestamp, " +
        "widened bigint, instant timestamptz, letter text";

    public class Everything
    {
        public int Id { get; init; }
        public short Small { get; init; }
        public long Big { get; init; }
        public float RealValue { get; init; }
        public double Dbl { get; init; }
        public decimal Money { get; init; }
        public bool Flag { get; init; }
        public string? Txt { get; init; }
        public DateTime Stamp { get; init; }
        public DateOnly Day { get; init; }
        public TimeOnly Clock { get; init; }
        public TimeSpan Span { get; init; }
        public Guid Uid { get; init; }
        public byte[]? Bytes { get; init; }
        public int? NInt { get; init; }
        public double? NDbl { get; init; }
        public DateTime? NStamp { get; init; }
        public int Widened { get; init; }
        public DateTimeOffset Instant { get; init; }
        public char Letter { get; init; }
    }

    public sealed class Derived : Everything
    {
    }

    public record struct Point(int Id, double? Dbl, string? Txt);

    private static Derived Row(int i, bool nulls) => new()
    {
        Id = i, Small = (short)-i, Big = long.MaxValue - i, RealValue = 1.5f, Dbl = double.Epsilon * i, Money = 1234567890.123456789m, Flag = i % 2 == 0,
        Txt = nulls ? null : $"é\"'\\ {i}", Stamp = new DateTime(2024, 3, 10, 2, 30, 0, DateTimeKind.Unspecified), Day = new DateOnly(1999, 12, 31),
        Clock = new TimeOnly(23, 59, 59), Span = TimeSpan.FromHours(-36.5), Uid = new Guid(i, 0, 0, new byte[8]), Bytes = nulls ? null : [0, 255, (byte)i],
        NInt = nulls ? null : i, NDbl = nulls ? null : double.NaN, NStamp = nulls ? null : DateTime.MaxValue.AddTicks(-9), Widened = int.MinValue + i,
        Instant = new DateTimeOffset(2024, 3, 10, 2, 30, 0, TimeSpan.FromHours(-5)), Letter = 'ß',
    };

    [Fact]
    public async Task LoadAsync_EveryCommonTypeNullsAndConversions_ArriveExactly()
    {
        await ExecuteAsync(db.DataSource, $"CREATE TABLE every_type ({Columns})");

        var result = await db.DataSource.LoadAsync(
            TableName.Parse("every_type"), new Everything[] { Row(1, nulls: false), Row(2, nulls: true) }, WriteMode.Append, cancellationToken: Ct);

        Assert.Equal(2, result.RowsInserted);
        var rows = await RowsAsync(db.DataSource,
            "SELECT id, small, big, real_value, dbl, money, flag, txt, stamp::text, day::text, clock::text, span::text, uid, encode(bytes, 'hex'), " +
            "n_int, n_dbl, n_stamp::text, widened, (instant AT TIME ZONE 'UTC')::text, letter FROM every_type ORDER BY id");
        Assert.Equal(
            [
                "1|-1|9223372036854775806|1.5|5E-324|1234567890.123456789|False|é\"'\\ 1|2024-03-10 02:30:00|1999-12-31|23:59:59|-1 days -12:30:00|" +
                "00000001-0000-0000-0000-000000000000|00ff01|1|NaN|9999-12-31 23:59:59.999999|-2147483647|2024-03-10 07:30:00|ß",
                "2|-2|9223372036854775805|1.5|1E-323|1234567890.123456789|True|NULL|2024-03-10 02:30:00|1999-12-31|23:59:59|-1 days -12:30:00|" +
                "00000002-0000-0000-0000-000000000000|NULL|NULL|NULL|NULL|-2147483646|2024-03-10 07:30:00|ß",
            ],
            rows);
    }

    [Fact]
    public async Task LoadAsync_ValueTypeRows_TakeTheBoxedPathAndArriveExactly()
    {
        await ExecuteAsync(db.DataSource, "CREATE TABLE points (id integer PRIMARY KEY, dbl double precision, txt text)");

        var result = await db.DataSource.LoadAsync(
            TableName.Parse("points"), [new Point(1, 0.25, "a"), new Point(2, null, null)], WriteMode.Append, cancellationToken: Ct);

        Assert.Equal(2, result.RowsInserted);
        Assert.Equal(["1|0.25|a", "2|NULL|NULL"], await RowsAsync(db.DataSource, "SELECT * FROM points ORDER BY id"));
    }

    [Fact]
    public async Task LoadAsync_NullRowAmongTypedRows_FailsAndLeavesTheTableEmpty()
    {
        await ExecuteAsync(db.DataSource, $"CREATE TABLE null_row ({Columns})");

        var e = await Assert.ThrowsAsync<ArgumentException>(() =>
            db.DataSource.LoadAsync(TableName.Parse("null_row"), new Everything[] { Row(1, false), null!, Row(3, false) }, WriteMode.Append, cancellationToken: Ct));

        Assert.Contains("A row is null", e.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync<long>(db.DataSource, "SELECT count(*) FROM null_row"));
    }

    [Fact]
    public async Task LoadAsync_ValueOutOfRangeForConvertedColumn_FailsNamingTheRow()
    {
        await ExecuteAsync(db.DataSource, "CREATE TABLE narrow (id integer PRIMARY KEY, txt text, value smallint)");

        // A long into smallint is refused by the contract check before anything is sent.
        var e = await Assert.ThrowsAsync<TableContractException>(() =>
            db.DataSource.LoadAsync(TableName.Parse("narrow"), [new Wide(1, "a", 70_000)], WriteMode.Append, cancellationToken: Ct));

        Assert.Contains("\"value\"", e.Message, StringComparison.Ordinal);
    }

    public sealed record Wide(int Id, string Txt, long Value);
}
