using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the <see cref="WarehouseLoader"/> with dependency injection.</summary>
public static class WarehouseLoaderServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="WarehouseLoader"/> as a singleton over the registered <see cref="WarehouseConnectionFactory"/>
    /// (registering the warehouses with their defaults if they are not yet) and the registered
    /// <see cref="CivisClient"/>, if any: call <c>AddCivisClient()</c> too for Redshift in production.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the loader's options.</param>
    /// <returns>The same services.</returns>
    [Obsolete("AddCivisWarehouses registers the front door, CivisWarehouse, keyed by Warehouse.")]
    public static IServiceCollection AddWarehouseLoader(this IServiceCollection services, Action<WarehouseLoaderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddCivisWarehouses();
        services.TryAddSingleton(sp =>
        {
            var options = new WarehouseLoaderOptions();
            configure?.Invoke(options);
            return new WarehouseLoader(
                sp.GetRequiredService<WarehouseConnectionFactory>(), sp.GetService<CivisClient>(), options);
        });
        return services;
    }
}
