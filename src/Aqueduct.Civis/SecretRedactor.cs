using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Aqueduct.Civis;

/// <summary>
/// Removes secret values from text before it is printed: every secret the environment holds, and passwords written
/// inside URIs or connection strings.
/// </summary>
/// <remarks>
/// Secret variables are <c>CIVIS_API_KEY</c> and every variable whose name ends in <c>_PASSWORD</c>,
/// <c>_SECRET_ACCESS_KEY</c>, <c>_API_KEY</c>, <c>_TOKEN</c> or <c>_SECRET</c>; the passwords inside the value of a
/// <c>*_URI</c> variable are too: the user-info password of any URI (<c>scheme://user:password@host</c>), the
/// <c>password</c> and <c>sslpassword</c> of a <c>postgres://</c> URI's query, and the <c>Password</c> and
/// <c>SSL Password</c> of a key=value connection string in <c>POSTGRES_URI</c> or <c>REDSHIFT_URI</c>. Each secret is removed in every form it can take in
/// text: as it is, percent-encoded with upper- or lower-case hex (with <c>%20</c> or <c>+</c> for a space),
/// JSON-escaped (<c>\u0026</c>, upper- or lower-case hex, or only the escapes JSON requires) and XML-escaped.
/// A form shorter than four characters is only masked where it stands alone, not inside a word or number
/// (<c>abc</c> is masked in <c>(abc)</c>, not in <c>abcdef</c>). The instance is thread-safe.
/// </remarks>
public sealed partial class SecretRedactor
{
    /// <summary>What a secret is replaced with: <c>***</c>.</summary>
    public const string Mask = "***";

    private static readonly string[] SecretSuffixes = ["_PASSWORD", "_SECRET_ACCESS_KEY", "_API_KEY", "_TOKEN", "_SECRET"];

    private readonly string[] secrets;
    private HashSet<string> allowed = new(StringComparer.Ordinal);

    /// <summary>Creates a redactor for the given secret values.</summary>
    /// <param name="secrets">The values to remove; empty ones are ignored.</param>
    public SecretRedactor(IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        this.secrets = [.. secrets
            .Where(static s => !string.IsNullOrEmpty(s))
            .SelectMany(Forms)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(static s => s.Length)]; // a longer secret that contains a shorter one goes first
    }

    /// <summary>Below this length a secret is masked only where it stands alone, never inside a word.</summary>
    internal const int ShortSecretLength = 4;

    /// <summary>Every form a secret can take in text: raw, percent-, form-, JSON- and XML-encoded.</summary>
    internal static IEnumerable<string> Forms(string secret)
    {
        yield return secret;
        var percent = Uri.EscapeDataString(secret);
        yield return percent;
        yield return LowerHex(percent);
        yield return percent.Replace("%20", "+", StringComparison.Ordinal);
        yield return LowerHex(percent).Replace("%20", "+", StringComparison.Ordinal);
        var form = System.Net.WebUtility.UrlEncode(secret);
        yield return form;
        yield return LowerHex(form);

        var json = JsonEncodedText.Encode(secret).ToString();
        yield return json;
        yield return JsonLowerHex(json);
        yield return JsonEncodedText.Encode(secret, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();
        var everyNonAscii = new StringBuilder();
        foreach (var c in secret)
        {
            everyNonAscii.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' or > '~' => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => c.ToString(),
            });
        }

        yield return everyNonAscii.ToString(); // Python's json.dumps
        var xmlText = secret.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
        yield return xmlText;
        yield return xmlText.Replace("\"", "&quot;", StringComparison.Ordinal).Replace("'", "&apos;", StringComparison.Ordinal);
        yield return xmlText.Replace("\"", "&quot;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal);
    }

    private static string LowerHex(string percentEncoded) =>
        PercentEscapePattern().Replace(percentEncoded, static m => m.Value.ToLowerInvariant());

    private static string JsonLowerHex(string json) =>
        JsonEscapePattern().Replace(json, static m => m.Value.ToLowerInvariant());

    [GeneratedRegex("%[0-9A-F]{2}")]
    private static partial Regex PercentEscapePattern();

    [GeneratedRegex(@"\\u[0-9A-Fa-f]{4}")]
    private static partial Regex JsonEscapePattern();

    /// <summary>Creates a redactor for every secret the environment holds (see the remarks on <see cref="SecretRedactor"/>).</summary>
    /// <param name="environment">The job's environment.</param>
    /// <returns>The redactor.</returns>
    public static SecretRedactor FromEnvironment(CivisEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var values = new List<string>();
        foreach (var (name, value) in environment.Configuration.AsEnumerable())
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            if (IsSecretVariable(name))
            {
                values.Add(value);
            }
            else if (name.EndsWith("_URI", StringComparison.OrdinalIgnoreCase))
            {
                values.AddRange(ConnectionSecrets(value, keyValueToo: IsWarehouseUriVariable(name)));
            }
        }

        return new SecretRedactor(values);
    }

    /// <summary>Whether a variable holds a secret by its name: <c>CIVIS_API_KEY</c>, <c>*_PASSWORD</c>, <c>*_SECRET_ACCESS_KEY</c>, <c>*_API_KEY</c>, <c>*_TOKEN</c>, <c>*_SECRET</c>.</summary>
    /// <param name="name">The variable name (any case).</param>
    /// <returns><see langword="true"/> when its value is a secret.</returns>
    public static bool IsSecretVariable(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return string.Equals(name, PlatformVariables.ApiKey, StringComparison.OrdinalIgnoreCase)
            || SecretSuffixes.Any(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Returns the text with every secret replaced by <see cref="Mask"/>.</summary>
    /// <param name="text">The text to print.</param>
    /// <returns>The redacted text; <see langword="null"/> gives an empty string.</returns>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        foreach (var secret in secrets)
        {
            text = secret.Length < ShortSecretLength ? ReplaceStandalone(text, secret) : text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        // Passwords the environment does not know about, in URIs (scheme://user:password@host) and connection strings.
        var shown = Volatile.Read(ref allowed);
        text = UriPasswordPattern().Replace(text, m => shown.Contains(m.Groups["password"].Value) ? m.Value : m.Groups["prefix"].Value + Mask + "@");
        return ConnectionStringPasswordPattern().Replace(text, m => shown.Contains(m.Groups["password"].Value) ? m.Value : m.Groups["key"].Value + Mask);
    }

    /// <summary>Masks the occurrences of a short secret that no letter or digit touches on either side.</summary>
    private static string ReplaceStandalone(string text, string secret)
    {
        StringBuilder? result = null;
        var copied = 0;
        for (var at = text.IndexOf(secret, StringComparison.Ordinal); at >= 0; at = text.IndexOf(secret, at + secret.Length, StringComparison.Ordinal))
        {
            var end = at + secret.Length;
            if ((at > 0 && char.IsLetterOrDigit(text[at - 1])) || (end < text.Length && char.IsLetterOrDigit(text[end])))
            {
                continue;
            }

            result ??= new StringBuilder(text.Length);
            result.Append(text, copied, at - copied).Append(Mask);
            copied = end;
        }

        return result is null ? text : result.Append(text, copied, text.Length - copied).ToString();
    }

    /// <summary>Lets the password of a local, throwaway URI through the pattern-based redaction (the job host's starting steps).</summary>
    internal void AllowUriPassword(string uri)
    {
        if (UriPassword(uri) is not { } password)
        {
            return;
        }

        lock (secrets)
        {
            var next = new HashSet<string>(allowed, StringComparer.Ordinal) { password, Uri.UnescapeDataString(password) };
            Volatile.Write(ref allowed, next);
        }
    }

    /// <summary>
    /// Whether a variable is one the warehouse factory reads as a URI or key=value connection string
    /// (<c>POSTGRES_URI</c>, <c>REDSHIFT_URI</c>). Other <c>*_URI</c> variables are read as URIs only.
    /// </summary>
    private static bool IsWarehouseUriVariable(string name) =>
        string.Equals(name, PlatformVariables.PostgresUri, StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, PlatformVariables.RedshiftUri, StringComparison.OrdinalIgnoreCase);

    /// <summary>The passwords a URI or connection string holds, as written and decoded.</summary>
    private static IEnumerable<string> ConnectionSecrets(string value, bool keyValueToo)
    {
        if (UriPassword(value) is { } password)
        {
            yield return password;
            yield return Uri.UnescapeDataString(password);
        }

        NpgsqlConnectionStringBuilder? settings = null;
        if (PostgresUri.IsUri(value))
        {
            settings = PostgresUri.TryParse(value.Trim(), out var parsed) ? parsed : null;
        }
        else if (keyValueToo && value.Contains('=', StringComparison.Ordinal))
        {
            try
            {
                settings = new NpgsqlConnectionStringBuilder(value);
            }
            catch (ArgumentException)
            {
                // Not a connection string: nothing more to find.
            }
        }

        if (settings is not null)
        {
            if (!string.IsNullOrEmpty(settings.Password))
            {
                yield return settings.Password;
            }

            if (!string.IsNullOrEmpty(settings.SslPassword))
            {
                yield return settings.SslPassword;
            }
        }
    }

    private static string? UriPassword(string value)
    {
        var start = value.IndexOf("://", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var authorityEnd = value.IndexOfAny(['/', '?', '#'], start + 3);
        var authority = authorityEnd < 0 ? value[(start + 3)..] : value[(start + 3)..authorityEnd];
        var at = authority.LastIndexOf('@');
        var colon = at < 0 ? -1 : authority.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 && colon < at && at - colon > 1 ? authority[(colon + 1)..at] : null;
    }

    [GeneratedRegex(@"(?<prefix>[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*:)(?<password>[^@\s/]+)@")]
    private static partial Regex UriPasswordPattern();

    [GeneratedRegex(@"(?<key>\b(?:Password|Pwd)\s*=\s*)(?<password>'[^']*'|""[^""]*""|[^;\s]*)", RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionStringPasswordPattern();
}
