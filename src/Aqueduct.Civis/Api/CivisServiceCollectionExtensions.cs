using Aqueduct.Civis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="CivisClient"/> with dependency injection.</summary>
public static class CivisServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> the client uses, for further configuration.</summary>
    public const string HttpClientName = "Aqueduct.Civis";

    /// <summary>
    /// Registers a singleton <see cref="CivisClient"/> whose <see cref="HttpClient"/> comes from
    /// <c>IHttpClientFactory</c>. The registered <see cref="ILoggerFactory"/> and
    /// <see cref="TimeProvider"/> are used unless <paramref name="configure"/> sets others.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options, at least the API key.</param>
    /// <returns>The HTTP client builder, to add handlers.</returns>
    public static IHttpClientBuilder AddCivisClient(this IServiceCollection services, Action<CivisClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddHttpClient(HttpClientName)
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan)
            // The client is a singleton that keeps its HttpClient, so DNS changes are picked up by
            // recycling pooled connections rather than by rotating handlers.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.TryAddSingleton(provider =>
        {
            var options = new CivisClientOptions
            {
                LoggerFactory = provider.GetService<ILoggerFactory>(),
                TimeProvider = provider.GetService<TimeProvider>() ?? TimeProvider.System,
            };
            configure(options);
            return new CivisClient(provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), options);
        });
        return builder;
    }
}
