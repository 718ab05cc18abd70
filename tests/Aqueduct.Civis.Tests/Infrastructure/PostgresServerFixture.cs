using Aqueduct.Civis.Testing;

namespace Aqueduct.Civis.Tests.Infrastructure;

/// <summary>
/// The test run's one PostgreSQL server (an assembly fixture). It starts when the first database test class asks for
/// it, so tests that need no database neither wait for it nor fail without it, and it is disposed after the last test.
/// </summary>
/// <remarks>
/// A failed start is remembered and reported to every database test class: those tests fail with the message that
/// says how to provide a server; they are never skipped.
/// </remarks>
public sealed class PostgresServerFixture : IAsyncDisposable
{
    private readonly Lazy<Task<PostgresServer>> server =
        new(() => PostgresServer.StartAsync(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The shared server, started on first use.</summary>
    public Task<PostgresServer> GetServerAsync() => server.Value;

    public async ValueTask DisposeAsync()
    {
        if (!server.IsValueCreated)
        {
            return;
        }

        PostgresServer started;
        try
        {
            started = await server.Value;
        }
        catch (PostgresServerException)
        {
            // Never started: the database tests have already failed with the reason.
            return;
        }

        await started.DisposeAsync();
    }
}
