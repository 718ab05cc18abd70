using System.Runtime.CompilerServices;
using Npgsql;

namespace Aqueduct.Civis;

/// <summary>
/// Remembers the data sources <see cref="WarehouseConnectionFactory"/> builds for the Redshift warehouse, so the direct
/// COPY methods refuse them at once, in DEV too (where a PostgreSQL server would take the COPY and hide the trap).
/// </summary>
internal static class RedshiftGuard
{
    private static readonly ConditionalWeakTable<NpgsqlDataSource, object> Redshift = [];

    public static void Mark(NpgsqlDataSource dataSource) => Redshift.AddOrUpdate(dataSource, Redshift);

    public static bool IsRedshift(NpgsqlDataSource dataSource) => Redshift.TryGetValue(dataSource, out _);

    public static void ThrowIfRedshift(NpgsqlDataSource dataSource)
    {
        if (dataSource is not null && IsRedshift(dataSource))
        {
            throw new NotSupportedException(
                "This is the Redshift warehouse's data source, and Redshift takes no COPY from or to the client: load and export it " +
                "through its front door, the CivisWarehouse of job.Redshift (or WarehouseConnectionFactory.GetWarehouse(Warehouse.Redshift), " +
                "or [FromKeyedServices(Warehouse.Redshift)] CivisWarehouse), which chooses the route (the Civis import and export APIs in " +
                "production). Keep the data source for SQL and Dapper.");
        }
    }
}
