using Aqueduct.Civis.Tests.Infrastructure;
using Dapper;
using Npgsql;
using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Warehouse;

/// <summary>The factory against a real server: DEV through a URI, production through injected variables.</summary>
public sealed class WarehouseIntegrationTests(JobRoleFixture database) : IClassFixture<JobRoleFixture>
{
    private string Role => database.Role;

    private const string AwkwardPassword = JobRoleFixture.Password;

    private NpgsqlConnectionStringBuilder Server => new(database.ConnectionString);

    private (string, string?)[] ProductionVariables(string parameter) =>
    [
        (parameter + "_HOST", Server.Host), (parameter + "_PORT", Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        (parameter + "_DATABASE", Server.Database), (parameter + "_CREDENTIAL_USERNAME", Role),
        (parameter + "_CREDENTIAL_PASSWORD", AwkwardPassword),
    ];

    [Fact]
    public async Task OpenConnection_DevWithPostgresUri_RunsADapperQuery()
    {
        var uri = PostgresUri.Format(Server.Host!, Server.Port, Server.Database, Role, AwkwardPassword);
        await using var factory = new WarehouseConnectionFactory(Create(("DEV", "1"), ("POSTGRES_URI", uri)));

        await using var connection = await factory.OpenConnectionAsync(Civis.Warehouse.Postgres, TestContext.Current.CancellationToken);
        var trips = await connection.QueryAsync<(int TripId, string BikeType)>("select trip_id, bike_type from transportation.bike_trips order by trip_id");

        Assert.Equal([(1, "electric"), (2, "standard")], trips);
    }

    [Fact]
    public async Task OpenConnection_ProductionWithInjectedVariablesAndAwkwardPassword_RunsADapperQuery()
    {
        await using var factory = new WarehouseConnectionFactory(Create(ProductionVariables("POSTGRES")));

        await using var connection = await factory.OpenConnectionAsync(Civis.Warehouse.Postgres, TestContext.Current.CancellationToken);
        var who = await connection.QuerySingleAsync<(string User, string Database, string Application)>(
            "select current_user, current_database(), current_setting('application_name')");

        Assert.Equal((Role, Server.Database!, "aqueduct-civis"), who);
    }

    [Fact]
    public async Task OpenConnection_WrongInjectedPassword_FailsWithoutShowingIt()
    {
        var variables = ProductionVariables("POSTGRES").Select(v => v.Item1 == "POSTGRES_CREDENTIAL_PASSWORD" ? (v.Item1, "Wrong-Secret-42") : v).ToArray();
        await using var factory = new WarehouseConnectionFactory(Create(variables));

        var e = await Assert.ThrowsAsync<PostgresException>(async () =>
            await factory.OpenConnectionAsync(Civis.Warehouse.Postgres, TestContext.Current.CancellationToken));

        Assert.Equal(PostgresErrorCodes.InvalidPassword, e.SqlState);
        Assert.DoesNotContain("Wrong-Secret-42", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenConnection_DevRedshiftMock_WorksWithoutTypeLoading()
    {
        var uri = PostgresUri.Format(Server.Host!, Server.Port, Server.Database, Role, AwkwardPassword);
        await using var factory = new WarehouseConnectionFactory(Create(("DEV", "true"), ("REDSHIFT_URI", uri)));

        await using var connection = await factory.OpenConnectionAsync(Civis.Warehouse.Redshift, TestContext.Current.CancellationToken);
        var row = await connection.QuerySingleAsync<(int, string, DateTime, decimal)>(
            "select 1, 'text'::varchar, timestamp '2026-03-08 02:30:00', 12.50::numeric(10,2)");

        Assert.Equal((1, "text", new DateTime(2026, 3, 8, 2, 30, 0), 12.50m), row);
    }
}
