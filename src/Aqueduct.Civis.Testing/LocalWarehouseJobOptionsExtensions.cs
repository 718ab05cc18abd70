using Aqueduct.Civis.Testing;
using Aqueduct.Civis.Testing.Internal;
using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis;

/// <summary>Runs a job on the <see cref="LocalWarehouse"/> in DEV.</summary>
public static class LocalWarehouseJobOptionsExtensions
{
    /// <summary>
    /// In DEV, when <c>POSTGRES_URI</c> or <c>REDSHIFT_URI</c> is not set, starts the <see cref="LocalWarehouse"/>
    /// before the job, sets the two URIs for it, prints them (psql opens them as they are), and removes the warehouse
    /// after the job, unless <c>AQUEDUCT_KEEP_LOCAL_WAREHOUSE=1</c>: then its server keeps running with its databases,
    /// the next run reuses them, and <c>dotnet civis local-warehouse remove</c> removes them. Outside DEV it does nothing.
    /// </summary>
    /// <param name="options">The job's options.</param>
    /// <param name="configure">Changes the <see cref="LocalWarehouseOptions"/>.</param>
    /// <returns>The options, for chaining.</returns>
    public static CivisJobOptions UseLocalWarehouse(this CivisJobOptions options, Action<LocalWarehouseOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.OnStarting(async (context, cancellationToken) =>
        {
            var environment = context.Environment;
            if (!environment.IsDev
                || (!string.IsNullOrWhiteSpace(environment.GetString(PlatformVariables.PostgresUri))
                    && !string.IsNullOrWhiteSpace(environment.GetString(PlatformVariables.RedshiftUri))))
            {
                return null;
            }

            var logger = context.LoggerFactory.CreateLogger(nameof(LocalWarehouse));
            var warehouseOptions = new LocalWarehouseOptions
            {
                Logger = logger,
                GetEnvironmentVariable = name => environment.Configuration[name],
            };
            configure?.Invoke(warehouseOptions);
            LocalWarehouse warehouse;
            try
            {
                warehouse = await LocalWarehouse.StartAsync(warehouseOptions, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresServerException ex)
            {
                // A machine without a server is a set-up problem: a configuration error (exit code 78), no stack trace.
                throw new CivisEnvironmentException(
                    $"DEV is set and {PlatformVariables.PostgresUri} / {PlatformVariables.RedshiftUri} are not, so the job needs a local warehouse, " +
                    $"but no PostgreSQL server could be found or started. Set both URIs to servers of your own, or: {ex.Message}",
                    [PlatformVariables.PostgresUri, PlatformVariables.RedshiftUri]);
            }

            context.SetVariable(PlatformVariables.PostgresUri, warehouse.PostgresUri);
            context.SetVariable(PlatformVariables.RedshiftUri, warehouse.RedshiftUri);

            // Printed after SetVariable, which lets these throwaway passwords through the host's redaction.
            LocalWarehouseLog.Started(logger, warehouse.Server?.ToString() ?? "servers of POSTGRES_URI / REDSHIFT_URI", warehouse.PostgresUri, warehouse.RedshiftUri,
                warehouse.Keep
                    ? "kept after the job (AQUEDUCT_KEEP_LOCAL_WAREHOUSE): the next run reuses it, `dotnet civis local-warehouse remove` removes it"
                    : "set AQUEDUCT_KEEP_LOCAL_WAREHOUSE=1 to keep it for the next run");
            return warehouse;
        });
    }
}
