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
