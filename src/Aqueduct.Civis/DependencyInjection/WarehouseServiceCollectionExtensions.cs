using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Civis environment and the warehouses with dependency injection.</summary>
public static class WarehouseServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="CivisEnvironment"/> as a singleton, read from the container's
    /// <see cref="IConfiguration"/> when there is one, otherwise from the process environment.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddCivisEnvironment(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(static sp => sp.GetService<IConfiguration>() is { } configuration
            ? new CivisEnvironment(configuration)
            : CivisEnvironment.FromProcessEnvironment());
        return services;
    }

    /// <summary>
    /// Registers <see cref="WarehouseConnectionFactory"/>, and the two warehouses' front doors and data sources as
    /// keyed singletons: inject <c>[FromKeyedServices(Warehouse.Redshift)] CivisWarehouse</c> (it uses the registered
    /// <see cref="CivisClient"/> and <see cref="CivisWarehouseOptions"/>, if any) or
    /// <c>[FromKeyedServices(Warehouse.Postgres)] NpgsqlDataSource</c>.
    /// Also registers <see cref="CivisEnvironment"/> if it is not registered yet.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the options; the container's <see cref="ILoggerFactory"/> is used unless it sets one.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddCivisWarehouses(this IServiceCollection services, Action<WarehouseOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddCivisEnvironment();
        services.TryAddSingleton(sp =>
        {
            var options = new WarehouseOptions { LoggerFactory = sp.GetService<ILoggerFactory>() };
            configure?.Invoke(options);
            return new WarehouseConnectionFactory(sp.GetRequiredService<CivisEnvironment>(), options);
        });

        foreach (var warehouse in Enum.GetValues<Warehouse>())
        {
            // The factory owns the data sources; disposing one twice is harmless.
            services.TryAddKeyedSingleton<NpgsqlDataSource>(
                warehouse, static (sp, key) => sp.GetRequiredService<WarehouseConnectionFactory>().GetDataSource((Warehouse)key!));

            // The front door: the registered CivisClient (AddCivisClient) and CivisWarehouseOptions, when there are.
            services.TryAddKeyedSingleton<CivisWarehouse>(
                warehouse,
                static (sp, key) => sp.GetRequiredService<WarehouseConnectionFactory>().GetWarehouse(
                    (Warehouse)key!, sp.GetService<CivisClient>(), sp.GetService<CivisWarehouseOptions>()));
        }

        return services;
    }
}
