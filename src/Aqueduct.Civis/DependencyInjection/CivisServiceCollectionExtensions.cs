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
    /// <c>IHttpClientFactory</c>. Its options start from the registered <see cref="CivisEnvironment"/>
    /// (the API key, endpoint, job and run ids the platform injects; registered too if it is not yet),
    /// and the registered <see cref="ILoggerFactory"/> and <see cref="TimeProvider"/>;
    /// <paramref name="configure"/> can change any of them.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the options, or <see langword="null"/> to keep what the environment gives.</param>
    /// <returns>The HTTP client builder, to add handlers.</returns>
    public static IHttpClientBuilder AddCivisClient(this IServiceCollection services, Action<CivisClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddCivisEnvironment();
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
            }.ApplyEnvironment(provider.GetRequiredService<CivisEnvironment>());
            configure?.Invoke(options);
            return new CivisClient(provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), options);
        });
        return builder;
    }
}
