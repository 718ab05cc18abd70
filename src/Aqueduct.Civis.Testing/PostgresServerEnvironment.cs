namespace Aqueduct.Civis.Testing;

/// <summary>The environment variables that choose where a <see cref="PostgresServer"/> comes from.</summary>
public static class PostgresServerEnvironment
{
    /// <summary>
    /// A running server to use instead of starting one: a superuser connection as a <c>postgres://</c> or
    /// <c>postgresql://</c> URI, or as an Npgsql connection string (<c>Host=...;Username=...;Password=...</c>).
    /// </summary>
    public const string UriVariable = "AQUEDUCT_TEST_POSTGRES_URI";

    /// <summary>
    /// Forces one source, with no fallback: <c>uri</c>, <c>docker</c> or <c>binaries</c>.
    /// </summary>
    public const string SourceVariable = "AQUEDUCT_TEST_POSTGRES_SOURCE";

    /// <summary>The directory holding the PostgreSQL server binaries (<c>initdb</c>, <c>pg_ctl</c>, <c>postgres</c>).</summary>
    public const string BinDirectoryVariable = "AQUEDUCT_POSTGRES_BIN";

    /// <summary>
    /// The port, or range of ports, a server started from the binaries listens on (<c>5500</c> or <c>5500-5599</c>),
    /// for shared CI machines whose firewall or neighbours allow only some; unset for any free port.
    /// </summary>
    public const string PortVariable = "AQUEDUCT_LOCAL_WAREHOUSE_PORT";

    /// <summary>
    /// The directory of the kept local warehouse (<c>AQUEDUCT_KEEP_LOCAL_WAREHOUSE=1</c>); unset for
    /// <c>aqueduct-local-warehouse-USER</c> in the temporary directory.
    /// </summary>
    public const string KeptDirectoryVariable = "AQUEDUCT_LOCAL_WAREHOUSE_DIR";
}
