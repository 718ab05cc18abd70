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
    /// <exception cref="FormatException">
    /// The URI is malformed or names an unknown parameter. The message says which part is wrong and never
    /// quotes the URI's text (any of it could be a piece of the password).
    /// </exception>
    /// <remarks>
    /// As in libpq, the user-info ends at the first <c>@</c> that comes before any <c>/</c>: a raw <c>?</c> or
    /// <c>#</c> in the password is part of it, a raw <c>@</c> ends it early (the rest then fails as a host
    /// holding <c>@</c>) and a raw <c>/</c> ends the host part (the URI then fails as a bad port). A second
    /// <c>=</c> in a query parameter is an error, as in libpq.
    /// </remarks>
    public static NpgsqlConnectionStringBuilder Parse(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var scheme = Schemes.FirstOrDefault(s => uri.StartsWith(s, StringComparison.OrdinalIgnoreCase))
            ?? throw new FormatException("A PostgreSQL URI must start with 'postgresql://' or 'postgres://'.");
        if (uri.Contains('\0', StringComparison.Ordinal))
        {
            throw new FormatException("The URI contains a NUL character, which no part of a connection string may hold.");
        }

        var rest = uri.AsSpan(scheme.Length);
        var builder = new NpgsqlConnectionStringBuilder();

        // libpq (conninfo_uri_parse_options): the user-info designator is an '@' found before any '/'; the
        // user name ends at the first ':' or '@', the password at the first '@'.
        var designator = rest.IndexOfAny('@', '/');
        var hint = string.Empty;
        if (designator >= 0 && rest[designator] == '@')
        {
            var userInfo = rest[..designator];
            var colon = userInfo.IndexOf(':');
            var user = Decode(colon < 0 ? userInfo : userInfo[..colon], "user name");
            if (user.Length > 0)
            {
                builder.Username = user;
            }

            if (colon >= 0)
            {
                var password = Decode(userInfo[(colon + 1)..], "password");
                if (password.Length > 0)
                {
                    builder.Password = password;
                }
            }

            rest = rest[(designator + 1)..];
        }
        else if (uri.AsSpan(scheme.Length).Contains('@'))
        {
            hint = " If the user name or password holds a '/', '@' or ':', write it percent-encoded (%2F, %40, %3A).";
        }

        rest = ParseHosts(rest, builder, hint);

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
            ParseQuery(rest[1..], builder, hint);
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
    /// <param name="settings">
    /// The settings: every host with its port (Npgsql's <c>host:port,host:port</c> list; a host without a port gets
    /// <see cref="NpgsqlConnectionStringBuilder.Port"/>), the database, the user name and password (a password
    /// without a user name is kept: <c>postgresql://:password@host</c>), and every setting that has a libpq
    /// parameter and differs from Npgsql's default, in the query.
    /// </param>
    /// <returns>The URI. It contains the password (and an SSL key password), if there is one: treat it as a secret.</returns>
    public static string Format(NpgsqlConnectionStringBuilder settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var uri = new StringBuilder("postgresql://");
        var hasUser = !string.IsNullOrEmpty(settings.Username);
        var hasPassword = !string.IsNullOrEmpty(settings.Password);
        if (hasUser || hasPassword)
        {
            uri.Append(hasUser ? Encode(settings.Username!) : string.Empty);
            if (hasPassword)
            {
                uri.Append(':').Append(Encode(settings.Password!));
            }

            uri.Append('@');
        }

        var hosts = SplitHosts(settings.Host, settings.Port);
        for (var i = 0; i < hosts.Count; i++)
        {
            if (i > 0)
            {
                uri.Append(',');
            }

            var (host, port) = hosts[i];
            uri.Append(host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('/')
                ? "[" + host.Replace("%", "%25", StringComparison.Ordinal) + "]"
                : Encode(host));
            if (port != DefaultPort || hosts.Count > 1)
            {
                uri.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
            }
        }

        if (hosts.Count == 0 && settings.Port != DefaultPort)
        {
            uri.Append(':').Append(settings.Port.ToString(CultureInfo.InvariantCulture));
        }

        if (!string.IsNullOrEmpty(settings.Database))
        {
            uri.Append('/').Append(Encode(settings.Database));
        }

        var query = QueryParameters(settings).Select(p => p.Name + "=" + Encode(p.Value)).ToList();
        if (query.Count > 0)
        {
            uri.Append('?').AppendJoin('&', query);
        }

        return uri.ToString();
    }

    private static IEnumerable<(string Name, string Value)> QueryParameters(NpgsqlConnectionStringBuilder s)
    {
        var d = new NpgsqlConnectionStringBuilder();
        static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
        if (s.SslMode != d.SslMode)
        {
            yield return ("sslmode", SslModes.First(m => m.Mode == s.SslMode).Name);
        }

        var texts = new (string Name, string? Value)[]
        {
            ("application_name", s.ApplicationName), ("passfile", s.Passfile), ("client_encoding", s.ClientEncoding),
            ("options", s.Options), ("sslcert", s.SslCertificate), ("sslkey", s.SslKey), ("sslpassword", s.SslPassword),
            ("sslrootcert", s.RootCertificate), ("target_session_attrs", s.TargetSessionAttributes),
        };
        foreach (var (name, value) in texts.Where(t => !string.IsNullOrEmpty(t.Value)))
        {
            yield return (name, value!);
        }

        if (s.Timeout != d.Timeout)
        {
            yield return ("connect_timeout", Int(s.Timeout));
        }

        if (s.TcpKeepAlive != d.TcpKeepAlive)
        {
            yield return ("keepalives", s.TcpKeepAlive ? "1" : "0");
        }

        if (s.TcpKeepAliveTime != d.TcpKeepAliveTime)
        {
            yield return ("keepalives_idle", Int(s.TcpKeepAliveTime));
        }

        if (s.TcpKeepAliveInterval != d.TcpKeepAliveInterval)
        {
            yield return ("keepalives_interval", Int(s.TcpKeepAliveInterval));
        }

        if (s.SslNegotiation != d.SslNegotiation)
        {
            yield return ("sslnegotiation", s.SslNegotiation == SslNegotiation.Direct ? "direct" : "postgres");
        }

        if (s.ChannelBinding != d.ChannelBinding)
        {
            yield return ("channel_binding", s.ChannelBinding.ToString().ToLowerInvariant());
        }

        if (s.GssEncryptionMode != d.GssEncryptionMode)
        {
            yield return ("gssencmode", s.GssEncryptionMode.ToString().ToLowerInvariant());
        }

        if (s.KerberosServiceName != d.KerberosServiceName && !string.IsNullOrEmpty(s.KerberosServiceName))
        {
            yield return ("krbsrvname", s.KerberosServiceName);
        }

        if (s.LoadBalanceHosts != d.LoadBalanceHosts)
        {
            yield return ("load_balance_hosts", s.LoadBalanceHosts ? "random" : "disable");
        }
    }

    /// <summary>Splits Npgsql's host list (<c>h1:5433,[::1]:5434,h3</c>) into hosts and ports.</summary>
    private static List<(string Host, int Port)> SplitHosts(string? hostList, int defaultPort)
    {
        var result = new List<(string Host, int Port)>();
        foreach (var entry in (hostList ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var close = entry.StartsWith('[') ? entry.IndexOf(']', StringComparison.Ordinal) : -1;
            if (close > 0)
            {
                var after = entry[(close + 1)..];
                result.Add((entry[1..close], after.StartsWith(':') && int.TryParse(after[1..], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : defaultPort));
                continue;
            }

            var colon = entry.LastIndexOf(':');
            if (colon > 0 && entry.IndexOf(':', StringComparison.Ordinal) == colon
                && int.TryParse(entry.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                result.Add((entry[..colon], port));
            }
            else
            {
                result.Add((entry, defaultPort)); // a name, a socket directory or a bare IPv6 address
            }
        }

        return result;
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

    /// <summary>Reads libpq's <c>host[:port][,host[:port]…]</c> list; returns the text after it.</summary>
    private static ReadOnlySpan<char> ParseHosts(ReadOnlySpan<char> rest, NpgsqlConnectionStringBuilder builder, string hint)
    {
        var hosts = new List<(string Host, int? Port)>();
        while (true)
        {
            var number = hosts.Count + 1;
            string host;
            if (rest.Length > 0 && rest[0] == '[')
            {
                var close = rest.IndexOf(']');
                if (close < 0)
                {
                    throw new FormatException($"Host {number} of the URI starts an IPv6 address with '[' but has no closing ']'.{hint}");
                }

                if (close == 1)
                {
                    throw new FormatException($"Host {number} of the URI is an empty IPv6 address ('[]').");
                }

                host = Decode(rest[1..close], $"host {number}");
                rest = rest[(close + 1)..];
                if (rest.Length > 0 && rest[0] is not (':' or ',' or '/' or '?'))
                {
                    throw new FormatException($"Unexpected text after the IPv6 address of host {number} of the URI; expected ':', ',', '/' or '?'.{hint}");
                }
            }
            else
            {
                var end = rest.IndexOfAny(":/?,");
                host = Decode(end < 0 ? rest : rest[..end], $"host {number}");
                rest = end < 0 ? [] : rest[end..];
            }

            if (host.Contains('@', StringComparison.Ordinal))
            {
                throw new FormatException(
                    $"Host {number} of the URI contains '@': the user-info ends at the first '@', so an '@' in the user name or password must be written %40.");
            }

            int? port = null;
            if (rest.Length > 0 && rest[0] == ':')
            {
                var end = rest[1..].IndexOfAny("/?,");
                var text = end < 0 ? rest[1..] : rest[1..(end + 1)];
                if (text.Length > 0)
                {
                    // Never echo the text: after a raw '/' in a password, libpq's grammar reads part of it as a port.
                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
                    {
                        throw new FormatException($"The port of host {number} of the URI is not a number from 1 to 65535.{hint}");
                    }

                    port = p;
                }

                rest = end < 0 ? [] : rest[(end + 1)..];
            }

            hosts.Add((host, port));
            if (rest.IsEmpty || rest[0] != ',')
            {
                break;
            }

            rest = rest[1..]; // the ','
        }

        if (hosts.Count == 1)
        {
            if (hosts[0].Host.Length > 0)
            {
                builder.Host = hosts[0].Host;
            }

            builder.Port = hosts[0].Port ?? DefaultPort;
            return rest;
        }

        // Npgsql takes several hosts as "host:port,host:port" (IPv6 in brackets).
        builder.Host = string.Join(',', hosts.Select(h =>
            (h.Host.Contains(':', StringComparison.Ordinal) ? "[" + h.Host + "]" : h.Host) + ":" + (h.Port ?? DefaultPort).ToString(CultureInfo.InvariantCulture)));
        builder.Port = DefaultPort;
        return rest;
    }

    private static void ParseQuery(ReadOnlySpan<char> query, NpgsqlConnectionStringBuilder builder, string hint)
    {
        // Only libpq's own parameter names are ever quoted: any other text could be a piece of a password
        // (after a raw '/' or '?' in it), so it is named by its position.
        var unknown = new List<int>();
        var suggestions = new List<string>();
        var number = 0;
        foreach (var range in query.Split('&'))
        {
            var pair = query[range];
            if (pair.IsEmpty)
            {
                continue;
            }

            number++;
            var equals = pair.IndexOf('=');
            if (equals < 0)
            {
                throw new FormatException($"Query parameter {number} of the URI has no '=' and value.{hint}");
            }

            var key = Decode(pair[..equals], $"name of query parameter {number}");
            var known = KnownParameters.Contains(key, StringComparer.Ordinal);
            var label = known ? $"'{key}'" : number.ToString(CultureInfo.InvariantCulture);
            if (pair[(equals + 1)..].Contains('='))
            {
                throw new FormatException($"Query parameter {label} of the URI has a second '=' (as libpq, this rejects it): write an '=' inside a value as %3D.{hint}");
            }

            var value = Decode(pair[(equals + 1)..], $"value of query parameter {label}");
            if (!known)
            {
                unknown.Add(number);
                if (KnownParameters.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase)) is { } suggestion)
                {
                    suggestions.Add("'" + suggestion + "'");
                }

                continue;
            }

            try
            {
                ApplyParameter(builder, key, value);
            }
            catch (ArgumentException)
            {
                // Npgsql's own message may quote the value.
                throw new FormatException($"The value of query parameter {label} of the URI is not one Npgsql accepts.");
            }
        }

        if (unknown.Count > 0)
        {
            var many = unknown.Count > 1;
            throw new FormatException(
                $"Query parameter{(many ? "s" : "")} {string.Join(", ", unknown)} of the URI (counting from 1) {(many ? "are not libpq parameters" : "is not a libpq parameter")}." +
                (suggestions.Count > 0 ? $" Names are case-sensitive: did you mean {string.Join(", ", suggestions)}?" : "") +
                " Known: " + string.Join(", ", KnownParameters) + "." + hint);
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

    private static void ApplyParameter(NpgsqlConnectionStringBuilder b, string key, string value)
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
                b.TcpKeepAlive = ParseInt(key, value, 0, 1) == 1;
                break;
            case "keepalives_idle":
                // A non-zero time turns keepalives on in Npgsql by itself.
                b.TcpKeepAliveTime = ParseInt(key, value, 0, int.MaxValue);
                break;
            case "keepalives_interval":
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
                throw new FormatException($"Query parameter '{key}' is not supported.");
        }
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

        throw new FormatException($"The value of query parameter '{key}' of the URI is not one of {string.Join(", ", choices.Select(c => c.Name))}.");
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
