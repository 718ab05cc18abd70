namespace Aqueduct.Civis;

/// <summary>How a warehouse's front door (<see cref="CivisWarehouse"/>) moves data in and out of it; see <see cref="CivisWarehouse.Route"/>.</summary>
public enum WarehouseRoute
{
    /// <summary>
    /// Straight to the database through COPY: the Postgres warehouse, and the Redshift warehouse in DEV, where a
    /// PostgreSQL server stands in for it (<c>AQUEDUCT_WAREHOUSE_ROUTE=direct</c> forces it).
    /// </summary>
    Copy,

    /// <summary>
    /// Through the Civis API: loads upload the CSV to Civis Files and run a CSV import, exports run a SQL script
    /// with CSV output. The Redshift warehouse in production, which has no <c>COPY … FROM STDIN</c>, and every warehouse
    /// with <c>AQUEDUCT_WAREHOUSE_ROUTE=platform</c>.
    /// </summary>
    CivisPlatform,
}
