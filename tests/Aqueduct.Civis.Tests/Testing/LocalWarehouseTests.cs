using Aqueduct.Civis.Testing;
using Aqueduct.Civis.Tests.Infrastructure;
using Npgsql;

namespace Aqueduct.Civis.Tests.Testing;

public sealed class LocalWarehouseTests(PostgresServerFixture serverFixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<LocalWarehouseOptions> OnRunServerAsync(params (string Name, string Value)[] variables)
    {
        var server = await serverFixture.GetServerAsync();
        var all = variables.ToDictionary(v => v.Name, v => (string?)v.Value);
        all[PostgresServerEnvironment.UriVariable] = server.ConnectionString;
        return new LocalWarehouseOptions { GetEnvironmentVariable = name => all.GetValueOrDefault(name) };
    }

    [Fact]
    public async Task StartAsync_NoUris_CreatesTwoDatabasesTheFactoryConnectsTo()
    {
        await using var warehouse = await LocalWarehouse.StartAsync(await OnRunServerAsync(), Cancel);
        await using var factory = new WarehouseConnectionFactory(warehouse.CreateEnvironment());

        var databases = new List<object?>();
        foreach (var w in new[] { Civis.Warehouse.Postgres, Civis.Warehouse.Redshift })
        {
            await using var connection = await factory.OpenConnectionAsync(w, Cancel);
            databases.Add(await new NpgsqlCommand("select current_database()", connection).ExecuteScalarAsync(Cancel));
        }

        Assert.NotNull(warehouse.Server);
        Assert.Equal("1", warehouse.Variables["DEV"]);
        Assert.StartsWith("postgresql://", warehouse.PostgresUri, StringComparison.Ordinal);
        Assert.Equal(PostgresUri.Parse(warehouse.PostgresUri).Database, databases[0]);
        Assert.Equal(PostgresUri.Parse(warehouse.RedshiftUri).Database, databases[1]);
        Assert.NotEqual(databases[0], databases[1]);
    }

    [Fact]
    public async Task DisposeAsync_NotKept_DropsItsDatabases()
    {
        var warehouse = await LocalWarehouse.StartAsync(await OnRunServerAsync(), Cancel);
        var names = new[] { PostgresUri.Parse(warehouse.PostgresUri).Database!, PostgresUri.Parse(warehouse.RedshiftUri).Database! };

        await warehouse.DisposeAsync();

        Assert.Equal(0L, await CountDatabasesAsync(names));
    }

    [Fact]
    public async Task DisposeAsync_KeptOnExistingServer_LeavesItsDatabases()
    {
        var warehouse = await LocalWarehouse.StartAsync(await OnRunServerAsync((LocalWarehouseOptions.KeepVariable, "1")), Cancel);
        var names = new[] { PostgresUri.Parse(warehouse.PostgresUri).Database!, PostgresUri.Parse(warehouse.RedshiftUri).Database! };

        await warehouse.DisposeAsync();

        try
        {
            Assert.True(warehouse.Keep);
            Assert.Equal(2L, await CountDatabasesAsync(names));
        }
        finally
        {
            var server = await serverFixture.GetServerAsync();
            foreach (var name in names)
            {
                await server.DropDatabaseAsync(name, Cancel);
            }
        }
    }

    [Fact]
    public async Task StartAsync_BothUrisSet_UsesThemAsTheyAreAndStartsNothing()
    {
        var options = new LocalWarehouseOptions
        {
            GetEnvironmentVariable = name => name switch
            {
                "POSTGRES_URI" => "postgres://ita:secret@postgres:5432/ita",
                "REDSHIFT_URI" => "postgres://ita:secret@redshift:5432/ita",
                _ => null,
            },
        };

        await using var warehouse = await LocalWarehouse.StartAsync(options, Cancel);

        Assert.Null(warehouse.Server);
        Assert.Equal("postgres://ita:secret@postgres:5432/ita", warehouse.PostgresUri);
        Assert.Equal("postgres://ita:secret@redshift:5432/ita", warehouse.RedshiftUri);
        Assert.DoesNotContain("secret", warehouse.ToString(), StringComparison.Ordinal);
    }

    private async Task<long> CountDatabasesAsync(string[] names)
    {
        var server = await serverFixture.GetServerAsync();
        await using var admin = NpgsqlDataSource.Create(server.ConnectionString);
        await using var command = admin.CreateCommand("select count(*) from pg_database where datname = any($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = names });
        return (long)(await command.ExecuteScalarAsync(Cancel))!;
    }
}
