using Xunit;

namespace Aqueduct.Civis.Testing;

/// <summary>
/// The test run's one <see cref="PostgresServer"/>, as an xunit v3 assembly fixture: it starts when the first test class
/// asks for it (so tests that need no database neither wait for it nor fail without it) and is stopped after the last
/// test of the run. <see cref="LocalWarehouseFixture"/> gives each test class its own databases on it.
/// </summary>
/// <remarks>
/// Register it once in the test project: <c>[assembly: AssemblyFixture(typeof(PostgresTestServerFixture))]</c>. The
/// server comes from <c>AQUEDUCT_TEST_POSTGRES_URI</c>, Docker or the machine's PostgreSQL binaries, as
/// <see cref="PostgresServer.StartAsync"/> finds it. A failed start is remembered and reported to every test that asks
/// for the server: those tests fail with the message that says how to provide one; they are never skipped.
/// </remarks>
public class PostgresTestServerFixture : IAsyncDisposable
{
    private readonly Lazy<Task<PostgresServer>> server;

    /// <summary>Creates the fixture; the server starts on first use.</summary>
    public PostgresTestServerFixture()
    {
        server = new(() => PostgresServer.StartAsync(CreateOptions()), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The run's server, started on first use.</summary>
    /// <returns>The server.</returns>
    /// <exception cref="PostgresServerException">No server could be found or started; the message says how to provide one.</exception>
    public Task<PostgresServer> GetServerAsync() => server.Value;

    /// <summary>The options the server is started with; a derived fixture may change them.</summary>
    /// <returns>The options (by default, those of <see cref="PostgresServerOptions"/>'s defaults).</returns>
    protected virtual PostgresServerOptions CreateOptions() => new();

    /// <summary>Stops the server if it was started.</summary>
    /// <returns>A task that completes when the server is stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Stops the server if it was started; a derived fixture adds its own clean-up here.</summary>
    /// <returns>A task that completes when the server is stopped.</returns>
    protected virtual async ValueTask DisposeAsyncCore()
    {
        if (!server.IsValueCreated)
        {
            return;
        }

        PostgresServer started;
        try
        {
            started = await server.Value.ConfigureAwait(false);
        }
        catch (PostgresServerException)
        {
            // Never started: the tests that asked for it have already failed with the reason.
            return;
        }

        await started.DisposeAsync().ConfigureAwait(false);
    }
}
