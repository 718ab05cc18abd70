namespace Aqueduct.Civis;

/// <summary>How a <see cref="WarehouseLoader"/> moves data in and out of a warehouse.</summary>
public enum WarehouseRoute
{
    /// <summary>
    /// Straight to the database through COPY (<see cref="DataMovementExtensions"/>): the Postgres warehouse
    /// always, and the Redshift warehouse in DEV, where a PostgreSQL server stands in for it.
    /// </summary>
    Copy,

    /// <summary>
    /// Through the Civis API: loads upload the CSV to Civis Files and run a CSV import, exports run a SQL script
    /// with CSV output. The Redshift warehouse in production, which has no <c>COPY … FROM STDIN</c>.
    /// </summary>
    CivisPlatform,
}
