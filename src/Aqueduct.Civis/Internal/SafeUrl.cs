namespace Aqueduct.Civis.Internal;

/// <summary>Shows a URL in text (ToString, messages) without the parts that may hold a secret.</summary>
internal static class SafeUrl
{
    /// <summary>
    /// The scheme, host, port and path of a URL: its user-info (<c>user:password@</c>) and fragment are dropped, and
    /// a query (which may hold a signature or token) is shown as <c>?…</c>.
    /// </summary>
    /// <param name="url">The URL, or <see langword="null"/>.</param>
    /// <returns>For example <c>https://host:8443/path?…</c>; <c>(none)</c> for <see langword="null"/>.</returns>
    public static string Show(Uri? url)
    {
        if (url is null)
        {
            return "(none)";
        }

        if (!url.IsAbsoluteUri)
        {
            return "(relative URL)";
        }

        var shown = url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        return url.Query.Length > 0 ? shown + "?…" : shown;
    }
}
