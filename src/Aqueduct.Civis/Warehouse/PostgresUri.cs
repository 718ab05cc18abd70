using Npgsql;

namespace Aqueduct.Civis;

/// <summary>
/// Reads a <c>postgres://</c> or <c>postgresql://</c> connection URI into Npgsql's connection string builder.
/// </summary>
/// <remarks>
/// Minimal stand-in so that the Testing package compiles on its own branch; the full parser replaces it.
/// </remarks>
public static class PostgresUri
{
    /// <summary>Parses <paramref name="uri"/> into a connection string builder.</summary>
    /// <param name="uri">A URI such as <c>postgres://user:password@host:5432/database</c>.</param>
    /// <returns>The connection settings the URI names.</returns>
    /// <exception cref="ArgumentException">The value is not a <c>postgres://</c> or <c>postgresql://</c> URI.</exception>
    public static NpgsqlConnectionStringBuilder Parse(string uri)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uri);
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed)
            || (parsed.Scheme != "postgres" && parsed.Scheme != "postgresql"))
        {
            // The value may hold a password: the message never repeats it.
            throw new ArgumentException("The value is not a postgres:// or postgresql:// URI.", nameof(uri));
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = parsed.Host };
        if (parsed.Port > 0)
        {
            builder.Port = parsed.Port;
        }

        var userInfo = parsed.UserInfo;
        if (userInfo.Length > 0)
        {
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
            }
        }

        var database = Uri.UnescapeDataString(parsed.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var pair in parsed.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && pair[..equals].Equals("sslmode", StringComparison.OrdinalIgnoreCase))
            {
                builder.SslMode = Enum.Parse<SslMode>(Uri.UnescapeDataString(pair[(equals + 1)..]).Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true);
            }
        }

        return builder;
    }
}
