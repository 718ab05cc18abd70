using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Aqueduct.Civis;

/// <summary>
/// Removes secret values from text before it is printed: every secret the environment holds, and passwords written
/// inside URIs or connection strings.
/// </summary>
/// <remarks>
/// Secret variables are <c>CIVIS_API_KEY</c> and every variable whose name ends in <c>_PASSWORD</c>,
/// <c>_SECRET_ACCESS_KEY</c>, <c>_API_KEY</c>, <c>_TOKEN</c> or <c>_SECRET</c>; the password inside the value of a
/// <c>*_URI</c> variable (<c>postgres://user:password@host</c>) is one too. Each value is also removed in its
/// percent-encoded form. The instance is thread-safe.
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
            .SelectMany(static s => new[] { s, Uri.EscapeDataString(s) })
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(static s => s.Length)]; // a longer secret that contains a shorter one goes first
    }

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
            else if (name.EndsWith("_URI", StringComparison.OrdinalIgnoreCase) && UriPassword(value) is { } password)
            {
                values.Add(password);
                values.Add(Uri.UnescapeDataString(password));
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
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        // Passwords the environment does not know about, in URIs (scheme://user:password@host) and connection strings.
        var shown = Volatile.Read(ref allowed);
        text = UriPasswordPattern().Replace(text, m => shown.Contains(m.Groups["password"].Value) ? m.Value : m.Groups["prefix"].Value + Mask + "@");
        return ConnectionStringPasswordPattern().Replace(text, m => shown.Contains(m.Groups["password"].Value) ? m.Value : m.Groups["key"].Value + Mask);
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
