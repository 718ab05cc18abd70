using System.IO.Compression;
using System.Text;
using Aqueduct.Civis.Tests.Infrastructure;
using Dapper;
using static Aqueduct.Civis.Tests.Data.TestCsv;

namespace Aqueduct.Civis.Tests.Data;

public sealed class ExportCsvTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<TableName> SeedAsync(string name)
    {
        var table = TableName.Parse(name);
        var definition = new TableDefinition([new("id", "integer"), new("name", "text"), new("at", "timestamp")], ["id"]);
        await db.DataSource.LoadCsvAsync(table, From("id,name,at\n1,Ángeles,2024-03-10 02:30:00\n2,\"\",\n3,\"a,\"\"b\"\"\nc\",2024-11-03 01:30:00\n"), WriteMode.Fail, definition);
        return table;
    }

    [Fact]
    public async Task ExportCsvAsync_Stream_WritesCsvWithHeader()
    {
        var table = await SeedAsync("export_stream");
        using var output = new MemoryStream();
        var rows = await db.DataSource.ExportCsvAsync($"SELECT * FROM {table} ORDER BY id", output, cancellationToken: Ct);

        Assert.Equal(3L, rows);
        Assert.Equal("id,name,at\n1,Ángeles,2024-03-10 02:30:00\n2,\"\",\n3,\"a,\"\"b\"\"\nc\",2024-11-03 01:30:00\n", Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public async Task ExportCsvAsync_GzipFile_LoadsBackIdentically()
    {
        var table = await SeedAsync("export_roundtrip");
        var path = Path.Combine(Path.GetTempPath(), $"aqueduct-{Guid.NewGuid():N}.csv.gz");
        try
        {
            var rows = await db.DataSource.ExportCsvAsync($"TABLE {table};", path, cancellationToken: Ct);
            Assert.Equal(3L, rows);
            await using (var check = new GZipStream(File.OpenRead(path), CompressionMode.Decompress))
            {
                using var reader = new StreamReader(check);
                Assert.StartsWith("id,name,at\n", await reader.ReadToEndAsync(cancellationToken: Ct), StringComparison.Ordinal);
            }

            var copy = TableName.Parse("export_roundtrip_copy");
            await ExecuteAsync(db.DataSource, $"CREATE TABLE {copy} (LIKE {table} INCLUDING ALL)");
            await db.DataSource.LoadCsvAsync(copy, new CsvSource(path), WriteMode.Append, cancellationToken: Ct);
            Assert.Equal(0L, await ScalarAsync<long>(db.DataSource, $"SELECT count(*) FROM ((TABLE {table} EXCEPT TABLE {copy}) UNION ALL (TABLE {copy} EXCEPT TABLE {table})) d"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ExportCsvAsync_Options_AreHonoured()
    {
        var table = await SeedAsync("export_options");
        using var output = new MemoryStream();
        var options = new CsvExportOptions { IncludeHeader = false, Delimiter = '|', NullMarker = "NULL", Compression = CsvCompression.Gzip };
        var rows = await db.DataSource.ExportCsvAsync($"SELECT id, at FROM {table} WHERE id <= 2 ORDER BY id", output, options, cancellationToken: Ct);

        Assert.Equal(2L, rows);
        using var reader = new StreamReader(new GZipStream(new MemoryStream(output.ToArray()), CompressionMode.Decompress));
        Assert.Equal("1|2024-03-10 02:30:00\n2|NULL\n", await reader.ReadToEndAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task ExportCsvAsync_FailedFileExport_LeavesNoFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"aqueduct-{Guid.NewGuid():N}.csv");
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            db.DataSource.ExportCsvAsync("SELECT g, 1 / (100000 - g) FROM generate_series(1, 200000) g", path, cancellationToken: Ct));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task ExportCsvAsync_FailedExportOverAnExistingFile_LeavesTheOldFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"aqueduct-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, "yesterday's export\n", Ct);
        try
        {
            await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
                db.DataSource.ExportCsvAsync("SELECT g, 1 / (100000 - g) FROM generate_series(1, 200000) g", path, cancellationToken: Ct));
            Assert.Equal("yesterday's export\n", await File.ReadAllTextAsync(path, Ct));
            Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!, "*" + Path.GetFileName(path) + "*"));

            var rows = await db.DataSource.ExportCsvAsync("SELECT 1 AS a", path, cancellationToken: Ct);
            Assert.Equal(1L, rows);
            Assert.Equal("a\n1\n", await File.ReadAllTextAsync(path, Ct));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ExportCsvAsync_TableLockedByAnotherSession_TimesOutNamingTheStep()
    {
        var table = await SeedAsync("export_locked");
        await using var other = await db.DataSource.OpenConnectionAsync(Ct);
        await using var hold = await other.BeginTransactionAsync(Ct);
        await using (var lockCommand = new Npgsql.NpgsqlCommand($"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE", other, hold))
        {
            await lockCommand.ExecuteNonQueryAsync(Ct);
        }

        using var output = new MemoryStream();
        var started = DateTime.UtcNow;
        var e = await Assert.ThrowsAnyAsync<Exception>(() =>
            db.DataSource.ExportCsvAsync($"TABLE {table}", output, new CsvExportOptions { CommandTimeout = TimeSpan.FromSeconds(1) }, Ct));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20));
        Assert.IsType<TimeoutException>(e);
        Assert.Contains("timed out", e.Message, StringComparison.Ordinal);
        Assert.Contains("starting the export", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportCsvAsync_BadQuery_ThrowsPostgresException()
    {
        using var output = new MemoryStream();
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.DataSource.ExportCsvAsync("SELECT * FROM no_such_table", output, cancellationToken: Ct));
    }

    // Reads need no wrapper: Dapper streams rows from the data source's connections as they are.
    [Fact]
    public async Task DapperQueryUnbufferedAsync_OnTheDataSource_StreamsTypedRows()
    {
        var table = await SeedAsync("dapper_read");
        await using var connection = await db.DataSource.OpenConnectionAsync(cancellationToken: Ct);
        var names = new List<string>();
        await foreach (var row in connection.QueryUnbufferedAsync<Named>($"SELECT id, name FROM {table} WHERE id < @max ORDER BY id", new { max = 3 }))
        {
            names.Add($"{row.Id}:{row.Name}");
        }

        Assert.Equal(["1:Ángeles", "2:"], names);
    }

    public sealed record Named(int Id, string Name);
}
