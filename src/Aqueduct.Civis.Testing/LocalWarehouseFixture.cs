using Xunit;

namespace Aqueduct.Civis.Testing;

/// <summary>
/// A <see cref="LocalWarehouse"/> for one test class, as an xunit v3 class fixture: a mock Postgres and a mock Redshift
/// database of the class's own on the run's one server (<see cref="PostgresTestServerFixture"/>), dropped when the class
/// is done, so classes run in parallel without seeing each other's tables.
/// </summary>
/// <example>
/// <code>
/// [assembly: AssemblyFixture(typeof(PostgresTestServerFixture))]
///
/// public sealed class JobTests(LocalWarehouseFixture warehouse) : IClassFixture&lt;LocalWarehouseFixture&gt;
/// {
///     [Fact]
///     public async Task RunAsync_OnLocalWarehouse_Succeeds() =&gt;
///         Assert.Equal(0, await CivisJob.RunAsync([], Job.RunAsync, o =&gt; o.Environment = warehouse.Warehouse.CreateEnvironment()));
/// }
/// </code>
/// </example>
public class LocalWarehouseFixture(PostgresTestServerFixture serverFixture) : IAsyncLifetime
{
    private LocalWarehouse? warehouse;

    /// <summary>The class's warehouse: its URIs, its variables and <see cref="LocalWarehouse.CreateEnvironment"/>.</summary>
    /// <exception cref="InvalidOperationException">The fixture is used before xunit initialized it.</exception>
    public LocalWarehouse Warehouse => warehouse ?? throw new InvalidOperationException("The local warehouse fixture is used before xunit initialized it.");

    /// <summary>Creates the class's two databases on the run's server.</summary>
    /// <returns>A task that completes when the databases exist.</returns>
    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var server = await serverFixture.GetServerAsync().ConfigureAwait(false);
        warehouse = await LocalWarehouse.CreateOnServerAsync(server, TestContext.Current.TestClass?.TestClassSimpleName, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Drops the class's databases; the server stays for the other classes.</summary>
    /// <returns>A task that completes when the databases are dropped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (warehouse is not null)
        {
            await warehouse.DisposeAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }
}
