using System.Collections.Concurrent;
using System.Net;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis.Tests.Samples;

/// <summary>
/// A loopback fake of the four Tableau REST API calls the bikeshare job makes: sign in, find a view by URL name,
/// download its data as CSV, sign out. It answers in Tableau's XML, checks the token on every call, and records
/// the calls.
/// </summary>
internal sealed class FakeTableau : IAsyncDisposable
{
    private static readonly XNamespace Ts = "http://tableau.com/api";
    private readonly WebApplication app;
    private readonly ConcurrentQueue<string> calls = new();
    private readonly ConcurrentDictionary<string, bool> tokens = new();

    private FakeTableau(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public string ApiVersion { get; set; } = "3.19";

    public string Username { get; set; } = "jane@example.org";

    public string Password { get; set; } = "Tr0ub4dor&3";

    public string Site { get; set; } = "lacity";

    public string SiteId { get; } = Guid.NewGuid().ToString();

    public string ViewUrlName { get; set; } = "TripsExport";

    public string ViewId { get; } = Guid.NewGuid().ToString();

    public byte[] Csv { get; set; } = [];

    /// <summary>The calls as "METHOD path?query", in order.</summary>
    public IReadOnlyList<string> Calls => [.. calls];

    /// <summary>Tokens handed out and not signed out.</summary>
    public int ActiveTokens => tokens.Count;

    public static async Task<FakeTableau> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeTableau(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return fake;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? string.Empty;
        calls.Enqueue($"{request.Method} {path}{request.QueryString}");
        var api = $"/api/{ApiVersion}/";
        if (!path.StartsWith(api, StringComparison.Ordinal))
        {
            await ErrorAsync(context, 404, "404000", "Resource Not Found", "Unknown version or path.");
            return;
        }

        var relative = path[api.Length..];
        if (request.Method == "POST" && relative == "auth/signin")
        {
            var body = await XDocument.LoadAsync(request.Body, LoadOptions.None, context.RequestAborted);
            var credentials = body.Root?.Element("credentials");
            if (credentials?.Attribute("name")?.Value != Username || credentials.Attribute("password")?.Value != Password
                || credentials.Element("site")?.Attribute("contentUrl")?.Value != Site)
            {
                await ErrorAsync(context, 401, "401001", "Signin Error", "Error signing in to Tableau Server");
                return;
            }

            var token = Guid.NewGuid().ToString("N");
            tokens[token] = true;
            await XmlAsync(context, new XElement(Ts + "credentials", new XAttribute("token", token),
                new XElement(Ts + "site", new XAttribute("id", SiteId), new XAttribute("contentUrl", Site)),
                new XElement(Ts + "user", new XAttribute("id", Guid.NewGuid().ToString()))));
            return;
        }

        var auth = request.Headers["X-Tableau-Auth"].ToString();
        if (!tokens.ContainsKey(auth))
        {
            await ErrorAsync(context, 401, "401002", "Unauthorized Access", "Invalid authentication credentials were provided.");
            return;
        }

        if (request.Method == "POST" && relative == "auth/signout")
        {
            tokens.TryRemove(auth, out _);
            context.Response.StatusCode = 204;
        }
        else if (request.Method == "GET" && relative == $"sites/{SiteId}/views")
        {
            var filter = request.Query["filter"].ToString();
            var views = filter == $"viewUrlName:eq:{ViewUrlName}"
                ? [new XElement(Ts + "view", new XAttribute("id", ViewId), new XAttribute("name", "Trips export"), new XAttribute("viewUrlName", ViewUrlName))]
                : Array.Empty<XElement>();
            await XmlAsync(context,
                new XElement(Ts + "pagination", new XAttribute("pageNumber", 1), new XAttribute("pageSize", 100), new XAttribute("totalAvailable", views.Length)),
                new XElement(Ts + "views", views));
        }
        else if (request.Method == "GET" && relative == $"sites/{SiteId}/views/{ViewId}/data")
        {
            context.Response.ContentType = "text/csv; charset=utf-8";
            await context.Response.Body.WriteAsync(Csv, context.RequestAborted);
        }
        else
        {
            await ErrorAsync(context, 404, "404000", "Resource Not Found", $"No {request.Method} {relative}.");
        }
    }

    private static Task XmlAsync(HttpContext context, params XElement[] content)
    {
        context.Response.ContentType = "application/xml; charset=utf-8";
        return context.Response.WriteAsync(new XDocument(new XElement(Ts + "tsResponse", content)).ToString(), context.RequestAborted);
    }

    private static Task ErrorAsync(HttpContext context, int status, string code, string summary, string detail)
    {
        context.Response.StatusCode = status;
        return XmlAsync(context, new XElement(Ts + "error", new XAttribute("code", code),
            new XElement(Ts + "summary", summary), new XElement(Ts + "detail", detail)));
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
