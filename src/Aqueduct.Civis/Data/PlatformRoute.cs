using System.Data.Common;
using System.Diagnostics;
using System.IO.Compression;
using Aqueduct.Civis.Api.Models;
using Npgsql;

namespace Aqueduct.Civis.Data;

/// <summary>
/// The platform half of <see cref="CivisWarehouse"/>: a load uploads the CSV to Civis Files and runs a CSV import
/// (<c>imports/files/csv</c>); an export runs a SQL script with CSV output and streams its file back.
/// <see cref="WriteMode.InsertIgnore"/>, which the import API lacks, imports into a staging table and inserts the new
/// keys over the warehouse's connection.
/// </summary>
internal sealed class PlatformRoute
{
    private readonly WarehouseConnectionFactory _warehouses;
    private readonly Warehouse _warehouse;
    private readonly CivisClient? _client;
    private readonly CivisWarehouseOptions _options;

    // 0 until looked up (platform ids are positive); an int, unlike an int?, is read and written atomically.
    private volatile int _databaseId;
    private volatile int _credentialId;

    public PlatformRoute(WarehouseConnectionFactory warehouses, Warehouse warehouse, CivisClient? client, CivisWarehouseOptions options)
    {
        _warehouses = warehouses;
        _warehouse = warehouse;
        _client = client;
        _options = options;
        _databaseId = options.GetDatabaseId(warehouse) ?? 0;
        _credentialId = options.CredentialId ?? 0;
    }

    // ------------------------------------------------------------------ loads through the platform

    public async Task<LoadResult> ImportAsync(TableName table, CsvSource source, WriteMode mode, TableDefinition? definition, CancellationToken cancellationToken)
    {
        var client = RequireClient();
        var delimiter = PlatformDelimiter(source.Delimiter, nameof(source));
        if (source.NullMarker.Length != 0)
        {
            throw new NotSupportedException(
                $"The Civis CSV import reads only empty fields as NULL, so {source} cannot use the NULL marker '{source.NullMarker}' when loading through the Civis import API.");
        }

        // The platform's catalog is out of reach before the import: the definition's key, by the same decision as the direct route.
        var keys = LoadDecisions.PrimaryKey(table, catalogKey: null, definition);
        if (LoadDecisions.Merges(mode) && keys.Count == 0)
        {
            throw new ArgumentException(
                $"WriteMode.{mode} through the Civis import API needs a TableDefinition with a primary key: the platform matches rows on it.", nameof(definition));
        }

        LoadDecisions.RequireDefinitionForDrop(table, mode, definition);

        if (mode == WriteMode.InsertIgnore)
        {
            // The merge needs the database parameter's connection: fail before uploading anything when it is missing.
            _ = _warehouses.GetDataSource(_warehouse);
        }

        var started = Stopwatch.GetTimestamp();
        var schema = table.Schema ?? CivisWarehouseOptions.DefaultSchema;
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
                    _ => await CsvFiles.StartsWithGzipAsync(upload, cancellationToken).ConfigureAwait(false),
                };
                if (mode == WriteMode.Upsert)
                {
                    // The platform's upsert would keep some row of a repeated key (or, on Redshift, which enforces no key, all of
                    // them): fail first, as the direct route does.
                    await CheckNoRepeatedKeyAsync(table, upload, gzip, source, definition!, keys, cancellationToken).ConfigureAwait(false);
                }

                if (definition is not null)
                {
                    // The import reads tableColumns as the file's columns in file order: follow the header, not the definition.
                    try
                    {
                        tableColumns = await FileColumnsAsync(table, upload, gzip, source, definition, cancellationToken).ConfigureAwait(false);
                    }
                    catch (CsvDataException e)
                    {
                        // Worded as the direct route words it (LoadRun.Fail): the same file fails the same way on both routes.
                        const string Step = "reading the source's columns";
                        throw new LoadException(
                            $"Loading {source} into table {table} failed while {Step}: {e.Message} The table is unchanged.", source.ToString(), table, null, Step, e);
                    }
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
            var (read, inserted) = await InsertNewRowsAsync(source.ToString(), table, new TableName(schema, table.Name), stage, definition!, [.. tableColumns!.Select(c => c.Name!)], cancellationToken).ConfigureAwait(false);
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
        string source, TableName table, TableName target, TableName stage, TableDefinition definition, IReadOnlyList<string> fileColumns, CancellationToken cancellationToken)
    {
        // The staging table has the file's columns only; the target's other columns take their defaults.
        var columns = string.Join(", ", fileColumns.Select(TableName.QuoteIdentifier));
        var keys = definition.PrimaryKey.Select(TableName.QuoteIdentifier).ToList();
        var match = string.Join(" AND ", keys.Select(k => $"t.{k} = s.{k}"));

        // Plain SQL both Redshift and PostgreSQL accept: no ON CONFLICT, no MERGE. A new key the CSV repeats has no single
        // row to keep: the load fails, as on the direct route, rather than keep an arbitrary one.
        var keyList = string.Join(", ", keys);
        var repeated = $"""
            SELECT {keyList} FROM {stage} s WHERE NOT EXISTS (SELECT 1 FROM {target} t WHERE {match})
            GROUP BY {keyList} HAVING count(*) > 1 LIMIT 1
            """;
        var insert = $"""
            INSERT INTO {target} ({columns})
            SELECT {columns} FROM {stage} s WHERE NOT EXISTS (SELECT 1 FROM {target} t WHERE {match})
            """;

        var step = "opening a connection";
        try
        {
            var connection = await _warehouses.OpenConnectionAsync(_warehouse, cancellationToken).ConfigureAwait(false);
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

                    step = "checking for repeated keys";
                    using (var check = new NpgsqlCommand(repeated, connection) { CommandTimeout = TimeoutSeconds })
                    {
                        var reader = await check.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                        await using (reader.ConfigureAwait(false))
                        {
                            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                            {
                                var values = string.Join(", ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)));
                                throw new LoadException(
                                    $"Loading {source} into table {table} failed while {step}: key ({string.Join(", ", definition.PrimaryKey)}) = ({values}) appears more than once in the source; WriteMode.InsertIgnore takes a new key once. The table is unchanged.",
                                    source, table, null, step, null);
                            }
                        }
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
                $"The InsertIgnore merge into {target} timed out after {_options.CommandTimeout} (CivisWarehouseOptions.CommandTimeout) while {step}.", e);
        }
    }

    private int TimeoutSeconds => CommandTimeouts.Of(_options.CommandTimeout, nameof(CivisWarehouseOptions.CommandTimeout)).Seconds;

    private static async Task<bool> TableExistsAsync(NpgsqlConnection connection, TableName table, int timeoutSeconds, CancellationToken cancellationToken)
    {
        // information_schema rather than to_regclass, which Redshift lacks.
        using var command = new NpgsqlCommand("SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2", connection) { CommandTimeout = timeoutSeconds };
        command.Parameters.Add(new NpgsqlParameter { Value = table.Schema ?? CivisWarehouseOptions.DefaultSchema });
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
            var connection = await _warehouses.OpenConnectionAsync(_warehouse).ConfigureAwait(false);
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

    public async Task<long> ExportAsync(string query, Stream destination, CsvExportOptions options, CancellationToken cancellationToken)
    {
        var client = RequireClient();
        var delimiter = PlatformDelimiter(options.Delimiter, nameof(options));
        if (options.NullMarker.Length != 0)
        {
            throw new NotSupportedException(
                $"A Civis SQL export writes NULL as an empty field, so it cannot use the NULL marker '{options.NullMarker}' when exporting through the Civis API.");
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
            var (data, start) = await PrefixedStream.PeekAsync(download, CsvFiles.GzipSignatureLength, cancellationToken).ConfigureAwait(false);
            var isGzip = CsvFiles.IsGzip(start.Span);
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

    private CivisClient RequireClient() => _client ?? throw new CivisEnvironmentException(
        $"The {_warehouse} warehouse is loaded and exported through the Civis API on this route, and there is no Civis API client: " +
        $"{PlatformVariables.ApiKey} is not set (the platform sets it on every run; for a local run put it in .env), " +
        "or set DEV=1 to use the mock warehouses of POSTGRES_URI and REDSHIFT_URI.", [PlatformVariables.ApiKey]);

    /// <summary>
    /// The warehouse's id on the platform and the credential: the options, else the database parameter's <c>NAME_ID</c> and
    /// <c>NAME_CREDENTIAL_ID</c>, else a lookup by the configured name and the user's default database credential.
    /// Looked up once; two concurrent first calls may both look up, which is harmless.
    /// </summary>
    internal async Task<(int DatabaseId, int CredentialId)> ResolveDestinationAsync(CivisClient client, CancellationToken cancellationToken)
    {
        var environment = _warehouses.Environment;
        var parameter = _warehouses.ParameterName(_warehouse).ToUpperInvariant();
        if (_databaseId == 0)
        {
            var idVariable = parameter + "_ID";
            var nameVariable = CivisWarehouseOptions.DatabaseNameVariable(_warehouse);
            if (environment.GetInt32(idVariable) is { } injected)
            {
                _databaseId = injected;
            }
            else
            {
                var name = _options.GetDatabaseName(_warehouse) ?? environment.GetString(nameVariable);
                if (string.IsNullOrWhiteSpace(name))
                {
                    throw new CivisEnvironmentException(
                        $"The {_warehouse} warehouse goes through the Civis API, which needs its platform id: set {idVariable} (the id), " +
                        $"or {nameVariable} (its name in GET /databases, such as the City's \"City of Los Angeles - {_warehouse}\"), " +
                        $"or CivisWarehouseOptions.{_warehouse}DatabaseId.", [idVariable, nameVariable]);
                }

                _databaseId = await client.Databases.GetIdAsync(name.Trim(), cancellationToken).ConfigureAwait(false);
            }
        }

        if (_credentialId == 0)
        {
            _credentialId = environment.GetInt32(parameter + "_CREDENTIAL_ID")
                ?? (await client.Credentials.GetDefaultDatabaseCredentialAsync(cancellationToken).ConfigureAwait(false)).Id
                ?? throw new InvalidOperationException("The platform returned a default database credential without an id.");
        }

        return (_databaseId, _credentialId);
    }

    /// <summary>Reads the CSV once for a key it repeats; the stream's position is left where it was.</summary>
    /// <exception cref="LoadException">A key appears twice; the message names it and the line of its second record.</exception>
    private static async Task CheckNoRepeatedKeyAsync(
        TableName table, Stream upload, bool gzip, CsvSource source, TableDefinition definition, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var position = upload.Position;
        var plain = gzip ? new GZipStream(upload, CompressionMode.Decompress, leaveOpen: true) : upload;
        try
        {
            int[]? indexes = source.HasHeader ? null : [.. keys.Select(k => definition.Columns.ToList().FindIndex(c => c.Name == k))];
            var seen = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var (record, line) in CsvRows.ReadRecordsAsync(plain, source.Delimiter, cancellationToken).ConfigureAwait(false))
            {
                if (indexes is null)
                {
                    // The header passed the contract check already, or will: a key missing from it is reported there.
                    indexes = [.. keys.Select(k => record.FindIndex(f => f.Text == k))];
                    if (indexes.Any(i => i < 0))
                    {
                        return;
                    }

                    continue;
                }

                var values = indexes.Select(i => i < record.Count ? record[i].Text : string.Empty).ToList();
                if (!seen.Add(string.Join('\u0001', values)))
                {
                    const string Step = "checking for repeated keys";
                    throw new LoadException(
                        $"Loading {source} into table {table} failed at line {line.ToString(System.Globalization.CultureInfo.InvariantCulture)} while {Step}: " +
                        $"key ({string.Join(", ", keys)}) = ({string.Join(", ", values)}) appears more than once in the source; WriteMode.Upsert takes each key once. The table is unchanged.",
                        source.ToString(), table, line, Step, null);
                }
            }
        }
        finally
        {
            if (gzip)
            {
                await plain.DisposeAsync().ConfigureAwait(false);
            }

            upload.Position = position;
        }
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
        List<string>? header;
        var reader = gzip ? new GZipStream(upload, CompressionMode.Decompress, leaveOpen: true) : upload;
        try
        {
            header = await CsvFiles.ReadHeaderAsync(reader, source.Delimiter, cancellationToken).ConfigureAwait(false);
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

        var shape = TableShape.FromDefinition(definition);
        var matched = TableLoader.CheckContract(table, shape, [.. header.Select(name => new SourceColumn(name, null))], WriteMode.Append, []);
        return [.. matched.Select(column => declared.First(c => c.Name == column.Name))];
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
