using Npgsql;
using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Warehouse;

public class WarehouseConnectionFactoryTests
{
    /// <summary>Injected variables of a production Postgres parameter, with a password that tries to inject a host.</summary>
    internal static readonly (string, string?)[] ProductionPostgres =
    [
        ("POSTGRES_HOST", "pg.civis.example"), ("POSTGRES_PORT", "5432"), ("POSTGRES_DATABASE", "city"),
        ("POSTGRES_CREDENTIAL_USERNAME", "svc"), ("POSTGRES_CREDENTIAL_PASSWORD", "p@ss word;Host=evil"),
    ];

    /// <summary>Injected variables of a production Redshift parameter.</summary>
    internal static readonly (string, string?)[] ProductionRedshift =
    [
        ("REDSHIFT_HOST", "rs.civis.example"), ("REDSHIFT_DATABASE", "dev"),
        ("REDSHIFT_CREDENTIAL_USERNAME", "svc"), ("REDSHIFT_CREDENTIAL_PASSWORD", "pw"),
    ];

    [Fact]
    public void GetConnectionSettings_Dev_UsesTheUri()
    {
        using var factory = new WarehouseConnectionFactory(Create(("DEV", "1"), ("POSTGRES_URI", "postgres://ita:secret@postgres:5432/ita")));
        var s = factory.GetConnectionSettings(Civis.Warehouse.Postgres);
        Assert.Equal(("postgres", 5432, "ita", "ita", "secret"), (s.Host, s.Port, s.Database, s.Username, s.Password));
    }

    [Fact]
    public void GetConnectionSettings_Dev_AcceptsAKeyValueConnectionString()
    {
        using var factory = new WarehouseConnectionFactory(Create(("DEV", "1"), ("POSTGRES_URI", "Host=h;Database=d;Username=u")));
        Assert.Equal("h", factory.GetConnectionSettings(Civis.Warehouse.Postgres).Host);
    }

    [Fact]
    public void GetConnectionSettings_Production_BuildsFromPartsWithoutConcatenation()
    {
        using var factory = new WarehouseConnectionFactory(Create(ProductionPostgres));
        var s = factory.GetConnectionSettings(Civis.Warehouse.Postgres);
        Assert.Equal("pg.civis.example", s.Host);
        Assert.Equal("p@ss word;Host=evil", s.Password);

        // The password survives a round trip through the connection string intact.
        var again = new NpgsqlConnectionStringBuilder(s.ConnectionString);
        Assert.Equal("pg.civis.example", again.Host);
        Assert.Equal("p@ss word;Host=evil", again.Password);
    }

    [Fact]
    public void GetConnectionSettings_ProductionRedshift_Port5439TlsRequired()
    {
        using var factory = new WarehouseConnectionFactory(Create(ProductionRedshift));
        var s = factory.GetConnectionSettings(Civis.Warehouse.Redshift);
        Assert.Equal(5439, s.Port);
        Assert.Equal(SslMode.Require, s.SslMode);
    }

    [Fact]
    public void GetConnectionSettings_DevRedshift_KeepsTheMockUnencrypted()
    {
        using var factory = new WarehouseConnectionFactory(Create(("DEV", "1"), ("REDSHIFT_URI", "postgres://ita:secret@redshift:5432/ita")));
        var s = factory.GetConnectionSettings(Civis.Warehouse.Redshift);
        Assert.Equal(5432, s.Port);
        Assert.Equal(SslMode.Prefer, s.SslMode);
    }

    [Fact]
    public void GetConnectionSettings_ConfiguredParameterName_IsUsed()
    {
        var env = Create(("WAREHOUSE_HOST", "h"), ("WAREHOUSE_DATABASE", "d"), ("WAREHOUSE_CREDENTIAL_USERNAME", "u"), ("WAREHOUSE_CREDENTIAL_PASSWORD", "p"));
        using var factory = new WarehouseConnectionFactory(env, new WarehouseOptions { PostgresParameterName = "warehouse" });
        Assert.Equal("h", factory.GetConnectionSettings(Civis.Warehouse.Postgres).Host);
    }

    [Fact]
    public void GetConnectionSettings_DevWithoutUri_FallsBackToTheParameter()
    {
        using var factory = new WarehouseConnectionFactory(Create([("DEV", "1"), .. ProductionPostgres]));
        Assert.Equal("pg.civis.example", factory.GetConnectionSettings(Civis.Warehouse.Postgres).Host);
    }

    [Fact]
    public void GetConnectionSettings_ApplicationName_NamesJobAndRunOnThePlatform()
    {
        using var factory = new WarehouseConnectionFactory(Create([("CIVIS_JOB_ID", "12"), ("CIVIS_RUN_ID", "34"), .. ProductionPostgres]));
        Assert.Equal("aqueduct-civis job 12 run 34", factory.GetConnectionSettings(Civis.Warehouse.Postgres).ApplicationName);
    }

    [Fact]
    public void GetConnectionSettings_DevNothingSet_ErrorNamesModeAndEveryVariable()
    {
        using var factory = new WarehouseConnectionFactory(Create(("DEV", "1")));
        var e = Assert.Throws<CivisEnvironmentException>(() => factory.GetConnectionSettings(Civis.Warehouse.Redshift));
        Assert.Contains("DEV mode", e.Message, StringComparison.Ordinal);
        Assert.Equal(
            ["REDSHIFT_URI", "REDSHIFT_HOST", "REDSHIFT_PORT", "REDSHIFT_DATABASE", "REDSHIFT_CREDENTIAL_USERNAME", "REDSHIFT_CREDENTIAL_PASSWORD"],
            e.VariableNames);
        foreach (var name in e.VariableNames)
        {
            Assert.Contains(name, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void GetConnectionSettings_ProductionNothingSet_ErrorNamesModeAndEveryVariable()
    {
        using var factory = new WarehouseConnectionFactory(Create());
        var e = Assert.Throws<CivisEnvironmentException>(() => factory.GetConnectionSettings(Civis.Warehouse.Postgres));
        Assert.Contains("production mode", e.Message, StringComparison.Ordinal);
        Assert.Equal(
            ["POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_DATABASE", "POSTGRES_CREDENTIAL_USERNAME", "POSTGRES_CREDENTIAL_PASSWORD", "POSTGRES_URI"],
            e.VariableNames);
    }

    [Fact]
    public void GetConnectionSettings_BadUri_NamesTheVariableWithoutThePassword()
    {
        using var factory = new WarehouseConnectionFactory(Create(("DEV", "1"), ("POSTGRES_URI", "postgres://u:Secret%zz@h/d")));
        var e = Assert.Throws<CivisEnvironmentException>(() => factory.GetConnectionSettings(Civis.Warehouse.Postgres));
        Assert.Equal(["POSTGRES_URI"], e.VariableNames);
        Assert.DoesNotContain("Secret", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetDataSource_MissingSettings_ThrowsAndCanBeRetried()
    {
        using var factory = new WarehouseConnectionFactory(Create());
        Assert.Throws<CivisEnvironmentException>(() => factory.GetDataSource(Civis.Warehouse.Postgres));
        Assert.Throws<CivisEnvironmentException>(() => factory.GetDataSource(Civis.Warehouse.Postgres));
    }

    [Fact]
    public void GetDataSource_SameWarehouse_ReturnsTheSameInstance()
    {
        using var factory = new WarehouseConnectionFactory(Create(ProductionPostgres));
        Assert.Same(factory.GetDataSource(Civis.Warehouse.Postgres), factory.GetDataSource(Civis.Warehouse.Postgres));
    }

    [Fact]
    public void GetDataSource_AfterDispose_Throws()
    {
        var factory = new WarehouseConnectionFactory(Create(ProductionPostgres));
        factory.Dispose();
        Assert.Throws<ObjectDisposedException>(() => factory.GetDataSource(Civis.Warehouse.Postgres));
    }
}
