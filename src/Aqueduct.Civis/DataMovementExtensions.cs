using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Npgsql;

namespace Aqueduct.Civis;

/// <summary>
/// Bulk loads into PostgreSQL and CSV exports out of it, through COPY. Every load runs in one transaction:
/// it succeeds whole or leaves the table exactly as it was.
/// </summary>
/// <remarks>
/// <para>
/// A load creates the schema and table from the <see cref="TableDefinition"/> when they are missing, checks the
/// source's columns (and, for typed rows, their types) against the table and throws a
/// <see cref="TableContractException"/> naming every mismatch before writing anything. <see cref="WriteMode.Fail"/>,
/// <see cref="WriteMode.Append"/>, <see cref="WriteMode.Truncate"/> and <see cref="WriteMode.Drop"/> copy straight
/// into the table; <see cref="WriteMode.Upsert"/> and <see cref="WriteMode.InsertIgnore"/> copy into a temporary
/// table and merge on the primary key.
/// </para>
/// <para>
/// For queries into objects, use Dapper on the data source's connections:
/// <c>connection.QueryUnbufferedAsync&lt;Trip&gt;(sql)</c> streams rows as an <see cref="IAsyncEnumerable{T}"/>.
/// </para>
/// </remarks>
public static class DataMovementExtensions
{
    /// <summary>Loads a CSV file or stream into a table.</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="table">The table.</param>
    /// <param name="source">The CSV.</param>
    /// <param name="mode">What to do with the rows already in the table.</param>
    /// <param name="definition">The table's declared shape, used to create it when missing (required for <see cref="WriteMode.Drop"/>).</param>
    /// <param name="cancellationToken">Cancels the load; the table is left as it was.</param>
    /// <returns>What the load did.</returns>
    /// <exception cref="NotSupportedException">The data source is the Redshift warehouse's: load it through <see cref="CivisWarehouse"/> (<c>job.Redshift</c>).</exception>
    /// <exception cref="TableContractException">The CSV's columns do not match the table's.</exception>
    /// <exception cref="LoadException">The CSV is malformed, PostgreSQL rejected a row or the merge, or a statement timed out; the message names the file, the table and the line (header = line 1).</exception>
    public static Task<LoadResult> LoadCsvAsync(
        this NpgsqlDataSource dataSource, TableName table, CsvSource source, WriteMode mode, TableDefinition? definition = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        RedshiftGuard.ThrowIfRedshift(dataSource);
        return TableLoader.LoadAsync(dataSource, table, new CsvLoadSource(source), mode, definition, TableLoadOptions.Default, cancellationToken);
    }

    /// <summary>Loads a CSV file or stream into a table, with options (the command timeout).</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="table">The table.</param>
    /// <param name="source">The CSV.</param>
    /// <param name="mode">What to do with the rows already in the table.</param>
    /// <param name="definition">The table's declared shape, used to create it when missing (required for <see cref="WriteMode.Drop"/>).</param>
    /// <param name="options">How the load runs, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the load; the table is left as it was.</param>
    /// <returns>What the load did.</returns>
    /// <exception cref="NotSupportedException">The data source is the Redshift warehouse's: load it through <see cref="CivisWarehouse"/> (<c>job.Redshift</c>).</exception>
    /// <exception cref="TableContractException">The CSV's columns do not match the table's.</exception>
    /// <exception cref="LoadException">The CSV is malformed or PostgreSQL rejected a row, the merge or a statement timed out; the message names the file, the table and the line.</exception>
    public static Task<LoadResult> LoadCsvAsync(
        this NpgsqlDataSource dataSource, TableName table, CsvSource source, WriteMode mode, TableDefinition? definition, TableLoadOptions? options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        RedshiftGuard.ThrowIfRedshift(dataSource);
        return TableLoader.LoadAsync(dataSource, table, new CsvLoadSource(source), mode, definition, options ?? TableLoadOptions.Default, cancellationToken);
    }

    /// <summary>
    /// Loads objects into a table, one row per object and one column per public property: the property's
    /// <c>[Column("name")]</c> name, its own name, or its name in snake case (<c>StartDatetime</c> → <c>start_datetime</c>).
    /// </summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <param name="dataSource">The database.</param>
    /// <param name="table">The table.</param>
    /// <param name="rows">The rows, enumerated once, as the copy goes.</param>
    /// <param name="mode">What to do with the rows already in the table.</param>
    /// <param name="definition">The table's declared shape, used to create it when missing (required for <see cref="WriteMode.Drop"/>).</param>
    /// <param name="cancellationToken">Cancels the load; the table is left as it was.</param>
    /// <returns>What the load did.</returns>
    /// <exception cref="NotSupportedException">The data source is the Redshift warehouse's: load it through <see cref="CivisWarehouse"/> (<c>job.Redshift</c>).</exception>
    /// <exception cref="TableContractException">The properties do not match the table's columns or types.</exception>
    public static Task<LoadResult> LoadAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>(
        this NpgsqlDataSource dataSource, TableName table, IEnumerable<T> rows, WriteMode mode, TableDefinition? definition = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        RedshiftGuard.ThrowIfRedshift(dataSource);
        return TableLoader.LoadAsync(dataSource, table, TypedRows.FromObjects(TypedRows.ToAsync(rows, cancellationToken)), mode, definition, TableLoadOptions.Default, cancellationToken);
    }

    /// <summary>Loads objects into a table, with options (the command timeout); see <see cref="LoadAsync{T}(NpgsqlDataSource, TableName, IEnumerable{T}, WriteMode, TableDefinition?, CancellationToken)"/>.</summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <param name="dataSource">The database.</param>
    /// <param name="table">The table.</param>
    /// <param name="rows">The rows, enumerated once, as the copy goes.</param>
    /// <param name="mode">What to do with the rows already in the table.</param>
    /// <param name="definition">The table's declared shape, used to create it when missing (required for <see cref="WriteMode.Drop"/>).</param>
    /// <param name="options">How the load runs, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the load; the table is left as it was.</param>
    /// <returns>What the load did.</returns>
    /// <exception cref="NotSupportedException">The data source is the Redshift warehouse's: load it through <see cref="CivisWarehouse"/> (<c>job.Redshift</c>).</exception>
    /// <exception cref="TableContractException">The properties do not match the table's columns or types.</exception>
    /// <exception cref="LoadException">PostgreSQL rejected a row or the merge, or a statement timed out; the message names the row.</exception>
    public static Task<LoadResult> LoadAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>(
        this NpgsqlDataSource dataSource, TableName table, IEnumerable<T> rows, WriteMode mode, TableDefinition? definition, TableLoadOptions? options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        RedshiftGuard.ThrowIfRedshift(dataSource);
        return TableLoader.LoadAsync(
            dataSource, table, TypedRows.FromObjects(TypedRows.ToAsync(rows, cancellationToken)), mode, definition, options ?? TableLoadOptions.Default, cancellationToken);
    }

    /// <summary>Loads objects from an asynchronous sequence into a table; see <see cref="LoadAsync{T}(NpgsqlDataSource, TableName, IEnumerable{T}, WriteMode, TableDefinition?, CancellationToken)"/>.</summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <param name="dataSource">The database.</param>
    /// <param name="table">The table.</param>
    /// <param name="rows">The rows, enumerated once, as the copy goes.</param>
    /// <param name="mode">What to do with the rows already in the table.</param>
    /// <param name="definition">The table's declared shape, used to create it when missing (required for <see cref="WriteMode.Drop"/>).</param>
    /// <param name="cancellationToken">Cancels the load; the table is left as it was.</param>
    /// <returns>What the load did.</returns>
    /// <exception cref="NotSupportedException">The data source is the Redshift warehouse's: load it through <see cref="CivisWarehouse"/> (<c>job.Redshift</c>).</exception>
    /// <exception cref="TableContractException">The properties do not match the table's columns or types.</exception>
    public static Task<LoadResult> LoadAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>(
        this NpgsqlDataSource dataSource, TableName table, IAsyncEnumerable<T> rows, WriteMode mode, TableDefinition? definition = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        RedshiftGuard.ThrowIfRedshift(dataSource);
        return TableLoader.LoadAsync(dataSource, table, TypedRows.FromObjects(rows), mode, definition, TableLoadOptions.Default, cancellationToken);
    }

    /// <summary>Loads objects from an asynchronous sequence into a table, with options (the command timeout).</summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <param name="dataSource">The database.</param>
    /// <param name="table">The table.</param>
    /// <param name="rows">The rows, enumerated once, as the copy goes.</param>
    /// <param name="mode">What to do with the rows already in the table.</param>
    /// <param name="definition">The table's declared shape, used to create it when missing (required for <see cref="WriteMode.Drop"/>).</param>
    /// <param name="options">How the load runs, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the load; the table is left as it was.</param>
    /// <returns>What the load did.</returns>
    /// <exception cref="NotSupportedException">The data source is the Redshift warehouse's: load it through <see cref="CivisWarehouse"/> (<c>job.Redshift</c>).</exception>
    /// <exception cref="TableContractException">The properties do not match the table's columns or types.</exception>
    /// <exception cref="LoadException">PostgreSQL rejected a row or the merge, or a statement timed out; the message names the row.</exception>
    public static Task<LoadResult> LoadAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>(
        this NpgsqlDataSource dataSource, TableName table, IAsyncEnumerable<T> rows, WriteMode mode, TableDefinition? definition, TableLoadOptions? options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        RedshiftGuard.ThrowIfRedshift(dataSource);
        return TableLoader.LoadAsync(dataSource, table, TypedRows.FromObjects(rows), mode, definition, options ?? TableLoadOptions.Default, cancellationToken);
    }

    /// <summary>Loads the rows of a data reader (from any database) into a table, matching fields to columns by name.</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="table">The table.</param>
    /// <param name="reader">The reader, read to its end.</param>
    /// <param name="mode">What to do with the rows already in the table.</param>
    /// <param name="definition">The table's declared shape, used to create it when missing (required for <see cref="WriteMode.Drop"/>).</param>
    /// <param name="cancellationToken">Cancels the load; the table is left as it was.</param>
    /// <returns>What the load did.</returns>
    /// <exception cref="NotSupportedException">The data source is the Redshift warehouse's: load it through <see cref="CivisWarehouse"/> (<c>job.Redshift</c>).</exception>
    /// <exception cref="TableContractException">The reader's fields do not match the table's columns or types.</exception>
    public static Task<LoadResult> LoadAsync(
        this NpgsqlDataSource dataSource, TableName table, DbDataReader reader, WriteMode mode, TableDefinition? definition = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        RedshiftGuard.ThrowIfRedshift(dataSource);
        return TableLoader.LoadAsync(dataSource, table, TypedRows.FromReader(reader), mode, definition, TableLoadOptions.Default, cancellationToken);
    }

    /// <summary>Loads the rows of a data reader into a table, with options (the command timeout).</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="table">The table.</param>
    /// <param name="reader">The reader, read to its end.</param>
    /// <param name="mode">What to do with the rows already in the table.</param>
    /// <param name="definition">The table's declared shape, used to create it when missing (required for <see cref="WriteMode.Drop"/>).</param>
    /// <param name="options">How the load runs, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the load; the table is left as it was.</param>
    /// <returns>What the load did.</returns>
    /// <exception cref="NotSupportedException">The data source is the Redshift warehouse's: load it through <see cref="CivisWarehouse"/> (<c>job.Redshift</c>).</exception>
    /// <exception cref="TableContractException">The reader's fields do not match the table's columns or types.</exception>
    /// <exception cref="LoadException">PostgreSQL rejected a row or the merge, or a statement timed out; the message names the row.</exception>
    public static Task<LoadResult> LoadAsync(
        this NpgsqlDataSource dataSource, TableName table, DbDataReader reader, WriteMode mode, TableDefinition? definition, TableLoadOptions? options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        RedshiftGuard.ThrowIfRedshift(dataSource);
        return TableLoader.LoadAsync(dataSource, table, TypedRows.FromReader(reader), mode, definition, options ?? TableLoadOptions.Default, cancellationToken);
    }

    /// <summary>Writes a query's result as CSV to a stream, through <c>COPY (query) TO STDOUT</c>, as the server sends it.</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="query">The query (a <c>SELECT</c>, <c>TABLE x</c> or <c>VALUES</c>; COPY takes no parameters).</param>
    /// <param name="destination">The stream to write to; it is flushed, not closed.</param>
    /// <param name="options">The CSV format, or <see langword="null"/> for a header, commas and empty NULLs.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    /// <returns>The number of rows written (the header is not a row).</returns>
    /// <exception cref="PostgresException">The query failed.</exception>
    /// <exception cref="TimeoutException">A statement of the export ran past <see cref="CsvExportOptions.CommandTimeout"/>; the message names the step.</exception>
    public static Task<long> ExportCsvAsync(
        this NpgsqlDataSource dataSource, string query, Stream destination, CsvExportOptions? options = null, CancellationToken cancellationToken = default)
    {
        RedshiftGuard.ThrowIfRedshift(dataSource);
        return ExportCoreAsync(dataSource, query, destination, options, cancellationToken);
    }

    /// <summary>
    /// Writes a query's result as CSV to a file, gzip-compressed when the name ends in <c>.gz</c> (see
    /// <see cref="CsvExportOptions.Compression"/>). The CSV is written to a temporary file beside it and moved over it
    /// when complete, so a failed export leaves an existing file as it was.
    /// </summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="query">The query (a <c>SELECT</c>, <c>TABLE x</c> or <c>VALUES</c>; COPY takes no parameters).</param>
    /// <param name="path">The file, created or overwritten.</param>
    /// <param name="options">The CSV format, or <see langword="null"/> for a header, commas and empty NULLs.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    /// <returns>The number of rows written (the header is not a row).</returns>
    /// <exception cref="NotSupportedException">The data source is the Redshift warehouse's: use <see cref="CivisWarehouse"/>.</exception>
    public static Task<long> ExportCsvAsync(
        this NpgsqlDataSource dataSource, string query, string path, CsvExportOptions? options = null, CancellationToken cancellationToken = default)
    {
        RedshiftGuard.ThrowIfRedshift(dataSource);
        return CsvFiles.ExportToFileAsync(path, options, (file, o, ct) => ExportCoreAsync(dataSource, query, file, o, ct), cancellationToken);
    }

    /// <summary>The direct export, for this class and the front door (which lets the Redshift stand-in of DEV through).</summary>
    internal static async Task<long> ExportCoreAsync(
        NpgsqlDataSource dataSource, string query, Stream destination, CsvExportOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        ArgumentNullException.ThrowIfNull(destination);
        options ??= new CsvExportOptions();
        var sql = $"COPY ({query.Trim().TrimEnd(';')}) TO STDOUT {CopySql.CsvOptions(options.Delimiter, options.NullMarker, options.IncludeHeader)}";
        var timeouts = CommandTimeouts.Of(options.CommandTimeout, nameof(options));
        var records = await CsvExporter.ExportAsync(dataSource, sql, destination, options.Compression == CsvCompression.Gzip, timeouts, cancellationToken)
            .ConfigureAwait(false);
        return Math.Max(0, records - (options.IncludeHeader ? 1 : 0));
    }
}
