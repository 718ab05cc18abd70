using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Npgsql;

namespace Aqueduct.Civis;

/// <summary>
/// One of the City's warehouses, as a job uses it: loads (CSV and typed rows), exports (to a stream, a file, typed rows)
/// and queries that choose their route, so the same code is correct in DEV, in production and on a laptop that goes
/// through the platform. Get it from <see cref="CivisJobContext.Postgres"/> / <see cref="CivisJobContext.Redshift"/>, from
/// dependency injection (<c>[FromKeyedServices(Warehouse.Redshift)] CivisWarehouse</c>) or from
/// <see cref="WarehouseConnectionFactory.GetWarehouse"/>.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="WarehouseRoute.Copy"/> goes straight to the database (<c>COPY</c>, one transaction per load): Postgres always,
/// Redshift in DEV, where a PostgreSQL server stands in for it. <see cref="WarehouseRoute.CivisPlatform"/> goes through the
/// Civis API (CSV imports, SQL scripts with CSV output): Redshift in production, which has no <c>COPY … FROM STDIN</c>, and
/// both warehouses with <c>AQUEDUCT_WAREHOUSE_ROUTE=platform</c> (a laptop reaching the production databases with
/// <c>CIVIS_API_KEY</c>). <see cref="Route"/> says which; a job never needs to know.
/// </para>
/// <para>Both routes take the same decisions: the contract check, the primary key, repeated keys (an error), gzip, the byte order
/// mark and the header, and an export to a file that is written beside it and moved over it when complete.</para>
/// <para>For SQL and Dapper, <see cref="DataSource"/> is the warehouse's <see cref="NpgsqlDataSource"/>. Thread-safe; owns nothing.</para>
/// </remarks>
public class CivisWarehouse
{
    private readonly WarehouseConnectionFactory _warehouses = null!;
    private readonly CivisWarehouseOptions _options = null!;
    private readonly PlatformRoute _platform = null!;

    internal CivisWarehouse(WarehouseConnectionFactory warehouses, Warehouse warehouse, CivisClient? client, CivisWarehouseOptions options)
    {
        _warehouses = warehouses;
        _options = options;
        Warehouse = warehouse;
        Route = options.ResolveRoute(warehouse, warehouses.Environment);
        _platform = new PlatformRoute(warehouses, warehouse, client, options);
    }

    /// <summary>For mocking only.</summary>
    protected CivisWarehouse()
    {
    }

    /// <summary>Which warehouse this is.</summary>
    public Warehouse Warehouse { get; }

    /// <summary>The route loads, exports and queries take, chosen from the warehouse, DEV and <c>AQUEDUCT_WAREHOUSE_ROUTE</c>.</summary>
    public WarehouseRoute Route { get; }

    /// <summary>The warehouse's data source, for SQL and Dapper (created on first use; the factory owns it).</summary>
    /// <exception cref="CivisEnvironmentException">No connection settings for the warehouse.</exception>
    public NpgsqlDataSource DataSource => _warehouses.GetDataSource(Warehouse);

    /// <summary>Loads a CSV file or stream into a table.</summary>
    /// <param name="table">The table; without a schema, <c>public</c> on the platform route.</param>
    /// <param name="source">The CSV. On the platform route its delimiter must be a comma, a tab or a pipe, and its NULL marker the empty string.</param>
    /// <param name="mode">What to do with the rows already in the table.</param>
    /// <param name="definition">The table's declared shape: creates it when missing; on the platform route it also gives the columns' types and the primary key.</param>
    /// <param name="cancellationToken">Cancels the load; on the platform route the import run is cancelled too.</param>
    /// <returns>What the load did (a platform import reports no counts, except InsertIgnore's merge).</returns>
    /// <exception cref="TableContractException">The CSV's columns do not match the table's.</exception>
    /// <exception cref="LoadException">The load failed (a bad row, a repeated key, a timeout); the message names the source and the table.</exception>
    /// <exception cref="CivisRunFailedException">The platform's import run failed; the exception carries the run's error.</exception>
    public virtual Task<LoadResult> LoadCsvAsync(
        TableName table, CsvSource source, WriteMode mode, TableDefinition? definition = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(source);
        return Route == WarehouseRoute.Copy
            ? TableLoader.LoadAsync(DataSource, table, new CsvLoadSource(source), mode, definition, LoadOptions, cancellationToken)
            : _platform.ImportAsync(table, source, mode, definition, cancellationToken);
    }

    /// <summary>Loads objects into a table, one row per object and one column per public property (its <c>[Column]</c> name, its name, or its snake-case name).</summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <param name="table">The table.</param>
    /// <param name="rows">The rows, enumerated once.</param>
    /// <param name="mode">What to do with the rows already in the table.</param>
    /// <param name="definition">The table's declared shape: creates it when missing. Both routes match the fields to the table's columns and merge on its key.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>What the load did.</returns>
    public virtual Task<LoadResult> LoadAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>(
        TableName table, IEnumerable<T> rows, WriteMode mode, TableDefinition? definition = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return LoadAsync(table, TypedRows.ToAsync(rows, cancellationToken), mode, definition, cancellationToken);
    }

    /// <summary>Loads objects from an asynchronous sequence into a table; see <see cref="LoadAsync{T}(TableName, IEnumerable{T}, WriteMode, TableDefinition?, CancellationToken)"/>.</summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <param name="table">The table.</param>
    /// <param name="rows">The rows, enumerated once.</param>
    /// <param name="mode">What to do with the rows already in the table.</param>
    /// <param name="definition">The table's declared shape.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>What the load did.</returns>
    public virtual async Task<LoadResult> LoadAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>(
        TableName table, IAsyncEnumerable<T> rows, WriteMode mode, TableDefinition? definition = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rows);
        var source = TypedRows.FromObjects(rows);
        if (Route == WarehouseRoute.Copy)
        {
            return await TableLoader.LoadAsync(DataSource, table, source, mode, definition, LoadOptions, cancellationToken).ConfigureAwait(false);
        }

        // The platform imports CSV: the rows are written as CSV once, named and checked as the direct route would.
        return await _platform.ImportRowsAsync(table, source, mode, definition, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes a query's result as CSV to a stream.</summary>
    /// <param name="query">The query. On the platform route it runs as a Civis SQL script.</param>
    /// <param name="destination">The stream to write to; it is flushed, not closed.</param>
    /// <param name="options">The CSV format, or <see langword="null"/> for a header, commas and empty NULLs.</param>
    /// <param name="cancellationToken">Cancels the export; on the platform route the SQL run is cancelled too.</param>
    /// <returns>The number of rows written (the header is not a row).</returns>
    /// <exception cref="CivisRunFailedException">The platform's SQL run failed.</exception>
    public virtual Task<long> ExportCsvAsync(string query, Stream destination, CsvExportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        ArgumentNullException.ThrowIfNull(destination);
        return Route == WarehouseRoute.Copy
            ? DataMovementExtensions.ExportCoreAsync(DataSource, query, destination, options, cancellationToken)
            : _platform.ExportAsync(query, destination, options ?? new CsvExportOptions(), cancellationToken);
    }

    /// <summary>Writes a query's result as CSV to a file, gzip when the name ends in <c>.gz</c>; written beside it and moved over it when complete.</summary>
    /// <param name="query">The query.</param>
    /// <param name="path">The file, created or overwritten; a failed export leaves an existing file as it was.</param>
    /// <param name="options">The CSV format, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    /// <returns>The number of rows written.</returns>
    public virtual Task<long> ExportCsvAsync(string query, string path, CsvExportOptions? options = null, CancellationToken cancellationToken = default) =>
        CsvFiles.ExportToFileAsync(path, options, (file, o, ct) => ExportCsvAsync(query, file, o, ct), cancellationToken);

    /// <summary>
    /// Runs a query and streams its rows as objects, matching columns to writable public properties by name (as loads do),
    /// the way <c>civis.io.read_civis_sql</c> reads a query: on the platform route through a SQL script's CSV output.
    /// </summary>
    /// <typeparam name="T">The row type: a class with a public parameterless constructor and settable properties.</typeparam>
    /// <param name="query">The query.</param>
    /// <param name="cancellationToken">Cancels the query and the reading.</param>
    /// <returns>The rows, read as they are enumerated.</returns>
    /// <exception cref="FormatException">A value does not fit its property; the message names the line, column and property.</exception>
    public virtual async IAsyncEnumerable<T> QueryAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(
        string query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);

        // Both routes read the same CSV, so a value reads the same whichever route ran the query.
        var spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await using (spool.ConfigureAwait(false))
        {
            var options = new CsvExportOptions { Compression = CsvCompression.None, CommandTimeout = _options.CommandTimeout };
            await ExportCsvAsync(query, spool, options, cancellationToken).ConfigureAwait(false);
            spool.Position = 0;
            await foreach (var row in CsvRows.ReadAsync<T>(spool, $"The result of the query on {Warehouse}", cancellationToken).ConfigureAwait(false))
            {
                yield return row;
            }
        }
    }

    private TableLoadOptions LoadOptions => new() { CommandTimeout = _options.CommandTimeout };
}
