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
public class PostgresDatabaseFixture(PostgresServerFixture serverFixture) : IAsyncLifetime
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
        await SeedAsync(dataSource);
    }

    /// <summary>Runs once after the database is created: a derived fixture creates its tables or roles here.</summary>
    /// <param name="dataSource">A superuser data source on the new database.</param>
    /// <returns>A task that completes when the seeding is done.</returns>
    protected virtual Task SeedAsync(NpgsqlDataSource dataSource) => Task.CompletedTask;

    /// <summary>Runs once after the database is dropped: a derived fixture drops server-wide objects (roles) here.</summary>
    /// <param name="serverDataSource">A superuser data source on the server's <c>postgres</c> database.</param>
    /// <returns>A task that completes when the clean-up is done.</returns>
    protected virtual Task CleanUpServerAsync(NpgsqlDataSource serverDataSource) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (dataSource is not null)
        {
            await dataSource.DisposeAsync();
        }

        if (server is not null && connectionString is not null)
        {
            await server.DropDatabaseAsync(DatabaseName);
            await using var serverDataSource = NpgsqlDataSource.Create(server.ConnectionString);
            await CleanUpServerAsync(serverDataSource);
        }

        GC.SuppressFinalize(this);
    }

    private static InvalidOperationException NotInitialized() =>
        new("The PostgreSQL database fixture is used before xunit initialized it.");
}
