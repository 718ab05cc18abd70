using System.Runtime.InteropServices;

namespace Aqueduct.Civis.Hosting;

/// <summary>
/// Turns SIGTERM (the platform's cancel) and Ctrl+C (SIGINT) into a cancelled token instead of the process ending. A
/// second signal is left to its default, so a job that does not stop can still be ended with a second Ctrl+C.
/// </summary>
internal sealed class ShutdownSignals : IDisposable
{
    private readonly CancellationTokenSource source;
    private readonly List<PosixSignalRegistration> registrations = [];
    private int received;

    public ShutdownSignals(CancellationTokenSource source)
    {
        this.source = source;
        registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal));
        registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal));
    }

    /// <summary>The first signal received, or <see langword="null"/>.</summary>
    public PosixSignal? Signal { get; private set; }

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref received) > 1)
        {
            return; // the default: the process ends
        }

        Signal = context.Signal;
        context.Cancel = true;
        source.Cancel();
    }
}
