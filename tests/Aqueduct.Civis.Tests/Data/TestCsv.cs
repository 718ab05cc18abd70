using System.Text;
using Npgsql;

namespace Aqueduct.Civis.Tests.Data;

/// <summary>Small helpers shared by the data movement tests.</summary>
internal static class TestCsv
{
    public static CsvSource From(string text, bool header = true) =>
        new(new MemoryStream(Encoding.UTF8.GetBytes(text))) { HasHeader = header };

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
