namespace Aqueduct.Civis.Testing.Internal;

/// <summary>How a child process ended and what it printed (standard output, then standard error).</summary>
internal sealed record ProcessResult(int ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;
}
