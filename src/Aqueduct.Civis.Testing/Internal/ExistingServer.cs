using Npgsql;

namespace Aqueduct.Civis.Testing.Internal;

/// <summary>A server that already runs, named by <c>AQUEDUCT_TEST_POSTGRES_URI</c>; it is never stopped.</summary>
internal sealed class ExistingServer : IServerInstance
{
    private ExistingServer(string connectionString)
    {
        ConnectionString = connectionString;
    }

    /// <inheritdoc />
    public string ConnectionString { get; }

    /// <inheritdoc />
    public PostgresServerSource Source => PostgresServerSource.ExistingServer;

    /// <summary>
    /// Reads a <c>postgres://</c>/<c>postgresql://</c> URI or an Npgsql connection string; the database defaults to
    /// <c>postgres</c>.
    /// </summary>
    /// <exception cref="SourceUnavailableException">The value is neither; the message does not repeat it.</exception>
    public static ExistingServer FromVariable(string value)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
                || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
                ? PostgresUri.Parse(value)
                : new NpgsqlConnectionStringBuilder(value);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or UriFormatException)
        {
            // The value holds a password, so neither it nor a parser message quoting it is shown.
            throw new SourceUnavailableException(
                $"{PostgresServerEnvironment.UriVariable} is neither a postgres:// or postgresql:// URI nor an Npgsql connection string (Host=...;Username=...;Password=...).");
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            throw new SourceUnavailableException($"{PostgresServerEnvironment.UriVariable} names no host.");
        }

        if (string.IsNullOrEmpty(builder.Database))
        {
            builder.Database = "postgres";
        }

        return new ExistingServer(builder.ConnectionString);
    }

    /// <summary>Nothing to do: the server belongs to someone else.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
