using Aqueduct.Civis.Tests.Infrastructure;
using Npgsql;
using static Aqueduct.Civis.Tests.Data.TestCsv;
using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Warehouse;

using Warehouse = Aqueduct.Civis.Warehouse;

/// <summary>Direct COPY into the Redshift warehouse's data source fails at once, in DEV too, naming the front door.</summary>
public sealed class RedshiftGuardTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WarehouseConnectionFactory Warehouses() => new(Create(("DEV", "1"), ("POSTGRES_URI", db.ConnectionString), ("REDSHIFT_URI", db.ConnectionString)));

    [Fact]
    public async Task LoadCsvAsync_RedshiftDataSource_ThrowsNamingFrontDoorBeforeConnecting()
    {
        await using var warehouses = Warehouses();
        var redshift = warehouses.GetDataSource(Warehouse.Redshift);

        var error = await Assert.ThrowsAsync<NotSupportedException>(() =>
            redshift.LoadCsvAsync(TableName.Parse("guard_trips"), From("trip_id\n1\n"), WriteMode.Append, cancellationToken: Ct));

        Assert.Contains("job.Redshift", error.Message, StringComparison.Ordinal);
        Assert.Contains("CivisWarehouse", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync<long>(db.DataSource, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'guard_trips'"));
    }

    [Fact]
    public async Task LoadAsync_RedshiftDataSourceTypedRows_ThrowsNamingFrontDoor()
    {
        await using var warehouses = Warehouses();
        var redshift = warehouses.GetDataSource(Warehouse.Redshift);

        var error = await Assert.ThrowsAsync<NotSupportedException>(() =>
            redshift.LoadAsync(TableName.Parse("guard_rows"), new[] { new { trip_id = 1 } }, WriteMode.Append, cancellationToken: Ct));

        Assert.Contains("job.Redshift", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportCsvAsync_RedshiftDataSource_ThrowsNamingFrontDoor()
    {
        await using var warehouses = Warehouses();
        using var output = new MemoryStream();

        var error = await Assert.ThrowsAsync<NotSupportedException>(() =>
            warehouses.GetDataSource(Warehouse.Redshift).ExportCsvAsync("SELECT 1", output, cancellationToken: Ct));

        Assert.Contains("job.Redshift", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public async Task LoadCsvAsync_PostgresDataSource_StillLoadsDirectly()
    {
        await using var warehouses = Warehouses();

        var result = await warehouses.GetDataSource(Warehouse.Postgres).LoadCsvAsync(TableName.Parse("guard_postgres"), From("trip_id\n1\n"), WriteMode.Append,
            new Civis.TableDefinition([new("trip_id", "integer")]), Ct);

        Assert.Equal(1L, result.RowsInserted);
    }
}
