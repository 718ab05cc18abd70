#pragma warning disable CS0618 // WarehouseLoader is obsolete: its registration still has to work.
using Aqueduct.Civis.Testing;
using Aqueduct.Civis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Aqueduct.Civis.Tests.Data.TestCsv;
using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.DependencyInjection;

using Warehouse = Aqueduct.Civis.Warehouse;

/// <summary>AddWarehouseLoader: the obsolete loader resolves and delegates to the front door.</summary>
public sealed class WarehouseLoaderServiceCollectionExtensionsTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>, IAsyncLifetime
{
    private FakeCivisApi _api = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _api = await FakeCivisApi.StartAsync(cancellationToken: Ct);
        _api.SqlExportHandler = RunOn(db.DataSource);
    }

    public async ValueTask DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task AddWarehouseLoader_WithCivisClient_ResolvesLoaderThatReachesPlatform()
    {
        await ExecuteAsync(db.DataSource, "CREATE TABLE trips (trip_id integer)");
        var services = new ServiceCollection();
        services.AddSingleton(Create(("REDSHIFT_URI", db.ConnectionString)));
        services.AddSingleton(new CivisClient(_api.CreateClientOptions()));
        services.AddWarehouseLoader(o => (o.RedshiftDatabaseId, o.CredentialId) = (7, 9));
        await using var provider = services.BuildServiceProvider();

        var loader = provider.GetRequiredService<WarehouseLoader>();
        await loader.LoadCsvAsync(Warehouse.Redshift, TableName.Parse("trips"), From("trip_id\n1\n"), WriteMode.Append, cancellationToken: Ct);

        Assert.Equal(WarehouseRoute.CivisPlatform, loader.GetRoute(Warehouse.Redshift));
        var destination = Assert.Single(_api.CsvImportRuns).Import["destination"]!;
        Assert.Equal((7, 9), ((int?)destination["remoteHostId"], (int?)destination["credentialId"]));
    }
}
