using System.Diagnostics;
using System.Text;
using Aqueduct.Civis.Tests.Infrastructure;
using Npgsql;

namespace Aqueduct.Civis.Tests.Warehouse;

/// <summary>
/// libpq is the oracle: roles whose passwords hold every awkward character are created on a real
/// server (password authentication on), then <c>psql</c> must accept the URIs the library writes,
/// and URIs percent-encoded the standard ways must connect through the library's parser.
/// </summary>
public sealed class PostgresUriOracleTests(OracleRolesFixture database) : IClassFixture<OracleRolesFixture>
{
    public static TheoryData<string> AwkwardPasswords => new(OracleRolesFixture.Passwords);

    private NpgsqlConnectionStringBuilder Server => new(database.ConnectionString);

    private static int IndexOf(string password) => Array.IndexOf(OracleRolesFixture.Passwords, password);

    [Theory]
    [MemberData(nameof(AwkwardPasswords))]
    public async Task Format_AwkwardPassword_PsqlAcceptsTheUri(string password)
    {
        var role = database.RoleName(IndexOf(password));
        var uri = PostgresUri.Format(Server.Host!, Server.Port, Server.Database, role, password);

        var (exitCode, output) = await RunPsqlAsync(uri, "select current_user");

        Assert.True(exitCode == 0, $"psql rejected the URI the library formatted (exit {exitCode}): {output.Replace(password, "***", StringComparison.Ordinal)}");
        Assert.Equal(role, output.Trim());
    }

    [Theory]
    [MemberData(nameof(AwkwardPasswords))]
    public async Task Parse_StandardEncodings_ConnectWithTheAwkwardPassword(string password)
    {
        var role = database.RoleName(IndexOf(password));
        foreach (var (encoding, encode) in StandardEncodings)
        {
            var uri = $"postgresql://{encode(role)}:{encode(password)}@{Server.Host}:{Server.Port}/{encode(Server.Database!)}";
            var settings = PostgresUri.Parse(uri);
            Assert.Equal(password, settings.Password);

            await using var connection = new NpgsqlConnection(settings.ConnectionString);
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new NpgsqlCommand("select current_user", connection);
            Assert.True(role == (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), $"encoding '{encoding}'");
        }
    }

    [Fact]
    public async Task QuotePlusEncoding_SpaceAsPlus_IsRejectedByPsqlToo()
    {
        // The old Python snippet's bug: quote_plus writes a space as '+', and libpq reads '+' as a plus.
        const string password = "with space";
        var role = database.RoleName(IndexOf(password));
        var uri = $"postgresql://{role}:with+space@{Server.Host}:{Server.Port}/{Server.Database}";

        var (exitCode, _) = await RunPsqlAsync(uri, "select 1");

        Assert.NotEqual(0, exitCode);
        Assert.Equal("with+space", PostgresUri.Parse(uri).Password);
    }

    [Fact]
    public async Task Parse_UriThatPsqlAccepts_ConnectsThroughNpgsql()
    {
        // The same URI, read by both libpq and the library, reaches the same role and database.
        const string password = "all @:/?#[]%+&= \"'\\ é";
        var role = database.RoleName(IndexOf(password));
        var uri = PostgresUri.Format(Server.Host!, Server.Port, Server.Database, role, password) + "?application_name=oracle%20test&sslmode=disable";

        var (exitCode, output) = await RunPsqlAsync(uri, "select current_user || '/' || current_database() || '/' || current_setting('application_name')");
        Assert.Equal(0, exitCode);

        await using var connection = new NpgsqlConnection(PostgresUri.Parse(uri).ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("select current_user || '/' || current_database() || '/' || current_setting('application_name')", connection);
        Assert.Equal(output.Trim(), (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Format_SeveralHostsWithTheirPorts_PsqlTriesEachWithItsPort()
    {
        // Port 1 refuses the connection, so libpq must move on to the second host with its own port.
        const string password = "all @:/?#[]%+&= \"'\\ é";
        var role = database.RoleName(IndexOf(password));
        var settings = new NpgsqlConnectionStringBuilder
        {
            Host = $"127.0.0.1:1,{Server.Host}:{Server.Port}",
            Port = PostgresUri.DefaultPort,
            Database = Server.Database,
            Username = role,
            Password = password,
        };
        var uri = PostgresUri.Format(settings);

        var (exitCode, output) = await RunPsqlAsync(uri, "select current_user || '/' || inet_server_port()");

        Assert.True(exitCode == 0, $"psql rejected the URI (exit {exitCode}): {output.Replace(password, "***", StringComparison.Ordinal)}");
        Assert.Equal($"{role}/{Server.Port}", output.Trim());
        Assert.Equal(PostgresUriTests.Settings(settings), PostgresUriTests.Settings(PostgresUri.Parse(uri)));
    }

    [Fact]
    public async Task Format_EmptyUserNameWithPassword_PsqlUsesThePassword()
    {
        // The user name comes from PGUSER, the password only from the URI.
        const string password = "colon:inside";
        var role = database.RoleName(IndexOf(password));
        var settings = new NpgsqlConnectionStringBuilder { Host = Server.Host, Port = Server.Port, Database = Server.Database, Password = password };
        var uri = PostgresUri.Format(settings);

        var (exitCode, output) = await RunPsqlAsync(uri, "select current_user", ("PGUSER", role));

        Assert.True(exitCode == 0, $"psql rejected the URI (exit {exitCode}): {output.Replace(password, "***", StringComparison.Ordinal)}");
        Assert.Equal(role, output.Trim());
        Assert.Equal(password, PostgresUri.Parse(uri).Password);
    }

    [Fact]
    public async Task Format_EveryLibpqParameter_PsqlAcceptsEachAndAppliesThem()
    {
        // Every setting with a libpq parameter (libpq 15 has no sslnegotiation or load_balance_hosts): psql rejects
        // an unknown name or a bad value, and applies the ones the server can show.
        const string password = "amp&and=equals";
        var role = database.RoleName(IndexOf(password));
        var settings = new NpgsqlConnectionStringBuilder
        {
            Host = Server.Host,
            Port = Server.Port,
            Database = Server.Database,
            Username = role,
            Password = password,
            Passfile = "/dev/null",
            Timeout = 7,
            ClientEncoding = "LATIN1",
            Options = "-c search_path=a,b -c statement_timeout=1234",
            ApplicationName = "every & param = ok",
            TcpKeepAlive = true,
            TcpKeepAliveTime = 30,
            TcpKeepAliveInterval = 5,
            SslMode = SslMode.Disable,
            SslCertificate = "/nonexistent/client.crt",
            SslKey = "/nonexistent/client.key",
            SslPassword = "ssl key & pw=?",
            RootCertificate = "/nonexistent/root.crt",
            ChannelBinding = ChannelBinding.Disable,
            GssEncryptionMode = GssEncryptionMode.Disable,
            KerberosServiceName = "krb svc",
            TargetSessionAttributes = "read-write",
        };
        var uri = PostgresUri.Format(settings);

        var (exitCode, output) = await RunPsqlAsync(
            uri,
            "select current_user || '|' || current_setting('application_name') || '|' || current_setting('search_path') || '|' || " +
            "current_setting('statement_timeout') || '|' || current_setting('client_encoding')");

        Assert.True(exitCode == 0, $"psql rejected the URI (exit {exitCode}): {output.Replace(password, "***", StringComparison.Ordinal)}");
        Assert.Equal($"{role}|every & param = ok|a,b|1234ms|LATIN1", output.Trim());
        Assert.Equal(PostgresUriTests.Settings(settings), PostgresUriTests.Settings(PostgresUri.Parse(uri)));
    }

    /// <summary>The ways people percent-encode a URI part.</summary>
    private static readonly (string Name, Func<string, string> Encode)[] StandardEncodings =
    [
        ("RFC 3986 (Uri.EscapeDataString, Python quote(safe=''))", Uri.EscapeDataString),
        ("every byte, upper-case hex", s => string.Concat(Encoding.UTF8.GetBytes(s).Select(b => $"%{b:X2}"))),
        ("every byte, lower-case hex", s => string.Concat(Encoding.UTF8.GetBytes(s).Select(b => $"%{b:x2}"))),
        ("RFC 3986 userinfo: unreserved and sub-delims left as they are", EncodeUserInfo),
    ];

    private static string EncodeUserInfo(string s)
    {
        var result = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            var c = (char)b;
            var keep = b < 0x80 && (char.IsAsciiLetterOrDigit(c) || "-._~".Contains(c, StringComparison.Ordinal) || "!$&'()*+,;=".Contains(c, StringComparison.Ordinal));
            result.Append(keep ? c.ToString() : $"%{b:X2}");
        }

        return result.ToString();
    }

    private static async Task<(int ExitCode, string Output)> RunPsqlAsync(string uri, string sql, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("psql")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-X", "-A", "-t", "-w", "-c", sql, uri })
        {
            start.ArgumentList.Add(argument);
        }

        // Nothing but the URI may supply connection settings.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["PGCONNECT_TIMEOUT"] = "10";
        start.Environment["PGPASSFILE"] = "/dev/null";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("psql did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output + await error);
    }
}
