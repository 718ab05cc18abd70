using Xunit;

namespace Aqueduct.Civis.Testing;

/// <summary>
/// A <see cref="FakeCivisApi"/> for one test class, as an xunit v3 class fixture (or a collection fixture, to share one
/// between classes): started before the class's first test on a random port of 127.0.0.1, stopped after its last.
/// </summary>
/// <remarks>
/// The fake keeps state between the tests of the class: give each test scripts of its own
/// (<see cref="FakeCivisApi.AddContainerScript"/>) rather than expecting an empty fake.
/// </remarks>
public class FakeCivisApiFixture : IAsyncLifetime
{
    private FakeCivisApi? api;

    /// <summary>The running fake; <see cref="FakeCivisApi.CreateClientOptions"/> gives a client for it.</summary>
    /// <exception cref="InvalidOperationException">The fixture is used before xunit initialized it.</exception>
    public FakeCivisApi Api => api ?? throw new InvalidOperationException("The FakeCivisApi fixture is used before xunit initialized it.");

    /// <summary>Starts the fake.</summary>
    /// <returns>A task that completes when the fake listens.</returns>
    public async ValueTask InitializeAsync() =>
        api = await FakeCivisApi.StartAsync(CreateOptions(), TestContext.Current.CancellationToken).ConfigureAwait(false);

    /// <summary>The options the fake is started with; a derived fixture may change them.</summary>
    /// <returns>The options (a random port and a random key by default).</returns>
    protected virtual FakeCivisApiOptions CreateOptions() => new();

    /// <summary>Stops the fake.</summary>
    /// <returns>A task that completes when the fake is stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (api is not null)
        {
            await api.DisposeAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }
}
