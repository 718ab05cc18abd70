using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis.Tests.Api;

/// <summary>
/// A Kestrel server on a random loopback port that answers every request with a test's own handler: huge bodies,
/// lying paging headers, HTML with status 200, stalled downloads, echoed headers.
/// </summary>
internal sealed class HostileServer : IAsyncDisposable
{
    public const string ApiKey = "hostile-Key-0123456789abcdef";

    private readonly WebApplication app;
    private readonly ConcurrentQueue<string> requests = new();

    private HostileServer(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>"METHOD /path?query" of every request, in arrival order.</summary>
    public IReadOnlyList<string> Requests => [.. requests];

    public static async Task<HostileServer> StartAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new HostileServer(app);
        app.Run(context =>
        {
            server.requests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
            return handler(context);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    public CivisClientOptions CreateClientOptions() => new()
    {
        BaseAddress = BaseAddress,
        ApiKey = ApiKey,
        Retry = { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(1) },
        Transport = { AttemptTimeout = TimeSpan.FromSeconds(30) },
    };

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
    }
}
