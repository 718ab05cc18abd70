using System.Net;
using System.Net.Sockets;
using System.Text;
using Aqueduct.Civis.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Aqueduct.Civis.Tests.Testing;

/// <summary>
/// A warehouse connection that fails names the warehouse, the mode and the variables its settings came from, and never
/// the password, in any encoding: against the run's real server (a wrong password, TLS it does not offer) and a closed
/// port.
/// </summary>
public sealed class WarehouseConnectionFailureTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private const string Password = "Wr0ng p@ss/wörd:;%";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static CivisEnvironment Environment(params (string Name, string? Value)[] variables) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(variables.Select(v => new KeyValuePair<string, string?>(v.Name, v.Value))).Build());

    [Fact]
    public async Task OpenConnectionAsync_WrongPasswordInDev_NamesWarehouseModeAndVariableButNotThePassword()
    {
        var settings = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Password = Password };
        await using var warehouses = new WarehouseConnectionFactory(Environment(("DEV", "1"), ("POSTGRES_URI", PostgresUri.Format(settings))));

        var ex = await Assert.ThrowsAsync<PostgresException>(async () => await warehouses.OpenConnectionAsync(Civis.Warehouse.Postgres, Cancel));

        Assert.Equal(PostgresErrorCodes.InvalidPassword, ex.SqlState);
        Assert.Contains("Postgres warehouse", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DEV mode", ex.Message, StringComparison.Ordinal);
        Assert.Contains("POSTGRES_URI", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"user '{settings.Username}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("28P01", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Check the user name and password", ex.Message, StringComparison.Ordinal);
        AssertNoPassword(ex);
    }

    [Fact]
    public async Task OpenConnectionAsync_ClosedPortInProduction_NamesTheParameterVariablesAndSaysCheckHost()
    {
        var port = ClosedPort();
        await using var warehouses = new WarehouseConnectionFactory(Environment(
            ("POSTGRES_HOST", "127.0.0.1"), ("POSTGRES_PORT", port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("POSTGRES_DATABASE", "ita"), ("POSTGRES_CREDENTIAL_USERNAME", "ita"), ("POSTGRES_CREDENTIAL_PASSWORD", Password)));

        var ex = await Assert.ThrowsAsync<NpgsqlException>(async () => await warehouses.OpenConnectionAsync(Civis.Warehouse.Postgres, Cancel));

        Assert.Contains("production mode", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the database parameter 'POSTGRES' (POSTGRES_HOST, POSTGRES_PORT", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"host 127.0.0.1, port {port}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Check the host and port", ex.Message, StringComparison.Ordinal);
        AssertNoPassword(ex);
    }

    [Fact]
    public async Task OpenConnectionAsync_TlsRequiredByServerWithoutTls_SaysCheckTls()
    {
        // Redshift in production requires TLS; the test server offers none.
        var server = new NpgsqlConnectionStringBuilder(db.ConnectionString);
        await using var warehouses = new WarehouseConnectionFactory(Environment(
            ("REDSHIFT_HOST", server.Host), ("REDSHIFT_PORT", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("REDSHIFT_DATABASE", server.Database), ("REDSHIFT_CREDENTIAL_USERNAME", server.Username), ("REDSHIFT_CREDENTIAL_PASSWORD", Password)));

        var ex = await Assert.ThrowsAsync<NpgsqlException>(async () => await warehouses.OpenConnectionAsync(Civis.Warehouse.Redshift, Cancel));

        Assert.Contains("Redshift warehouse in production mode", ex.Message, StringComparison.Ordinal);
        Assert.Contains("REDSHIFT_HOST", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TLS Require", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Check the TLS settings", ex.Message, StringComparison.Ordinal);
        AssertNoPassword(ex);
    }

    [Fact]
    public async Task OpenConnectionAsync_Cancelled_IsNotWrapped()
    {
        await using var warehouses = new WarehouseConnectionFactory(Environment(("DEV", "1"), ("POSTGRES_URI", $"postgres://ita:x@127.0.0.1:{ClosedPort()}/ita")));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await warehouses.OpenConnectionAsync(Civis.Warehouse.Postgres, new CancellationToken(canceled: true)));
    }

    private static void AssertNoPassword(Exception ex)
    {
        var text = ex.ToString();
        foreach (var form in new[]
        {
            Password, Uri.EscapeDataString(Password), WebUtility.UrlEncode(Password),
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Password)), "p@ss",
        })
        {
            Assert.DoesNotContain(form, text, StringComparison.Ordinal);
        }
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
