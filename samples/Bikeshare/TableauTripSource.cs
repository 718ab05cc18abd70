using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;

namespace Bikeshare;

/// <summary>
/// The view's CSV export from Tableau's REST API: sign in with a username and password
/// (<c>POST /api/{version}/auth/signin</c>), find the view by its URL name
/// (<c>GET /api/{version}/sites/{site-id}/views?filter=viewUrlName:eq:{name}</c>), download its data as CSV
/// (<c>GET /api/{version}/sites/{site-id}/views/{view-id}/data</c>), and sign out (<c>POST /api/{version}/auth/signout</c>).
/// </summary>
/// <param name="http">The HTTP client (its base address is not used).</param>
/// <param name="settings">Where the view is and who signs in.</param>
public sealed class TableauTripSource(HttpClient http, TableauSettings settings) : ITripSource
{
    private static readonly XNamespace Ts = "http://tableau.com/api";

    /// <inheritdoc/>
    public async Task<T> ReadAsync<T>(Func<Stream, CancellationToken, Task<T>> read, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        var (token, siteId) = await SignInAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var viewId = await FindViewAsync(token, siteId, cancellationToken).ConfigureAwait(false);
            using var request = new HttpRequestMessage(HttpMethod.Get, Api($"sites/{siteId}/views/{viewId}/data"));
            request.Headers.Add("X-Tableau-Auth", token);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(response, "downloading the view's data", cancellationToken).ConfigureAwait(false);
            var csv = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (csv.ConfigureAwait(false))
            {
                return await read(csv, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await SignOutAsync(token).ConfigureAwait(false);
        }
    }

    private async Task<(string Token, string SiteId)> SignInAsync(CancellationToken cancellationToken)
    {
        var body = new XElement("tsRequest",
            new XElement("credentials",
                new XAttribute("name", settings.Username),
                new XAttribute("password", settings.Password),
                new XElement("site", new XAttribute("contentUrl", settings.Site))));
        using var request = new HttpRequestMessage(HttpMethod.Post, Api("auth/signin"))
        {
            Content = new StringContent(body.ToString(SaveOptions.DisableFormatting), Encoding.UTF8, "application/xml"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/xml"));
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"signing in as {settings.Username} to site '{settings.Site}'", cancellationToken).ConfigureAwait(false);
        var credentials = (await ReadXmlAsync(response, cancellationToken).ConfigureAwait(false)).Descendants(Ts + "credentials").FirstOrDefault();
        var token = credentials?.Attribute("token")?.Value;
        var siteId = credentials?.Element(Ts + "site")?.Attribute("id")?.Value;
        return token is { Length: > 0 } && siteId is { Length: > 0 }
            ? (token, siteId)
            : throw new InvalidOperationException("Tableau's sign-in response has no credentials token or site id.");
    }

    private async Task<string> FindViewAsync(string token, string siteId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Api($"sites/{siteId}/views?filter=viewUrlName:eq:{Uri.EscapeDataString(settings.View)}"));
        request.Headers.Add("X-Tableau-Auth", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/xml"));
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"looking up the view '{settings.View}'", cancellationToken).ConfigureAwait(false);
        var views = (await ReadXmlAsync(response, cancellationToken).ConfigureAwait(false)).Descendants(Ts + "view").ToList();
        return views switch
        {
            [var view] when view.Attribute("id")?.Value is { Length: > 0 } id => id,
            [] => throw new InvalidOperationException($"Tableau site '{settings.Site}' has no view named '{settings.View}' (its URL name) that this user can see."),
            _ => throw new InvalidOperationException($"Tableau site '{settings.Site}' has {views.Count} views named '{settings.View}'; expected one."),
        };
    }

    private async Task SignOutAsync(string token)
    {
        // Best effort: the token expires on its own, and a failed sign-out must not hide the job's outcome.
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            using var request = new HttpRequestMessage(HttpMethod.Post, Api("auth/signout"));
            request.Headers.Add("X-Tableau-Auth", token);
            using var response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // see above
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private Uri Api(string relative) => new(settings.Server, $"api/{settings.ApiVersion}/{relative}");

    private static async Task<XDocument> ReadXmlAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await XDocument.LoadAsync(stream, LoadOptions.None, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        // Tableau's error body: <error code="401001"><summary>…</summary><detail>…</detail></error>; it never echoes the password.
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string? detail = null;
        try
        {
            var error = XDocument.Parse(body).Descendants(Ts + "error").FirstOrDefault();
            detail = error is null ? null : $"{error.Attribute("code")?.Value} {error.Element(Ts + "summary")?.Value}: {error.Element(Ts + "detail")?.Value}";
        }
        catch (System.Xml.XmlException)
        {
        }

        throw new HttpRequestException(
            $"Tableau answered {(int)response.StatusCode} ({response.ReasonPhrase}) {what}{(detail is null ? "." : ": " + detail)}",
            null, response.StatusCode);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Tableau view '{settings.View}' on {settings.Server} (site '{settings.Site}')";
}
