using System.Globalization;
using System.Text;
using Npgsql;

namespace Aqueduct.Civis;

/// <summary>
/// Reads and writes <c>postgres://</c> / <c>postgresql://</c> connection URIs with libpq's rules.
/// Npgsql itself accepts only key=value connection strings.
/// </summary>
/// <remarks>
/// The form is <c>postgresql://[user[:password]@][host][:port][,host2[:port2]…][/dbname][?param=value&amp;…]</c>.
/// Every part is percent-decoded as UTF-8; a <c>+</c> stays a plus (it is not a space, unlike in
/// HTML forms: a password with a space must be written <c>%20</c>). The port defaults to 5432; an
/// IPv6 host is written in brackets (<c>[::1]</c>); a host that starts with <c>/</c> (written
/// <c>%2F…</c>) is a Unix-domain socket directory. Query parameters use libpq's names
/// (<c>sslmode</c>, <c>connect_timeout</c>, <c>application_name</c>, …); an unknown one is an error.
/// </remarks>
public static class PostgresUri
{
    /// <summary>The port used when a URI names none.</summary>
    public const int DefaultPort = 5432;

    private static readonly string[] Schemes = ["postgresql://", "postgres://"];

    /// <summary>Parses a <c>postgres://</c> or <c>postgresql://</c> URI.</summary>
    /// <param name="uri">The URI.</param>
    /// <returns>A connection string builder holding every part of the URI.</returns>
    /// <exception cref="FormatException">The URI is malformed or names an unknown parameter; the message never contains the password.</exception>
    public static NpgsqlConnectionStringBuilder Parse(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var scheme = Schemes.FirstOrDefault(s => uri.StartsWith(s, StringComparison.OrdinalIgnoreCase))
            ?? throw new FormatException("A PostgreSQL URI must start with 'postgresql://' or 'postgres://'.");
        var rest = uri.AsSpan(scheme.Length);
        var builder = new NpgsqlConnectionStringBuilder();

        // userinfo: libpq looks for '@' before the first '/', and splits user from password at the first ':'.
        var slash = rest.IndexOfAny('/', '?');
        var authorityEnd = slash < 0 ? rest.Length : slash;
        var at = rest[..authorityEnd].LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = rest[..at];
            var colon = userInfo.IndexOf(':');
            var user = Decode(colon < 0 ? userInfo : userInfo[..colon], "user name");
            if (user.Length > 0)
            {
                builder.Username = user;
            }

            if (colon >= 0)
            {
                builder.Password = Decode(userInfo[(colon + 1)..], "password");
            }

            rest = rest[(at + 1)..];
            authorityEnd -= at + 1;
        }

        ParseHosts(rest[..authorityEnd], builder);
        rest = rest[authorityEnd..];

        if (rest.Length > 0 && rest[0] == '/')
        {
            var question = rest.IndexOf('?');
            var database = Decode(question < 0 ? rest[1..] : rest[1..question], "database name");
            if (database.Length > 0)
            {
                builder.Database = database;
            }

            rest = question < 0 ? [] : rest[question..];
        }

        if (rest.Length > 0)
        {
            ParseQuery(rest[1..], builder);
        }

        return builder;
    }

    /// <summary>Parses a URI, or reports why it could not.</summary>
    /// <param name="uri">The URI.</param>
    /// <param name="builder">The parsed connection settings, when it returns <see langword="true"/>.</param>
    /// <returns>Whether the URI is valid.</returns>
    public static bool TryParse(string? uri, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out NpgsqlConnectionStringBuilder? builder)
    {
        builder = null;
        if (uri is null)
        {
            return false;
        }

        try
        {
            builder = Parse(uri);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Whether a text looks like a PostgreSQL URI (starts with <c>postgres://</c> or <c>postgresql://</c>).</summary>
    /// <param name="text">The text.</param>
    /// <returns><see langword="true"/> for a URI, <see langword="false"/> for anything else (such as a key=value connection string).</returns>
    public static bool IsUri(string? text) =>
        text is not null && Schemes.Any(s => text.StartsWith(s, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Writes a URI from connection settings, percent-encoding every part with RFC 3986 rules
    /// (everything but letters, digits and <c>- . _ ~</c> is encoded, so <c>psql</c> and other
    /// libpq tools read it back exactly).
    /// </summary>
    /// <param name="settings">The settings: host, port, database, user name, password, and the SSL mode and application name when set.</param>
    /// <returns>The URI. It contains the password, if there is one: treat it as a secret.</returns>
    public static string Format(NpgsqlConnectionStringBuilder settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var uri = new StringBuilder("postgresql://");
        if (!string.IsNullOrEmpty(settings.Username))
        {
            uri.Append(Encode(settings.Username));
            if (!string.IsNullOrEmpty(settings.Password))
            {
                uri.Append(':').Append(Encode(settings.Password));
            }

            uri.Append('@');
        }

        var hosts = (settings.Host ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < hosts.Length; i++)
        {
            if (i > 0)
            {
                uri.Append(',');
            }

            var host = hosts[i];
            uri.Append(host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('/') ? "[" + host + "]" : Encode(host));
            if (settings.Port != DefaultPort || hosts.Length > 1)
            {
                uri.Append(':').Append(settings.Port.ToString(CultureInfo.InvariantCulture));
            }
        }

        if (!string.IsNullOrEmpty(settings.Database))
        {
            uri.Append('/').Append(Encode(settings.Database));
        }

        var query = new List<string>();
        if (settings.SslMode != SslMode.Prefer)
        {
            query.Add("sslmode=" + SslModes.First(m => m.Mode == settings.SslMode).Name);
        }

        if (!string.IsNullOrEmpty(settings.ApplicationName))
        {
            query.Add("application_name=" + Encode(settings.ApplicationName));
        }

        if (query.Count > 0)
        {
            uri.Append('?').AppendJoin('&', query);
        }

        return uri.ToString();
    }

    /// <summary>Writes a URI from parts, percent-encoding each with RFC 3986 rules.</summary>
    /// <param name="host">The host name, IP address or socket directory.</param>
    /// <param name="port">The port; left out of the URI when it is 5432.</param>
    /// <param name="database">The database name, or <see langword="null"/>.</param>
    /// <param name="username">The user name, or <see langword="null"/>.</param>
    /// <param name="password">The password, or <see langword="null"/>.</param>
    /// <returns>The URI. It contains the password, if there is one: treat it as a secret.</returns>
    public static string Format(string host, int port = DefaultPort, string? database = null, string? username = null, string? password = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        var settings = new NpgsqlConnectionStringBuilder { Host = host, Port = port, Database = database, Username = username, Password = password };
        return Format(settings);
    }

    /// <summary>Percent-encodes one part of a URI: everything but RFC 3986's unreserved characters, as UTF-8.</summary>
    /// <param name="value">The text.</param>
    /// <returns>The encoded text.</returns>
    public static string Encode(string value) => Uri.EscapeDataString(value);

    private static void ParseHosts(ReadOnlySpan<char> hostSpec, NpgsqlConnectionStringBuilder builder)
    {
        if (hostSpec.IsEmpty)
        {
            builder.Port = DefaultPort;
            return;
        }

        var hosts = new List<(string Host, int? Port)>();
        while (true)
        {
            string host;
            if (hostSpec.Length > 0 && hostSpec[0] == '[')
            {
                var close = hostSpec.IndexOf(']');
                if (close < 0)
                {
                    throw new FormatException("The URI's IPv6 host has no closing ']'.");
                }

                host = hostSpec[1..close].ToString();
                hostSpec = hostSpec[(close + 1)..];
                if (hostSpec.Length > 0 && hostSpec[0] is not (':' or ','))
                {
                    throw new FormatException("Unexpected text after the URI's IPv6 host; expected ':', ',' or '/'.");
                }
            }
            else
            {
                var end = hostSpec.IndexOfAny(':', ',');
                host = Decode(end < 0 ? hostSpec : hostSpec[..end], "host");
                hostSpec = end < 0 ? [] : hostSpec[end..];
            }

            int? port = null;
            if (hostSpec.Length > 0 && hostSpec[0] == ':')
            {
                var end = hostSpec.IndexOf(',');
                var text = end < 0 ? hostSpec[1..] : hostSpec[1..end];
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
                {
                    throw new FormatException($"The URI's port '{text}' is not a number from 1 to 65535.");
                }

                port = p;
                hostSpec = end < 0 ? [] : hostSpec[end..];
            }

            hosts.Add((host, port));
            if (hostSpec.IsEmpty)
            {
                break;
            }

            hostSpec = hostSpec[1..]; // the ','
        }

        if (hosts.Count == 1)
        {
            if (hosts[0].Host.Length > 0)
            {
                builder.Host = hosts[0].Host;
            }

            builder.Port = hosts[0].Port ?? DefaultPort;
            return;
        }

        // Npgsql takes several hosts as "host:port,host:port" (IPv6 in brackets).
        builder.Host = string.Join(',', hosts.Select(h =>
            (h.Host.Contains(':', StringComparison.Ordinal) ? "[" + h.Host + "]" : h.Host) + ":" + (h.Port ?? DefaultPort).ToString(CultureInfo.InvariantCulture)));
        builder.Port = DefaultPort;
    }

    private static void ParseQuery(ReadOnlySpan<char> query, NpgsqlConnectionStringBuilder builder)
    {
        var unknown = new List<string>();
        foreach (var range in query.Split('&'))
        {
            var pair = query[range];
            if (pair.IsEmpty)
            {
                continue;
            }

            var equals = pair.IndexOf('=');
            if (equals < 0)
            {
                throw new FormatException($"The URI's query parameter '{Decode(pair, "query parameter")}' has no '=' and value.");
            }

            var key = Decode(pair[..equals], "query parameter name");
            var value = Decode(pair[(equals + 1)..], $"value of query parameter '{key}'");
            if (!ApplyParameter(builder, key, value))
            {
                unknown.Add(key);
            }
        }

        if (unknown.Count > 0)
        {
            throw new FormatException(
                $"The URI has unknown query parameter{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(u => "'" + u + "'"))}. " +
                "Known: " + string.Join(", ", KnownParameters) + ".");
        }
    }

    private static readonly string[] KnownParameters =
    [
        "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "connect_timeout", "client_encoding",
        "options", "application_name", "fallback_application_name", "keepalives", "keepalives_idle",
        "keepalives_interval", "sslmode", "ssl", "sslcert", "sslkey", "sslpassword", "sslrootcert", "sslnegotiation",
        "channel_binding", "gssencmode", "krbsrvname", "target_session_attrs", "load_balance_hosts",
    ];

    private static readonly (string Name, SslMode Mode)[] SslModes =
    [
        ("disable", SslMode.Disable), ("allow", SslMode.Allow), ("prefer", SslMode.Prefer),
        ("require", SslMode.Require), ("verify-ca", SslMode.VerifyCA), ("verify-full", SslMode.VerifyFull),
    ];

    private static bool ApplyParameter(NpgsqlConnectionStringBuilder b, string key, string value)
    {
        switch (key)
        {
            case "host":
            case "hostaddr":
                b.Host = value;
                break;
            case "port":
                b.Port = ParseInt(key, value, 1, 65535);
                break;
            case "dbname":
                b.Database = value;
                break;
            case "user":
                b.Username = value;
                break;
            case "password":
                b.Password = value;
                break;
            case "passfile":
                b.Passfile = value;
                break;
            case "connect_timeout":
                // libpq treats 0 as "wait forever" and values below 2 as 2; Npgsql's 0 is also "no limit".
                b.Timeout = ParseInt(key, value, 0, 1024);
                break;
            case "client_encoding":
                b.ClientEncoding = value;
                break;
            case "options":
                b.Options = value;
                break;
            case "application_name":
                b.ApplicationName = value;
                break;
            case "fallback_application_name":
                b.ApplicationName ??= value;
                break;
            case "keepalives":
                if (ParseInt(key, value, 0, 1) == 0)
                {
                    b.TcpKeepAlive = false;
                }

                break;
            case "keepalives_idle":
                b.TcpKeepAlive = true;
                b.TcpKeepAliveTime = ParseInt(key, value, 0, int.MaxValue);
                break;
            case "keepalives_interval":
                b.TcpKeepAlive = true;
                b.TcpKeepAliveInterval = ParseInt(key, value, 0, int.MaxValue);
                break;
            case "sslmode":
                b.SslMode = Choice(key, value, SslModes);
                break;
            case "ssl":
                // The JDBC-style "ssl=true" that libpq also accepts.
                if (value == "true")
                {
                    b.SslMode = SslMode.Require;
                    break;
                }

                throw new FormatException("The URI's query parameter 'ssl' may only be 'true'.");
            case "sslcert":
                b.SslCertificate = value;
                break;
            case "sslkey":
                b.SslKey = value;
                break;
            case "sslpassword":
                b.SslPassword = value;
                break;
            case "sslrootcert":
                b.RootCertificate = value;
                break;
            case "sslnegotiation":
                b.SslNegotiation = Choice(key, value, ("postgres", SslNegotiation.Postgres), ("direct", SslNegotiation.Direct));
                break;
            case "channel_binding":
                b.ChannelBinding = Choice(key, value, ("disable", ChannelBinding.Disable), ("prefer", ChannelBinding.Prefer), ("require", ChannelBinding.Require));
                break;
            case "gssencmode":
                b.GssEncryptionMode = Choice(key, value, ("disable", GssEncryptionMode.Disable), ("prefer", GssEncryptionMode.Prefer), ("require", GssEncryptionMode.Require));
                break;
            case "krbsrvname":
                b.KerberosServiceName = value;
                break;
            case "target_session_attrs":
                b.TargetSessionAttributes = value;
                break;
            case "load_balance_hosts":
                b.LoadBalanceHosts = Choice(key, value, ("disable", false), ("random", true));
                break;
            default:
                return false;
        }

        return true;
    }

    private static T Choice<T>(string key, string value, params (string Name, T Value)[] choices)
    {
        foreach (var (name, choice) in choices)
        {
            if (name == value)
            {
                return choice;
            }
        }

        throw new FormatException($"The URI's {key} '{value}' is not one of {string.Join(", ", choices.Select(c => c.Name))}.");
    }

    private static int ParseInt(string key, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new FormatException($"The URI's query parameter '{key}' must be a whole number from {min} to {max}.");

    /// <summary>Percent-decodes one part of a URI as UTF-8, as libpq does ('+' stays '+').</summary>
    private static string Decode(ReadOnlySpan<char> text, string part)
    {
        if (!text.Contains('%'))
        {
            return text.ToString();
        }

        // '%' and hex digits are ASCII, so decoding over the UTF-8 bytes is exact.
        var input = Encoding.UTF8.GetBytes(text.ToArray());
        var output = new byte[input.Length];
        var length = 0;
        for (var i = 0; i < input.Length; i++)
        {
            if (input[i] != (byte)'%')
            {
                output[length++] = input[i];
                continue;
            }

            // Never echo the text: it may be the password.
            if (i + 2 >= input.Length || !byte.TryParse(input.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                throw new FormatException($"The URI's {part} has an invalid percent-encoding ('%' must be followed by two hex digits).");
            }

            if (b == 0)
            {
                throw new FormatException($"The URI's {part} contains %00, which is not allowed.");
            }

            output[length++] = b;
            i += 2;
        }

        try
        {
            return StrictUtf8.GetString(output, 0, length);
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException($"The URI's {part} is not valid UTF-8 once percent-decoded.");
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
