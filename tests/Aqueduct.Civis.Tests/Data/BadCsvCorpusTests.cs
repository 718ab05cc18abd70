using System.Text;
using Aqueduct.Civis.Tests.Infrastructure;
using static Aqueduct.Civis.Tests.Data.TestCsv;

namespace Aqueduct.Civis.Tests.Data;

/// <summary>
/// A corpus of bad (and awkward but valid) CSV inputs fed through every write mode: a bad input fails and leaves
/// the table byte for byte as it was, with no staging table, lock, open transaction or temporary table left
/// behind; an input that must load loads exactly.
/// </summary>
public sealed class BadCsvCorpusTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private const string Header = "trip_id,bike_type,distance";

    private static readonly TableDefinition Trips = new(
        [new("trip_id", "integer"), new("bike_type", "text"), new("distance", "double precision")],
        primaryKey: ["trip_id"]);

    private static readonly string[] Seed = ["1|standard|1.5", "2|electric|2.5"];

    /// <summary>Each input: its bytes, and the rows it loads (ordered by key), or null when it must fail.</summary>
    private static readonly Dictionary<string, (Func<byte[]> Bytes, string[]? Loads)> Corpus = new()
    {
        ["ragged row"] = (() => Utf8($"{Header}\n7,smart,1\n8,standard,1,extra\n"), null),
        ["short row"] = (() => Utf8($"{Header}\n7,smart,1\n8\n"), null),
        ["type error"] = (() => Utf8($"{Header}\n7,smart,1\noops,standard,1\n"), null),
        ["NUL byte"] = (() => Utf8($"{Header}\n7,sm\0art,1\n"), null),
        ["invalid UTF-8"] = (() => [.. Utf8($"{Header}\n7,"), 0xff, 0xfe, .. Utf8(",1\n")], null),
        ["end-of-data marker"] = (() => Utf8($"{Header}\n7,smart,1\n\\.\n8,smart,2\n"), null),
        ["end-of-data marker last"] = (() => Utf8($"{Header}\n7,smart,1\n\\.\n"), null),
        ["end-of-data marker CRLF"] = (() => Utf8($"{Header}\r\n7,smart,1\r\n\\.\r\n8,smart,2\r\n"), null),
        ["unclosed quote at end"] = (() => Utf8($"{Header}\n7,\"smart,1\n8,smart,2\n"), null),
        ["header with unclosed quote"] = (() => Utf8($"trip_id,\"bike_type,distance\n7,smart,1\n"), null),
        ["enormous header"] = (() => Utf8(new string('x', 2 << 20)), null),
        ["empty file"] = (() => [], null),
        ["repeated key"] = (() => Utf8($"{Header}\n7,a,1\n7,b,2\n"), null),
        ["mixed line ends"] = (() => Utf8($"{Header}\n7,a,1\r\n8,b,2\n9,c,3\r\n"), null),
        ["truncated gzip"] = (() => Gzip(Many(5_000))[..^8], null),
        ["gzip cut in half"] = (() => Cut(Gzip(Many(5_000)))!, null),
        ["gzip CRC error"] = (() => Flip(Gzip(Many(5_000)), ^8), null),
        ["gzip trailing garbage"] = (() => [.. Gzip(Many(5_000)), 0x0a, 0x0a], null),
        ["header only"] = (() => Utf8($"{Header}\n"), []),
        ["header only, no line end"] = (() => Utf8(Header), []),
        ["BOM inside gzip"] = (() => Gzip($"\uFEFF{Header}\n7,smart,1\n"), ["7|smart|1"]),
        ["CR line ends"] = (() => Utf8($"{Header}\r7,\"a\rb\",1\r8,smart,2\r"), ["7|a\rb|1", "8|smart|2"]),
        ["CRLF line ends, no final"] = (() => Utf8($"{Header}\r\n7,smart,1\r\n8,smart,2"), ["7|smart|1", "8|smart|2"]),
        ["quoted backslash dot"] = (() => Utf8($"{Header}\n7,\"\\.\",1\n"), ["7|\\.|1"]),
        ["backslash dot inside a quoted field"] = (() => Utf8($"{Header}\n7,\"x\n\\.\ny\",1\n"), ["7|x\n\\.\ny|1"]),
        ["multi-member gzip"] = (() => [.. Gzip($"{Header}\n7,smart,1\n"), .. Gzip("8,smart,2\n"), .. Gzip(string.Empty)], ["7|smart|1", "8|smart|2"]),
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, WriteMode> Cases()
    {
        var data = new TheoryData<string, WriteMode>();
        foreach (var name in Corpus.Keys)
        {
            foreach (var mode in Enum.GetValues<WriteMode>())
            {
                data.Add(name, mode);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task LoadCsvAsync_CorpusInput_FailsCleanlyOrLoadsExactly(string input, WriteMode mode)
    {
        var table = new TableName(null, $"corpus_{mode}_{Guid.NewGuid():N}".ToLowerInvariant());
        await ExecuteAsync(db.DataSource, $"CREATE TABLE {table} (trip_id integer PRIMARY KEY, bike_type text, distance double precision)");
        var seeded = mode != WriteMode.Fail;
        if (seeded)
        {
            await ExecuteAsync(db.DataSource, $"INSERT INTO {table} VALUES (1, 'standard', 1.5), (2, 'electric', 2.5)");
        }

        var before = await Md5Async(table);
        var (bytes, loads) = Corpus[input];
        var path = Path.Combine(Path.GetTempPath(), $"aqueduct-corpus-{Guid.NewGuid():N}.csv");
        await File.WriteAllBytesAsync(path, bytes(), Ct);
        try
        {
            var load = db.DataSource.LoadCsvAsync(table, new CsvSource(path), mode, Trips, cancellationToken: Ct);
            if (loads is null)
            {
                var e = await Assert.ThrowsAnyAsync<Exception>(() => load);
                Assert.True(e is LoadException, $"{e.GetType().Name}: {e.Message}");
                Assert.Contains(path, e.Message, StringComparison.Ordinal);
                Assert.Contains(table.ToString(), e.Message, StringComparison.Ordinal);
                Assert.DoesNotContain("aqueduct_stage", e.Message, StringComparison.Ordinal);
                Assert.Equal(before, await Md5Async(table));
            }
            else
            {
                var result = await load;
                Assert.Equal(loads.Length, result.RowsRead);
                Assert.Equal(loads.Length, result.RowsInserted);
                var expected = (mode is WriteMode.Truncate or WriteMode.Drop || !seeded ? loads : [.. Seed, .. loads]).Order(StringComparer.Ordinal);
                Assert.Equal(expected, (await RowsAsync(db.DataSource, $"SELECT * FROM {table}")).Order(StringComparer.Ordinal));
            }

            Assert.Equal(0L, await ScalarAsync<long>(db.DataSource, "SELECT count(*) FROM pg_class WHERE relname LIKE 'aqueduct_stage_%' OR relpersistence = 't'"));
            // A connection the load closed after a failure ends on the server a moment later (the backend exits on its
            // own time); what is left after that moment is a leak.
            Assert.Equal(0L, await SettledCountAsync(
                $"SELECT count(*) FROM pg_locks WHERE pid <> pg_backend_pid() AND relation = (SELECT oid FROM pg_class WHERE relname = '{table.Name}')"));
            Assert.Equal(0L, await SettledCountAsync(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The count once it reaches zero, or the last one after ten seconds.</summary>
    private async Task<long> SettledCountAsync(string sql)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var count = await ScalarAsync<long>(db.DataSource, sql);
            if (count == 0 || DateTime.UtcNow > deadline)
            {
                return count;
            }

            await Task.Delay(50);
        }
    }

    private async Task<string> Md5Async(TableName table) =>
        await ScalarAsync<string?>(db.DataSource, $"SELECT coalesce(md5(string_agg(t::text, E'\\n' ORDER BY trip_id)), 'empty') FROM {table} t") ?? "empty";

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string Many(int rows) => $"{Header}\n" + string.Concat(Enumerable.Range(10, rows).Select(i => $"{i},standard,{i}\n"));


    private static byte[] Cut(byte[] bytes) => bytes[..(bytes.Length / 2)];

    private static byte[] Flip(byte[] bytes, Index at)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] ^= 0x01;
        return copy;
    }
}
