
namespace Aqueduct.Civis;

/// <summary>
/// The earlier route-aware loader, kept so existing jobs build: it now hands every call to the warehouse's front door,
/// <see cref="CivisWarehouse"/> (<c>job.Postgres</c>, <c>job.Redshift</c>), which new code should use directly.
/// </summary>
[Obsolete("Use the warehouse's front door, CivisWarehouse: job.Postgres / job.Redshift, WarehouseConnectionFactory.GetWarehouse, or [FromKeyedServices(Warehouse.Redshift)] CivisWarehouse.")]
public class WarehouseLoader
{
    private readonly CivisWarehouse _postgres = null!;
    private readonly CivisWarehouse _redshift = null!;

    /// <summary>Creates a loader.</summary>
    /// <param name="warehouses">The warehouses' connections; their environment decides DEV or production.</param>
    /// <param name="client">The Civis API client, needed only for the platform route.</param>
    /// <param name="options">Options of the platform route, or <see langword="null"/> for the defaults.</param>
    public WarehouseLoader(WarehouseConnectionFactory warehouses, CivisClient? client = null, WarehouseLoaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(warehouses);
        options ??= new WarehouseLoaderOptions();
        var frontDoor = new CivisWarehouseOptions
        {
            Route = null,
            RedshiftDatabaseId = options.RedshiftDatabaseId,
            RedshiftDatabaseName = options.RedshiftDatabaseName,
            CredentialId = options.CredentialId,
            UploadLifetime = options.UploadLifetime,
            TimeProvider = options.TimeProvider,
            CommandTimeout = options.CommandTimeout,
        };
        _postgres = warehouses.GetWarehouse(Warehouse.Postgres, client, frontDoor);
        _redshift = warehouses.GetWarehouse(Warehouse.Redshift, client, frontDoor);
    }

    /// <summary>For mocking only.</summary>
    protected WarehouseLoader()
    {
    }

    /// <summary>The route a warehouse's loads and exports take in this environment.</summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <returns>The route (see <see cref="CivisWarehouse.Route"/>).</returns>
    public virtual WarehouseRoute GetRoute(Warehouse warehouse) => Get(warehouse).Route;

    /// <summary>Loads a CSV into a table of a warehouse; see <see cref="CivisWarehouse.LoadCsvAsync"/>.</summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <param name="table">The table.</param>
    /// <param name="source">The CSV.</param>
    /// <param name="mode">What to do with the rows already in the table.</param>
    /// <param name="definition">The table's declared shape.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>What the load did.</returns>
    public virtual Task<LoadResult> LoadCsvAsync(
        Warehouse warehouse, TableName table, CsvSource source, WriteMode mode, TableDefinition? definition = null,
        CancellationToken cancellationToken = default) =>
        Get(warehouse).LoadCsvAsync(table, source, mode, definition, cancellationToken);

    /// <summary>Writes a query's result as CSV to a stream; see <see cref="CivisWarehouse.ExportCsvAsync(string, Stream, CsvExportOptions?, CancellationToken)"/>.</summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <param name="query">The query.</param>
    /// <param name="destination">The stream to write to; it is flushed, not closed.</param>
    /// <param name="options">The CSV format.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    /// <returns>The number of rows written.</returns>
    public virtual Task<long> ExportCsvAsync(
        Warehouse warehouse, string query, Stream destination, CsvExportOptions? options = null, CancellationToken cancellationToken = default) =>
        Get(warehouse).ExportCsvAsync(query, destination, options, cancellationToken);

    /// <summary>Writes a query's result as CSV to a file; see <see cref="CivisWarehouse.ExportCsvAsync(string, string, CsvExportOptions?, CancellationToken)"/>.</summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <param name="query">The query.</param>
    /// <param name="path">The file.</param>
    /// <param name="options">The CSV format.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    /// <returns>The number of rows written.</returns>
    public virtual Task<long> ExportCsvAsync(
        Warehouse warehouse, string query, string path, CsvExportOptions? options = null, CancellationToken cancellationToken = default) =>
        Get(warehouse).ExportCsvAsync(query, path, options, cancellationToken);

    private CivisWarehouse Get(Warehouse warehouse) => warehouse switch
    {
        Warehouse.Postgres => _postgres,
        Warehouse.Redshift => _redshift,
        _ => throw new ArgumentOutOfRangeException(nameof(warehouse), warehouse, "Unknown warehouse."),
    };
}
