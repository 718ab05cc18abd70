using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace Aqueduct.Civis.Testing.Internal;

/// <summary>
/// What a kept local warehouse's server needs to be found again: its port, its superuser password and the binaries
/// that run it, in <c>warehouse.json</c> in its directory (readable by its owner only).
/// </summary>
/// <remarks>
/// <c>dotnet civis local-warehouse remove</c> reads the same file (<c>port</c>, <c>binDirectory</c>) to stop the server.
/// </remarks>
internal sealed record KeptState(int Port, string Password, string BinDirectory)
{
    /// <summary>The superuser connection string to the server's maintenance database.</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = IPAddress.Loopback.ToString(),
        Port = Port,
        Username = "postgres",
        Password = Password,
        Database = "postgres",
    }.ConnectionString;

    /// <summary>Reads the file; <see langword="null"/> when it is missing or unreadable (the directory is then started afresh).</summary>
    public static KeptState? Read(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            return new KeptState(
                root.GetProperty("port").GetInt32(),
                root.GetProperty("password").GetString() ?? string.Empty,
                root.GetProperty("binDirectory").GetString() ?? string.Empty);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Writes the file, readable by this account only.</summary>
    public void Write(string path)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("port", Port);
            writer.WriteString("password", Password);
            writer.WriteString("binDirectory", BinDirectory);
            writer.WriteString("written", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }

        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var file = new FileStream(path, options);
        file.Write(buffer.ToArray());
        file.Write(Encoding.UTF8.GetBytes("\n"));
    }

    /// <summary>Never the password.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"KeptState {{ Port = {Port}, BinDirectory = {BinDirectory} }}");
}
