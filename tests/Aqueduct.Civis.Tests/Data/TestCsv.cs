using System.IO.Compression;
using System.Text;
using Npgsql;

namespace Aqueduct.Civis.Tests.Data;

/// <summary>Small helpers shared by the data movement tests.</summary>
internal static class TestCsv
{
    public static CsvSource From(string text, bool header = true) =>
        new(new MemoryStream(Encoding.UTF8.GetBytes(text))) { HasHeader = header };

    /// <summary>
    /// A <c>FakeCivisApi.SqlExportHandler</c> that runs a SQL script's query on a database, as the platform would (the
    /// platform route reads the catalogs and exports that way).
    /// </summary>
    public static Func<System.Text.Json.Nodes.JsonObject, string> RunOn(NpgsqlDataSource db) => script =>
    {
        using var connection = db.OpenConnection();
        using var export = connection.BeginTextExport($"COPY ({(string)script["sql"]!}) TO STDOUT (FORMAT csv, HEADER)");
        return export.ReadToEnd();
    };

    /// <summary>
    /// A <c>FakeCivisApi.CsvImportHandler</c> that does what the platform does with a CSV import, on a database: loads the
    /// uploaded file into the destination with the import's mode, its columns (in file order, with their types) and keys.
    /// </summary>
    public static Func<Aqueduct.Civis.Testing.FakeCsvImportRun, CancellationToken, Task> ImportInto(NpgsqlDataSource db) => async (run, ct) =>
    {
        var destination = run.Import["destination"]!;
        var table = new TableName((string?)destination["schema"], (string)destination["table"]!);
        var columns = run.Import["tableColumns"]!.AsArray().Select(c => new ColumnDefinition((string)c!["name"]!, (string)c["sqlType"]!));
        var keys = destination["primaryKeys"]?.AsArray().Select(k => (string)k!).ToList();
        var mode = (string?)run.Import["existingTableRows"] switch
        {
            "drop" => WriteMode.Drop,
            "truncate" => WriteMode.Truncate,
            "fail" => WriteMode.Fail,
            "upsert" => WriteMode.Upsert,
            _ => WriteMode.Append,
        };
        var compression = (string?)run.Import["compression"] == "gzip" ? CsvCompression.Gzip : CsvCompression.None;
        var csv = new CsvSource(new MemoryStream(run.Files[0]!)) { HasHeader = (bool)run.Import["firstRowIsHeader"]!, Compression = compression };
        await db.LoadCsvAsync(table, csv, mode, new TableDefinition(columns, keys), ct);
    };

    /// <summary>The text, UTF-8, gzip-compressed.</summary>
    public static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }

    /// <summary>Whether a recorded request uploads a file (a form post or a multipart upload).</summary>
    public static bool IsUpload(Aqueduct.Civis.Testing.FakeCivisRequest request) =>
        request.Method == "POST" && request.Path.StartsWith("/files", StringComparison.Ordinal);

    public static async Task<List<string>> RowsAsync(NpgsqlDataSource db, string sql)
    {
        var rows = new List<string>();
        await using var command = db.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var values = new string[reader.FieldCount];
            for (var i = 0; i < reader.FieldCount; i++)
            {
                values[i] = reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!;
            }

            rows.Add(string.Join("|", values));
        }

        return rows;
    }

    public static async Task ExecuteAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
