using System.Runtime.InteropServices;
using Aqueduct.Civis.Tool;

// Ctrl+C and SIGTERM cancel the command's token; commands that follow a remote run cancel that run too.
using var cancellation = new CancellationTokenSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);

return await CivisTool.RunAsync(
    args, Console.Out, Console.Error, Directory.GetCurrentDirectory(), Environment.GetEnvironmentVariable,
    isTerminal: !Console.IsOutputRedirected, cancellation.Token).ConfigureAwait(false);

void Cancel(PosixSignalContext context)
{
    context.Cancel = true;
    cancellation.Cancel();
}
