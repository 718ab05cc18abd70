namespace Aqueduct.Civis.Data;

/// <summary>A command timeout in the units Npgsql and PostgreSQL take (0 = none).</summary>
internal readonly record struct CommandTimeouts(TimeSpan Value, int Seconds, int Milliseconds)
{
    public static CommandTimeouts Of(TimeSpan timeout, string parameter)
    {
        if (timeout < TimeSpan.Zero || timeout.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(parameter, timeout, "The command timeout must be zero (no timeout) or a positive time under 24 days.");
        }

        return new CommandTimeouts(timeout, (int)Math.Ceiling(timeout.TotalSeconds), (int)Math.Ceiling(timeout.TotalMilliseconds));
    }

    /// <summary>Whether an exception is a statement that timed out, on the client (Npgsql) or on the server (statement_timeout).</summary>
    public static bool IsTimeout(Exception e) =>
        e is TimeoutException ||
        e is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.QueryCanceled } ||
        (e is Npgsql.NpgsqlException && e.InnerException is { } inner && IsTimeout(inner));
}
