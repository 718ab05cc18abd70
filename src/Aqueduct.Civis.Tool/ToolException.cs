namespace Aqueduct.Civis.Tool;

/// <summary>A failure the tool reports as one message and an exit code, without a stack trace.</summary>
internal sealed class ToolException : Exception
{
    public ToolException(string message, int exitCode = ToolExitCodes.Failure, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    public ToolException()
        : this("The command failed.")
    {
    }

    public ToolException(string message)
        : this(message, ToolExitCodes.Failure)
    {
    }

    public ToolException(string message, Exception innerException)
        : this(message, ToolExitCodes.Failure, innerException)
    {
    }

    /// <summary>The process's exit code.</summary>
    public int ExitCode { get; }

    /// <summary>A configuration error: nothing was sent to the platform.</summary>
    public static ToolException Configuration(string message) => new(message, ToolExitCodes.Configuration);
}
