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

    public Task<LoadResult> ImportAsync(TableName table, CsvSource source, WriteMode mode, TableDefinition? definition, CancellationToken cancellationToken) =>
        ImportCoreAsync(table, source, source.ToString(), mode, definition, shape: null, typed: null, cancellationToken);

    /// <summary>
    /// Imports typed rows as a CSV whose columns are named as the direct route names them (each field's first candidate the
    /// table has) and checked with their .NET types, as the direct route checks them.
    /// </summary>
    public async Task<LoadResult> ImportRowsAsync(TableName table, RowLoadSource rows, WriteMode mode, TableDefinition? definition, CancellationToken cancellationToken)
    {
        RequireClient();
        LoadDecisions.RequireDefinitionForDrop(table, mode, definition);
        var shape = await ShapeAsync(table, mode, definition, cancellationToken).ConfigureAwait(false);
        var typed = await rows.GetColumnsAsync(shape, definition, cancellationToken).ConfigureAwait(false);
        var spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await using (spool.ConfigureAwait(false))
        {
            await CsvRows.WriteAsync(rows, [.. typed.Select(c => c.Name)], spool, cancellationToken).ConfigureAwait(false);
            spool.Position = 0;
            var csv = new CsvSource(spool, leaveOpen: true) { Compression = CsvCompression.None };
            return await ImportCoreAsync(table, csv, rows.Description, mode, definition, shape, typed, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The table's shape as the direct route takes it: the catalog's (read through a query on the platform), or the
    /// definition's for a table the load creates.
    /// </summary>
    private async Task<TableShape> ShapeAsync(TableName table, WriteMode mode, TableDefinition? definition, CancellationToken cancellationToken)
    {
        var target = new TableName(table.Schema ?? CivisWarehouseOptions.DefaultSchema, table.Name);
        var catalog = mode == WriteMode.Drop ? null : await ReadShapeAsync(target, cancellationToken).ConfigureAwait(false);
        return LoadDecisions.MustCreate(table, catalog, mode, definition) ? TableShape.FromDefinition(definition!) : catalog!;
    }

    private async Task<LoadResult> ImportCoreAsync(
        TableName table, CsvSource source, string description, WriteMode mode, TableDefinition? definition, TableShape? shape, IReadOnlyList<SourceColumn>? typed,
        CancellationToken cancellationToken)
    {
        var client = RequireClient();
        var delimiter = PlatformDelimiter(source.Delimiter, nameof(source));
        if (source.NullMarker.Length != 0)
        {
            throw new NotSupportedException(
                $"The Civis CSV import reads only empty fields as NULL, so {source} cannot use the NULL marker '{source.NullMarker}' when loading through the Civis import API.");
        }

        LoadDecisions.RequireDefinitionForDrop(table, mode, definition);
        if (mode == WriteMode.InsertIgnore)
        {
            // The merge needs the database parameter's connection: fail before uploading anything when it is missing.
            _ = _warehouses.GetDataSource(_warehouse);
        }

        var started = Stopwatch.GetTimestamp();
        var schema = table.Schema ?? CivisWarehouseOptions.DefaultSchema;
        var target = new TableName(schema, table.Name);
        var (databaseId, credentialId) = await ResolveDestinationAsync(client, cancellationToken).ConfigureAwait(false);

        shape ??= await ShapeAsync(table, mode, definition, cancellationToken).ConfigureAwait(false);

        int fileId;
        bool gzip;
        List<CatalogColumn> columns;
        IReadOnlyList<string> keys;
        var raw = source.OpenRaw();
        await using (raw.ConfigureAwait(false))
        {
            var upload = raw;
            FileStream? spool = null;
            try
            {
                if (!raw.CanSeek)
                {
                    // The upload needs the length up front (form post or parts); spool once, then read and upload the copy.
                    spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
                    await raw.CopyToAsync(spool, cancellationToken).ConfigureAwait(false);
                    spool.Position = 0;
                    upload = spool;
                }

                (gzip, columns, keys) = await CheckSourceAsync(table, upload, source, description, shape, definition, typed, mode, cancellationToken).ConfigureAwait(false);
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

        // The import reads tableColumns as the file's columns in file order: the contract check's order, the declared types.
        var tableColumns = columns
            .Select(c => new FileTableColumn { Name = c.Name, SqlType = definition?.Columns.FirstOrDefault(d => d.Name == c.Name)?.Type ?? c.DisplayType })
            .ToList();
        var declaredKeys = LoadDecisions.Merges(mode) ? keys : definition?.PrimaryKey ?? [];
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
                PrimaryKeys = declaredKeys.Count == 0 ? null : [.. declaredKeys],
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
        // add the rows whose key is new in one transaction over the warehouse's connection, and drop the staging table.
        var stage = new TableName(schema, $"aqueduct_stage_{Guid.NewGuid():N}");
        request.Destination.Table = stage.Name;
        request.ExistingTableRows = "drop";
        try
        {
            await RunImportAsync(client, request, cancellationToken).ConfigureAwait(false);
            var (read, inserted) = await InsertNewRowsAsync(description, table, target, stage, definition, keys, [.. columns.Select(c => c.Name)], cancellationToken).ConfigureAwait(false);
            return new LoadResult(read, inserted, 0, read - inserted, Stopwatch.GetElapsedTime(started));
        }
        finally
        {
            await DropQuietlyAsync(stage).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads the source as the direct route does, with the same shared readers and decisions: gzip, the byte order mark, the
    /// header, the contract check and the key; for an Upsert, a key the file repeats. The upload's position is left where it was.
    /// </summary>
    private static async Task<(bool Gzip, List<CatalogColumn> Columns, IReadOnlyList<string> Key)> CheckSourceAsync(
        TableName table, Stream upload, CsvSource source, string description, TableShape shape, TableDefinition? definition, IReadOnlyList<SourceColumn>? typed,
        WriteMode mode, CancellationToken cancellationToken)
    {
        var position = upload.Position;
        var step = "reading the source's columns";
        var (plain, gzip) = await CsvFiles.OpenPlainAsync(new NonClosingStream(upload), source.Compression, cancellationToken).ConfigureAwait(false);
        try
        {
            var start = await CsvFiles.ReadStartAsync(plain, source.HasHeader, source.Delimiter, 81920, cancellationToken).ConfigureAwait(false);
            var (columns, key) = LoadDecisions.Settle(table, shape, definition, typed ?? LoadDecisions.SourceColumns(start.Header, shape, definition), mode);
            if (mode == WriteMode.Upsert)
            {
                // The platform's upsert would keep some row of a repeated key (or, on Redshift, which enforces no key, all of
                // them): fail first, as the direct route does.
                step = "checking for repeated keys";
                var rest = new PrefixedStream(start.Rest, plain);
                await using (rest.ConfigureAwait(false))
                {
                    await CheckNoRepeatedKeyAsync(table, source.Delimiter, description, rest, start.HeaderLines, columns, key, cancellationToken).ConfigureAwait(false);
                }
            }

            return (gzip, columns, key);
        }
        catch (CsvDataException e)
        {
            // Worded as the direct route words it (LoadRun.Fail): the same file fails the same way on both routes.
            throw new LoadException(
                $"Loading {description} into table {table} failed while {step}: {e.Message} The table is unchanged.", description, table, null, step, e);
        }
        finally
        {
            await plain.DisposeAsync().ConfigureAwait(false);
            upload.Position = position;
        }
    }

    /// <summary>The table's shape from the catalogs, read through a query on the platform; <see langword="null"/> when there is no such table.</summary>
    private async Task<TableShape?> ReadShapeAsync(TableName target, CancellationToken cancellationToken)
    {
        using var answer = new MemoryStream();
        await ExportAsync(TableShape.CatalogQuery(target), answer, new CsvExportOptions { Compression = CsvCompression.None }, cancellationToken).ConfigureAwait(false);
        answer.Position = 0;
        return await TableShape.FromCatalogCsvAsync(answer, target, cancellationToken).ConfigureAwait(false);
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
        string source, TableName table, TableName target, TableName stage, TableDefinition? definition, IReadOnlyList<string> key, IReadOnlyList<string> fileColumns,
        CancellationToken cancellationToken)
    {
        // The staging table has the file's columns only; the target's other columns take their defaults.
        var columns = string.Join(", ", fileColumns.Select(TableName.QuoteIdentifier));
        var keys = key.Select(TableName.QuoteIdentifier).ToList();
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
                        var create = definition?.ToCreateTableSql(target) ?? throw new InvalidOperationException($"Table {table} does not exist; pass a TableDefinition to create it.");
                        await ExecuteAsync(connection, create, TimeoutSeconds, cancellationToken).ConfigureAwait(false);
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
                                var values = Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty).ToList();
                                throw new LoadException(
                                    $"Loading {source} into table {table} failed while {step}: {LoadDecisions.RepeatedKey(key, values, WriteMode.InsertIgnore)} The table is unchanged.",
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
            var (data, isGzip) = await CsvFiles.DetectGzipAsync(new NonClosingStream(download), CsvCompression.Auto, cancellationToken).ConfigureAwait(false);
            var wantGzip = options.Compression == CsvCompression.Gzip;

            // Read the plain CSV (to count its records) and write what the caller asked for: gzip passes through
            // untouched, plain is decompressed, and a plain download is compressed when gzip is asked for.
            Stream plain = isGzip ? new GzipCheckedStream(wantGzip ? new CopyingReadStream(data, destination) : data) : data;
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

    /// <summary>Reads the records after the header for a key they repeat.</summary>
    /// <exception cref="LoadException">A key appears twice; the message names it and the line of its second record.</exception>
    private static async Task CheckNoRepeatedKeyAsync(
        TableName table, char delimiter, string source, Stream records, int headerLines, IReadOnlyList<CatalogColumn> columns, IReadOnlyList<string> key,
        CancellationToken cancellationToken)
    {
        // The contract check has put every key column in the source: it is in the file at its index among the columns.
        int[] indexes = [.. key.Select(k => columns.ToList().FindIndex(c => c.Name == k))];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var (record, recordLine) in CsvRows.ReadRecordsAsync(records, delimiter, cancellationToken).ConfigureAwait(false))
        {
            var values = indexes.Select(i => i < record.Count ? record[i].Text : string.Empty).ToList();
            if (!seen.Add(string.Join('\u0001', values)))
            {
                const string Step = "checking for repeated keys";
                var line = recordLine + headerLines;
                throw new LoadException(
                    $"Loading {source} into table {table} failed at line {line.ToString(System.Globalization.CultureInfo.InvariantCulture)} while {Step}: " +
                    $"{LoadDecisions.RepeatedKey(key, values, WriteMode.Upsert)} The table is unchanged.",
                    source, table, line, Step, null);
            }
        }
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
