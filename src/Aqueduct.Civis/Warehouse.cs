namespace Aqueduct.Civis;

/// <summary>The City's two warehouses on the Civis Platform.</summary>
public enum Warehouse
{
    /// <summary>The PostgreSQL warehouse ("City of Los Angeles - Postgres").</summary>
    Postgres,

    /// <summary>The Amazon Redshift warehouse ("City of Los Angeles - Redshift"); a PostgreSQL server stands in for it in DEV.</summary>
    Redshift,
}
