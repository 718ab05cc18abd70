using Aqueduct.Civis.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Aqueduct.Civis.Tests.Warehouse;

/// <summary>A job's login role with an awkward password, and a small bike_trips table it may read.</summary>
public sealed class JobRoleFixture(PostgresServerFixture server) : PostgresDatabaseFixture(server)
{
    public const string Password = "p@ss word:/?#[]%+&=;\"'\\ ünï";

    public string Role { get; } = "aq_job_" + Guid.NewGuid().ToString("N")[..8];

    protected override async Task SeedAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var create = await connection.QuerySingleAsync<string>(
            "SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', @role, @password)", new { role = Role, password = Password });
        await connection.ExecuteAsync(create);
        await connection.ExecuteAsync(
            "CREATE SCHEMA transportation; " +
            "CREATE TABLE transportation.bike_trips (trip_id integer primary key, bike_type text); " +
            "INSERT INTO transportation.bike_trips VALUES (1, 'electric'), (2, 'standard'); " +
            $"GRANT USAGE ON SCHEMA transportation TO {Role}; GRANT SELECT ON transportation.bike_trips TO {Role};");
    }

    protected override async Task CleanUpServerAsync(NpgsqlDataSource serverDataSource)
    {
        await using var drop = serverDataSource.CreateCommand($"DROP ROLE IF EXISTS \"{Role}\"");
        await drop.ExecuteNonQueryAsync();
    }
}
