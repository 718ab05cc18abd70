namespace Aqueduct.Civis.Testing.Internal;

/// <summary>One source could not provide a server; the message says why, without any password.</summary>
internal sealed class SourceUnavailableException : Exception
{
    public SourceUnavailableException()
    {
    }

    public SourceUnavailableException(string message)
        : base(message)
    {
    }

    public SourceUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
