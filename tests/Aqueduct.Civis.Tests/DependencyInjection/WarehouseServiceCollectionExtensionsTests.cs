using Aqueduct.Civis.Testing;
using Aqueduct.Civis.Tests.Warehouse;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Aqueduct.Civis.Tests.Data.TestCsv;
using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.DependencyInjection;

using Warehouse = Aqueduct.Civis.Warehouse;

/// <summary>AddCivisWarehouses: the factory, the keyed data sources and the keyed front doors, against a real server.</summary>
public sealed class WarehouseServiceCollectionExtensionsTests(JobRoleFixture database) : IClassFixture<JobRoleFixture>, IAsyncLifetime
{
    private FakeCivisApi _api = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _api = await FakeCivisApi.StartAsync(cancellationToken: Ct);
        _api.CsvImportHandler = ImportInto(database.DataSource);
        _api.SqlExportHandler = RunOn(database.DataSource);
    }

    public async ValueTask DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public void AddCivisWarehouses_ProductionVariables_RegistersFactoryAndKeyedDataSources()
    {
        var services = new ServiceCollection();
        services.AddSingleton(Create([.. WarehouseConnectionFactoryTests.ProductionPostgres, .. WarehouseConnectionFactoryTests.ProductionRedshift]));
        services.AddCivisWarehouses(o => o.ApplicationName = "di-test");
        using var provider = services.BuildServiceProvider();

        var factory = provider.GetRequiredService<WarehouseConnectionFactory>();
        var postgres = provider.GetRequiredKeyedService<NpgsqlDataSource>(Warehouse.Postgres);
        var redshift = provider.GetRequiredKeyedService<NpgsqlDataSource>(Warehouse.Redshift);

        Assert.Same(factory.GetDataSource(Warehouse.Postgres), postgres);
        Assert.NotSame(postgres, redshift);
        Assert.Contains("di-test", postgres.ConnectionString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddCivisWarehouses_KeyedDataSource_RunsADapperQuery()
    {
        var server = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        var services = new ServiceCollection();
        services.AddSingleton(Create(
            ("POSTGRES_HOST", server.Host), ("POSTGRES_PORT", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("POSTGRES_DATABASE", server.Database), ("POSTGRES_CREDENTIAL_USERNAME", database.Role), ("POSTGRES_CREDENTIAL_PASSWORD", JobRoleFixture.Password)));
        services.AddCivisWarehouses();
        await using var provider = services.BuildServiceProvider();

        var dataSource = provider.GetRequiredKeyedService<NpgsqlDataSource>(Warehouse.Postgres);
        await using var connection = await dataSource.OpenConnectionAsync(Ct);

        Assert.Equal(2L, await connection.QuerySingleAsync<long>("select count(*) from transportation.bike_trips"));
    }

    [Fact]
    public async Task AddCivisWarehouses_KeyedCivisWarehouse_ResolvesFrontDoorWithRegisteredClient()
    {
        var trips = new TableDefinition([new("trip_id", "integer", nullable: false), new("bike_type", "text")], ["trip_id"]);
        var services = new ServiceCollection();
        services.AddSingleton(Create(("POSTGRES_URI", database.ConnectionString), ("REDSHIFT_URI", database.ConnectionString), ("REDSHIFT_ID", "7"), ("REDSHIFT_CREDENTIAL_ID", "9")));
        services.AddSingleton(new CivisClient(_api.CreateClientOptions()));
        services.AddCivisWarehouses(o => o.ConfigureDataSource = static (_, b) => b.ConnectionStringBuilder.SslMode = SslMode.Disable);
        await using var provider = services.BuildServiceProvider();

        var redshift = provider.GetRequiredKeyedService<CivisWarehouse>(Warehouse.Redshift);
        await redshift.LoadCsvAsync(TableName.Parse("door_di"), From("trip_id,bike_type\n1,x\n"), WriteMode.Drop, trips, Ct);

        Assert.Equal(Warehouse.Redshift, redshift.Warehouse);
        Assert.Equal(WarehouseRoute.CivisPlatform, redshift.Route);
        Assert.Same(provider.GetRequiredKeyedService<NpgsqlDataSource>(Warehouse.Redshift), redshift.DataSource);
        Assert.Equal(7, (int?)Assert.Single(_api.CsvImportRuns).Import["destination"]!["remoteHostId"]);
        Assert.Equal(["1|x"], await RowsAsync(database.DataSource, "SELECT * FROM door_di"));
    }
}
