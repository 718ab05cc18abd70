namespace Aqueduct.Civis.Testing;

/// <summary>
/// No PostgreSQL server could be found or started. The message says what was tried, why each attempt failed and how
/// to provide a server; it never contains a password.
/// </summary>
public sealed class PostgresServerException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public PostgresServerException()
        : base("No PostgreSQL server could be found or started.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed and how to fix it.</param>
    public PostgresServerException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    /// <param name="message">What failed and how to fix it.</param>
    /// <param name="innerException">The error that caused this one.</param>
    public PostgresServerException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
