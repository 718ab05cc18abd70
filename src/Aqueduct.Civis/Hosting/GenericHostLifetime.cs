using Microsoft.Extensions.Hosting;

namespace Aqueduct.Civis.Hosting;

/// <summary>
/// The generic host's lifetime inside the job host: it registers no signal handlers (the job host's turn SIGTERM and
/// Ctrl+C into the run's cancellation, which stops the generic host) and waits for nothing.
/// </summary>
internal sealed class GenericHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
