namespace Aqueduct.Civis.Tool;

/// <summary>The tool's exit codes; the same numbers as the job host's, plus 2 for a usage error.</summary>
internal static class ToolExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>The command, the API or the run failed.</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong (unknown option, missing argument).</summary>
    public const int Usage = 2;

    /// <summary>A bad manifest, a missing API key, or a name the platform does not know: nothing was sent.</summary>
    public const int Configuration = 78;

    /// <summary>The command (and the remote run it followed) was cancelled by Ctrl+C or SIGTERM.</summary>
    public const int Cancelled = 143;
}
