using Aqueduct.Civis.Testing;
using Npgsql;

namespace Aqueduct.Civis.Tests.Infrastructure;

/// <summary>
/// A new database on the run's shared server for one test class (a class fixture), so that classes run in parallel
/// without seeing each other's tables. The database is dropped when the class is done.
/// </summary>
/// <example>
/// <code>
/// public sealed class OrderTableTests(PostgresDatabaseFixture db) : IClassFixture&lt;PostgresDatabaseFixture&gt;
/// {
///     [Fact]
///     public async Task Insert_NewRow_IsStored() =&gt; await db.DataSource.CreateCommand("select 1").ExecuteScalarAsync();
/// }
/// </code>
/// </example>
public sealed class PostgresDatabaseFixture(PostgresServerFixture serverFixture) : IAsyncLifetime
{
    private PostgresServer? server;
    private string? connectionString;
    private NpgsqlDataSource? dataSource;

    /// <summary>The shared server (for tests that create more databases or need its superuser connection).</summary>
    public PostgresServer Server => server ?? throw NotInitialized();

    /// <summary>A superuser connection string to this class's database.</summary>
    public string ConnectionString => connectionString ?? throw NotInitialized();

    /// <summary>The name of this class's database.</summary>
    public string DatabaseName => new NpgsqlConnectionStringBuilder(ConnectionString).Database!;

    /// <summary>A data source on this class's database, disposed with the fixture.</summary>
    public NpgsqlDataSource DataSource => dataSource ?? throw NotInitialized();

    public async ValueTask InitializeAsync()
    {
        server = await serverFixture.GetServerAsync();
        connectionString = await server.CreateDatabaseAsync(TestContext.Current.TestClass?.TestClassSimpleName);
        dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public async ValueTask DisposeAsync()
    {
        if (dataSource is not null)
        {
            await dataSource.DisposeAsync();
        }

        if (server is not null && connectionString is not null)
        {
            await server.DropDatabaseAsync(DatabaseName);
        }
    }

    private static InvalidOperationException NotInitialized() =>
        new("The PostgreSQL database fixture is used before xunit initialized it.");
}
