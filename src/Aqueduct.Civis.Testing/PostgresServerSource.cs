namespace Aqueduct.Civis.Testing;

/// <summary>Where a <see cref="PostgresServer"/> comes from.</summary>
public enum PostgresServerSource
{
    /// <summary>
    /// A server that already runs, named by <c>AQUEDUCT_TEST_POSTGRES_URI</c>; it is left running on dispose.
    /// </summary>
    ExistingServer,

    /// <summary>A container started through Testcontainers on a Docker engine.</summary>
    Docker,

    /// <summary>A server started from the machine's PostgreSQL binaries (<c>initdb</c> and <c>pg_ctl</c>).</summary>
    LocalBinaries,
}
