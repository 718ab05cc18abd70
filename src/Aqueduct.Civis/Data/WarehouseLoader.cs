using System.Data.Common;
using System.Diagnostics;
using System.IO.Compression;
using Aqueduct.Civis.Api;
using Npgsql;

namespace Aqueduct.Civis;

/// <summary>
/// Loads CSV into a warehouse and exports query results out of it, choosing the route from the warehouse and
/// the environment, so a job's code is the same in DEV and in production.
/// </summary>
/// <remarks>
/// <para>
/// The Postgres warehouse, and the Redshift warehouse in DEV (where a PostgreSQL server stands in for it), go
/// straight to the database through COPY (<see cref="DataMovementExtensions"/>). Redshift in production has no
/// <c>COPY … FROM STDIN</c> and no <c>ON CONFLICT</c>, so there a load uploads the CSV to Civis Files and runs a
/// CSV import (<c>imports/files/csv</c>), and an export runs a SQL script with CSV output and streams the file
/// back. <see cref="GetRoute"/> says which route a warehouse takes.
/// </para>
/// <para>
/// On the platform route <see cref="WriteMode.InsertIgnore"/>, which the import API lacks, imports into a
/// staging table and then inserts the rows whose primary key is new over the Redshift connection, in one
/// transaction; it needs the database parameter's connection as well as the API. The platform reports no row
/// counts, so a load's <see cref="LoadResult"/> has zero counts there, except for InsertIgnore, which counts
/// through its merge.
/// </para>
/// <para>The loader is thread-safe and meant to live as long as the job; it does not own the factory or the client.</para>
/// </remarks>
/// <example>
/// <code>
/// await using var warehouses = WarehouseConnectionFactory.FromProcessEnvironment();
/// var loader = new WarehouseLoader(warehouses, new CivisClient(CivisClientOptions.FromEnvironment(warehouses.Environment)));
/// await loader.LoadCsvAsync(Warehouse.Redshift, TableName.Parse("bikeshare.trips"), new CsvSource("trips.csv"), WriteMode.Upsert, trips);
/// </code>
/// </example>
public class WarehouseLoader
{
    private static readonly byte[] GzipSignature = [0x1f, 0x8b];
    private readonly WarehouseConnectionFactory _warehouses = null!;
    private readonly CivisClient? _client;
    private readonly WarehouseLoaderOptions _options = null!;
    // 0 until looked up (platform ids are positive); an int, unlike an int?, is read and written atomically.
    private volatile int _databaseId;
    private volatile int _credentialId;

    /// <summary>Creates a loader.</summary>
    /// <param name="warehouses">The warehouses' connections; their environment decides DEV or production.</param>
    /// <param name="client">The Civis API client, needed only for Redshift in production.</param>
    /// <param name="options">Options of the platform route, or <see langword="null"/> for the defaults.</param>
    public WarehouseLoader(WarehouseConnectionFactory warehouses, CivisClient? client = null, WarehouseLoaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(warehouses);
        _warehouses = warehouses;
        _client = client;
        _options = options ?? new WarehouseLoaderOptions();
        _databaseId = _options.RedshiftDatabaseId ?? 0;
        _credentialId = _options.CredentialId ?? 0;
    }

    /// <summary>For mocking only.</summary>
    protected WarehouseLoader()
    {
    }

    /// <summary>The route a warehouse's loads and exports take in this environment.</summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <returns><see cref="WarehouseRoute.CivisPlatform"/> for Redshift in production, otherwise <see cref="WarehouseRoute.Copy"/>.</returns>
    public virtual WarehouseRoute GetRoute(Warehouse warehouse) => warehouse switch
    {
        Warehouse.Postgres => WarehouseRoute.Copy,
        Warehouse.Redshift => _warehouses.Environment.IsDev ? WarehouseRoute.Copy : WarehouseRoute.CivisPlatform,
        _ => throw new ArgumentOutOfRangeException(nameof(warehouse), warehouse, "Unknown warehouse."),
    };

    /// <summary>Loads a CSV file or stream into a table of a warehouse.</summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <param name="table">The table; without a schema, <c>public</c> on the platform route.</param>
    /// <param name="source">The CSV. On the platform route its delimiter must be a comma, a tab or a pipe, and its NULL marker the empty string.</param>
    /// <param name="mode">What to do with the rows already in the table.</param>
    /// <param name="definition">The table's declared shape: creates the table when missing, and gives the primary key that
    /// <see cref="WriteMode.Upsert"/> and <see cref="WriteMode.InsertIgnore"/> need on the platform route.</param>
    /// <param name="cancellationToken">Cancels the load; on the platform route the import run is cancelled too.</param>
    /// <returns>What the load did (zero counts for a platform import, which reports none).</returns>
    /// <exception cref="InvalidOperationException">Redshift in production without a <see cref="CivisClient"/>.</exception>
    /// <exception cref="CivisRunFailedException">The platform's import run failed; the exception carries the run's error.</exception>
    public virtual Task<LoadResult> LoadCsvAsync(
        Warehouse warehouse, TableName table, CsvSource source, WriteMode mode, TableDefinition? definition = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(source);
        return GetRoute(warehouse) == WarehouseRoute.Copy
            ? _warehouses.GetDataSource(warehouse).LoadCsvAsync(table, source, mode, definition, new TableLoadOptions { CommandTimeout = _options.CommandTimeout }, cancellationToken)
            : ImportAsync(table, source, mode, definition, cancellationToken);
    }

    /// <summary>Writes a query's result as CSV to a stream, from any warehouse.</summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <param name="query">The query. On the platform route it runs as a Civis SQL script with the default database credential.</param>
    /// <param name="destination">The stream to write to; it is flushed, not closed.</param>
    /// <param name="options">The CSV format, or <see langword="null"/> for a header, commas and empty NULLs. On the platform route
    /// the delimiter must be a comma, a tab or a pipe and the NULL marker the empty string.</param>
    /// <param name="cancellationToken">Cancels the export; on the platform route the SQL run is cancelled too.</param>
    /// <returns>The number of rows written (the header is not a row).</returns>
    /// <exception cref="InvalidOperationException">Redshift in production without a <see cref="CivisClient"/>.</exception>
    /// <exception cref="CivisRunFailedException">The platform's SQL run failed; the exception carries the run's error.</exception>
    public virtual Task<long> ExportCsvAsync(
        Warehouse warehouse, string query, Stream destination, CsvExportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        ArgumentNullException.ThrowIfNull(destination);
        return GetRoute(warehouse) == WarehouseRoute.Copy
            ? _warehouses.GetDataSource(warehouse).ExportCsvAsync(query, destination, options, cancellationToken)
            : ExportThroughPlatformAsync(query, destination, options ?? new CsvExportOptions(), cancellationToken);
    }

    /// <summary>Writes a query's result as CSV to a file, gzip-compressed when the name ends in <c>.gz</c> (see <see cref="CsvExportOptions.Compression"/>).</summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <param name="query">The query.</param>
    /// <param name="path">The file, created or overwritten; written beside it first, so a failed export leaves an existing file as it was.</param>
    /// <param name="options">The CSV format, or <see langword="null"/> for a header, commas and empty NULLs.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    /// <returns>The number of rows written (the header is not a row).</returns>
    public virtual async Task<long> ExportCsvAsync(
        Warehouse warehouse, string query, string path, CsvExportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new CsvExportOptions();
        if (options.Compression == CsvCompression.Auto)
        {
            options = new CsvExportOptions
            {
                IncludeHeader = options.IncludeHeader,
                Delimiter = options.Delimiter,
                NullMarker = options.NullMarker,
                Compression = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? CsvCompression.Gzip : CsvCompression.None,
                CommandTimeout = options.CommandTimeout,
            };
        }

        // Written beside the target and moved over it only when complete: a failed export leaves the old file.
        var temporary = DataMovementExtensions.TemporaryPathBeside(path);
        try
        {
            var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous);
            long rows;
            await using (file.ConfigureAwait(false))
            {
                rows = await ExportCsvAsync(warehouse, query, file, options, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, path, overwrite: true);
            return rows;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    // ------------------------------------------------------------------ loads through the platform

    private async Task<LoadResult> ImportAsync(TableName table, CsvSource source, WriteMode mode, TableDefinition? definition, CancellationToken cancellationToken)
    {
        var client = RequireClient();
        var delimiter = PlatformDelimiter(source.Delimiter, nameof(source));
        if (source.NullMarker.Length != 0)
        {
            throw new NotSupportedException(
                $"The Civis CSV import reads only empty fields as NULL, so {source} cannot use the NULL marker '{source.NullMarker}' when loading Redshift in production.");
        }

        var keys = definition?.PrimaryKey ?? [];
        if (mode is WriteMode.Upsert or WriteMode.InsertIgnore && keys.Count == 0)
        {
            throw new ArgumentException(
                $"WriteMode.{mode} into Redshift in production needs a TableDefinition with a primary key: the platform matches rows on it.", nameof(definition));
        }

        if (mode == WriteMode.Drop && definition is null)
        {
            throw new ArgumentException("WriteMode.Drop needs a TableDefinition to create the table again.", nameof(definition));
        }

        if (mode == WriteMode.InsertIgnore)
        {
            // The merge needs the database parameter's connection: fail before uploading anything when it is missing.
            _ = _warehouses.GetDataSource(Warehouse.Redshift);
        }

        var started = Stopwatch.GetTimestamp();
        var schema = table.Schema ?? WarehouseLoaderOptions.DefaultSchema;
        var (databaseId, credentialId) = await ResolveDestinationAsync(client, cancellationToken).ConfigureAwait(false);

        int fileId;
        bool gzip;
        List<FileTableColumn>? tableColumns = null;
        var raw = source.OpenRaw();
        await using (raw.ConfigureAwait(false))
        {
            var upload = raw;
            FileStream? spool = null;
            try
            {
                if (!raw.CanSeek)
                {
                    // The upload needs the length up front (form post or parts); spool once, then detect and upload from the copy.
                    spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
                    await raw.CopyToAsync(spool, cancellationToken).ConfigureAwait(false);
                    spool.Position = 0;
                    upload = spool;
                }

                gzip = source.Compression switch
                {
                    CsvCompression.Gzip => true,
                    CsvCompression.None => false,
                    _ => await StartsWithGzipAsync(upload, cancellationToken).ConfigureAwait(false),
                };
                if (definition is not null)
                {
                    // The import reads tableColumns as the file's columns in file order: follow the header, not the definition.
                    tableColumns = await FileColumnsAsync(table, upload, gzip, source, definition, cancellationToken).ConfigureAwait(false);
                }

                var name = $"{schema}.{table.Name}.csv{(gzip ? ".gz" : string.Empty)}";
                var expiresAt = _options.TimeProvider.GetUtcNow() + _options.UploadLifetime;
                fileId = await client.Files.UploadAsync(upload, name, expiresAt, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (spool is not null)
                {
                    await spool.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        var request = new CsvImportCreateRequest
        {
            Name = $"Aqueduct load into {schema}.{table.Name}",
            Source = new CsvImportSource { FileIds = [fileId] },
            Destination = new CsvImportDestination
            {
                Schema = schema,
                Table = table.Name,
                RemoteHostId = databaseId,
                CredentialId = credentialId,
                PrimaryKeys = keys.Count == 0 ? null : [.. keys],
            },
            FirstRowIsHeader = source.HasHeader,
            ColumnDelimiter = delimiter,
            Compression = gzip ? "gzip" : "none",
            ExistingTableRows = ExistingTableRows(mode),
            TableColumns = tableColumns,
            Hidden = true,
        };

        if (mode != WriteMode.InsertIgnore)
        {
            await RunImportAsync(client, request, cancellationToken).ConfigureAwait(false);
            return new LoadResult(0, 0, 0, 0, Stopwatch.GetElapsedTime(started));
        }

        // InsertIgnore: the import API has no such mode. Import into a fresh staging table beside the target, then
        // add the rows whose key is new in one transaction over the Redshift connection, and drop the staging table.
        var stage = new TableName(schema, $"aqueduct_stage_{Guid.NewGuid():N}");
        request.Destination.Table = stage.Name;
        request.ExistingTableRows = "drop";
        try
        {
            await RunImportAsync(client, request, cancellationToken).ConfigureAwait(false);
            var (read, inserted) = await InsertNewRowsAsync(new TableName(schema, table.Name), stage, definition!, [.. tableColumns!.Select(c => c.Name!)], cancellationToken).ConfigureAwait(false);
            return new LoadResult(read, inserted, 0, read - inserted, Stopwatch.GetElapsedTime(started));
        }
        finally
        {
            await DropQuietlyAsync(stage).ConfigureAwait(false);
        }
    }

    private static async Task RunImportAsync(CivisClient client, CsvImportCreateRequest request, CancellationToken cancellationToken)
    {
        var import = await client.Imports.CreateCsvAsync(request, cancellationToken).ConfigureAwait(false);
        var importId = import.Id ?? throw new InvalidOperationException("The platform created the CSV import but gave no id.");
        var run = await client.Imports.StartCsvRunAsync(importId, cancellationToken).ConfigureAwait(false);
        var runId = run.Id ?? throw new InvalidOperationException($"The platform started a run of CSV import {importId} but gave no run id.");
        await client.Imports.WaitForCsvRunAsync(importId, runId, cancelRunOnCancellation: true, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(long Read, long Inserted)> InsertNewRowsAsync(
        TableName target, TableName stage, TableDefinition definition, IReadOnlyList<string> fileColumns, CancellationToken cancellationToken)
    {
        // The staging table has the file's columns only; the target's other columns take their defaults.
        var columns = string.Join(", ", fileColumns.Select(TableName.QuoteIdentifier));
        var keys = definition.PrimaryKey.Select(TableName.QuoteIdentifier).ToList();
        var match = string.Join(" AND ", keys.Select(k => $"t.{k} = s.{k}"));

        // Plain SQL both Redshift and PostgreSQL accept: no ON CONFLICT, no MERGE. A key repeated in the CSV adds one row.
        var insert = $"""
            INSERT INTO {target} ({columns})
            SELECT {columns} FROM (SELECT {columns}, ROW_NUMBER() OVER (PARTITION BY {string.Join(", ", keys)}) AS aqueduct_row FROM {stage}) s
            WHERE s.aqueduct_row = 1 AND NOT EXISTS (SELECT 1 FROM {target} t WHERE {match})
            """;

        var step = "opening a connection";
        try
        {
            var connection = await _warehouses.OpenConnectionAsync(Warehouse.Redshift, cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    step = "creating the table";
                    if (!await TableExistsAsync(connection, target, TimeoutSeconds, cancellationToken).ConfigureAwait(false))
                    {
                        await ExecuteAsync(connection, definition.ToCreateTableSql(target), TimeoutSeconds, cancellationToken).ConfigureAwait(false);
                    }

                    step = "counting the staged rows";
                    long read;
                    using (var count = new NpgsqlCommand($"SELECT count(*) FROM {stage}", connection) { CommandTimeout = TimeoutSeconds })
                    {
                        read = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
                    }

                    step = "inserting the new rows";
                    var inserted = await ExecuteAsync(connection, insert, TimeoutSeconds, cancellationToken).ConfigureAwait(false);
                    step = "committing";
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return (read, inserted);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException && CommandTimeouts.IsTimeout(e))
        {
            throw new TimeoutException(
                $"The InsertIgnore merge into {target} timed out after {_options.CommandTimeout} (WarehouseLoaderOptions.CommandTimeout) while {step}.", e);
        }
    }

    private int TimeoutSeconds => CommandTimeouts.Of(_options.CommandTimeout, nameof(WarehouseLoaderOptions.CommandTimeout)).Seconds;

    private static async Task<bool> TableExistsAsync(NpgsqlConnection connection, TableName table, int timeoutSeconds, CancellationToken cancellationToken)
    {
        // information_schema rather than to_regclass, which Redshift lacks.
        using var command = new NpgsqlCommand("SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2", connection) { CommandTimeout = timeoutSeconds };
        command.Parameters.Add(new NpgsqlParameter { Value = table.Schema ?? WarehouseLoaderOptions.DefaultSchema });
        command.Parameters.Add(new NpgsqlParameter { Value = table.Name });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, int timeoutSeconds, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = timeoutSeconds };
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task DropQuietlyAsync(TableName stage)
    {
        try
        {
            var connection = await _warehouses.OpenConnectionAsync(Warehouse.Redshift).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {stage}", TimeoutSeconds, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (DbException)
        {
            // Best effort: the load's own outcome (or its exception) matters more than a leftover staging table.
        }
    }

    // ------------------------------------------------------------------ exports through the platform

    private async Task<long> ExportThroughPlatformAsync(string query, Stream destination, CsvExportOptions options, CancellationToken cancellationToken)
    {
        var client = RequireClient();
        var delimiter = PlatformDelimiter(options.Delimiter, nameof(options));
        if (options.NullMarker.Length != 0)
        {
            throw new NotSupportedException(
                $"A Civis SQL export writes NULL as an empty field, so it cannot use the NULL marker '{options.NullMarker}' when exporting from Redshift in production.");
        }

        var (databaseId, credentialId) = await ResolveDestinationAsync(client, cancellationToken).ConfigureAwait(false);
        var script = await client.Scripts.CreateSqlAsync(
            new SqlScriptCreateRequest
            {
                Name = "Aqueduct export",
                Sql = query,
                RemoteHostId = databaseId,
                CredentialId = credentialId,
                CsvSettings = new CsvSettings { IncludeHeader = options.IncludeHeader, Compression = "gzip", ColumnDelimiter = delimiter },
                Hidden = true,
            },
            cancellationToken).ConfigureAwait(false);
        var scriptId = script.Id ?? throw new InvalidOperationException("The platform created the SQL script but gave no id.");
        var started = await client.Scripts.StartSqlRunAsync(scriptId, cancellationToken).ConfigureAwait(false);
        var runId = started.Id ?? throw new InvalidOperationException($"The platform started a run of SQL script {scriptId} but gave no run id.");
        var run = await client.Scripts.WaitForSqlRunAsync(scriptId, runId, cancelRunOnCancellation: true, cancellationToken).ConfigureAwait(false);
        var fileId = run.Output?.FirstOrDefault(o => o.FileId is not null)?.FileId
            ?? throw new InvalidOperationException($"Run {runId} of SQL script {scriptId} succeeded but produced no CSV file.");

        var download = await client.Files.OpenReadAsync(fileId, cancellationToken).ConfigureAwait(false);
        await using (download.ConfigureAwait(false))
        {
            var (data, start) = await PrefixedStream.PeekAsync(download, GzipSignature.Length, cancellationToken).ConfigureAwait(false);
            var isGzip = start.Span.SequenceEqual(GzipSignature);
            var wantGzip = options.Compression == CsvCompression.Gzip;

            // Read the plain CSV (to count its records) and write what the caller asked for: gzip passes through
            // untouched, plain is decompressed, and a plain download is compressed when gzip is asked for.
            Stream plain = isGzip ? new GZipStream(wantGzip ? new CopyingReadStream(data, destination) : data, CompressionMode.Decompress) : data;
            Stream? compressor = !isGzip && wantGzip ? new GZipStream(destination, CompressionLevel.Fastest, leaveOpen: true) : null;
            var writer = isGzip && wantGzip ? null : compressor ?? destination;
            var scanner = default(CsvScanner);
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
            try
            {
                int read;
                while ((read = await plain.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    scanner.Scan(buffer.AsSpan(0, read));
                    if (writer is not null)
                    {
                        await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                await plain.DisposeAsync().ConfigureAwait(false);
                if (compressor is not null)
                {
                    await compressor.DisposeAsync().ConfigureAwait(false);
                }
            }

            await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
            return Math.Max(0, scanner.Records - (options.IncludeHeader ? 1 : 0));
        }
    }

    // ------------------------------------------------------------------ shared

    private CivisClient RequireClient() => _client ?? throw new InvalidOperationException(
        "The Redshift warehouse in production is loaded and exported through the Civis API, and this WarehouseLoader has no CivisClient. " +
        "Pass one, created with CivisClientOptions.FromEnvironment (it reads CIVIS_API_KEY, which the platform sets for every run), " +
        "or set DEV=1 to use the mock Redshift of REDSHIFT_URI.");

    private async Task<(int DatabaseId, int CredentialId)> ResolveDestinationAsync(CivisClient client, CancellationToken cancellationToken)
    {
        // Looked up once; two concurrent first calls may both look up, which is harmless.
        if (_databaseId == 0)
        {
            _databaseId = await client.Databases.GetIdAsync(_options.RedshiftDatabaseName, cancellationToken).ConfigureAwait(false);
        }

        if (_credentialId == 0)
        {
            _credentialId = (await client.Credentials.GetDefaultDatabaseCredentialAsync(cancellationToken).ConfigureAwait(false)).Id
                ?? throw new InvalidOperationException("The platform returned a default database credential without an id.");
        }

        return (_databaseId, _credentialId);
    }

    private static async Task<bool> StartsWithGzipAsync(Stream stream, CancellationToken cancellationToken)
    {
        var position = stream.Position;
        var start = new byte[GzipSignature.Length];
        var read = await stream.ReadAtLeastAsync(start, start.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        stream.Position = position;
        return read == start.Length && start.AsSpan().SequenceEqual(GzipSignature);
    }

    /// <summary>The declared columns in the order of the CSV's header (or the definition's order without a header).</summary>
    /// <exception cref="TableContractException">The header names a column the definition does not declare.</exception>
    private static async Task<List<FileTableColumn>> FileColumnsAsync(
        TableName table, Stream upload, bool gzip, CsvSource source, TableDefinition definition, CancellationToken cancellationToken)
    {
        var declared = definition.Columns.Select(c => new FileTableColumn { Name = c.Name, SqlType = c.Type }).ToList();
        if (!source.HasHeader)
        {
            return declared;
        }

        var position = upload.Position;
        List<string>? header = null;
        var reader = gzip ? new GZipStream(upload, CompressionMode.Decompress, leaveOpen: true) : upload;
        try
        {
            // A header longer than 1 MiB is not a header; the platform will say what is wrong with the file.
            var buffer = new byte[1 << 20];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await reader.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
                var end = CsvScanner.FindRecordEnd(buffer.AsSpan(0, length), final: false, out _, out _);
                if (end >= 0 || length == buffer.Length)
                {
                    length = end >= 0 ? end : length;
                    break;
                }
            }

            if (length > 0)
            {
                var line = System.Text.Encoding.UTF8.GetString(buffer, 0, length).TrimStart('\uFEFF').TrimEnd('\r');
                header = CsvScanner.SplitRecord(line, source.Delimiter);
            }
        }
        finally
        {
            if (gzip)
            {
                await reader.DisposeAsync().ConfigureAwait(false);
            }

            upload.Position = position;
        }

        if (header is null)
        {
            return declared;
        }

        var unknown = header.Where(name => !declared.Exists(c => c.Name == name)).ToList();
        if (unknown.Count > 0)
        {
            throw new TableContractException(table, [.. unknown.Select(name => $"The CSV has a column '{name}' that the table definition does not declare.")]);
        }

        return [.. header.Select(name => declared.First(c => c.Name == name))];
    }

    private static string PlatformDelimiter(char delimiter, string parameter) => delimiter switch
    {
        ',' => "comma",
        '\t' => "tab",
        '|' => "pipe",
        _ => throw new ArgumentException(
            $"The Civis Platform reads and writes CSV delimited by a comma, a tab or a pipe, not '{delimiter}', so Redshift in production cannot use it.", parameter),
    };

    private static string ExistingTableRows(WriteMode mode) => mode switch
    {
        WriteMode.Fail => "fail",
        WriteMode.Append => "append",
        WriteMode.Truncate => "truncate",
        WriteMode.Drop => "drop",
        WriteMode.Upsert => "upsert",
        WriteMode.InsertIgnore => "drop",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown write mode."),
    };
}
