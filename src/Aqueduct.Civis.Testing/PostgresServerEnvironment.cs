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
}
