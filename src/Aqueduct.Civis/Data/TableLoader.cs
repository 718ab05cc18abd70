using System.Diagnostics;
using Npgsql;

namespace Aqueduct.Civis.Data;

/// <summary>
/// The PostgreSQL route of a load: one transaction that creates what is missing, checks the source against
/// the table, copies the rows (straight into the table when nothing needs merging, into a temporary table
/// otherwise) and merges. Any failure rolls everything back.
/// </summary>
internal static partial class TableLoader
{
    private static readonly Version MinimumVersion = new(9, 5);

    public static async Task<LoadResult> LoadAsync(
        NpgsqlDataSource dataSource, TableName table, ILoadSource source, WriteMode mode, TableDefinition? definition, TableLoadOptions options,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();

        // The source is disposed whatever happens, argument errors included: a CsvSource owns its stream.
        await using (source.ConfigureAwait(false))
        {
            ArgumentNullException.ThrowIfNull(dataSource);
            ArgumentNullException.ThrowIfNull(table);
            ArgumentNullException.ThrowIfNull(options);
            if (!Enum.IsDefined(mode))
            {
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown write mode.");
            }

            LoadDecisions.RequireDefinitionForDrop(table, mode, definition);

            var run = new LoadRun(table, source, mode, CommandTimeouts.Of(options.CommandTimeout, nameof(options)));
            try
            {
                run.Step = "opening a connection";
                var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    if (connection.PostgreSqlVersion < MinimumVersion)
                    {
                        // Redshift reports 8.0.2: it has neither COPY FROM STDIN nor ON CONFLICT.
                        throw new NotSupportedException(
                            $"The server reports PostgreSQL {connection.PostgreSqlVersion}; loads through COPY need PostgreSQL {MinimumVersion} or later. " +
                            "Amazon Redshift is loaded through the Civis import API, not through a direct connection.");
                    }

                    run.Step = "starting the transaction";
                    var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        // The server bounds every statement too (a COPY waiting for a lock included); the client's
                        // timeouts cover a server that stops answering altogether.
                        await run.ExecuteAsync(connection, $"SET LOCAL statement_timeout = {run.Timeouts.Milliseconds}", cancellationToken).ConfigureAwait(false);
                        run.Step = "reading the table's columns";
                        var shape = await PrepareTableAsync(connection, run, definition, cancellationToken).ConfigureAwait(false);
                        run.Step = "reading the source's columns";
                        var sourceColumns = await source.GetColumnsAsync(shape, definition, cancellationToken).ConfigureAwait(false);
                        var (columns, key) = LoadDecisions.Settle(table, shape, definition, sourceColumns, mode);

                        var (read, inserted, updated) = mode switch
                        {
                            WriteMode.Upsert or WriteMode.InsertIgnore =>
                                await MergeAsync(connection, run, columns, key, cancellationToken).ConfigureAwait(false),
                            _ => await CopyIntoTableAsync(connection, run, columns, cancellationToken).ConfigureAwait(false),
                        };

                        run.Step = "committing";
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                        return new LoadResult(read, inserted, updated, read - inserted - updated, Stopwatch.GetElapsedTime(started));
                    }
                }
            }
            catch (Exception e) when (run.Describe(e) is { } failure)
            {
                throw failure;
            }
        }
    }

    private static async Task<TableShape> PrepareTableAsync(NpgsqlConnection connection, LoadRun run, TableDefinition? definition, CancellationToken cancellationToken)
    {
        var table = run.Table;
        var shape = await TableShape.ReadAsync(connection, table, cancellationToken, run.Timeouts.Seconds).ConfigureAwait(false);
        if (!LoadDecisions.MustCreate(table, shape, run.Mode, definition))
        {
            return shape;
        }

        await CheckTypesAsync(connection, definition, run.Timeouts.Seconds, cancellationToken).ConfigureAwait(false);
        if (shape is not null)
        {
            run.Step = "dropping the table";
            await run.ExecuteAsync(connection, $"DROP TABLE {table}", cancellationToken).ConfigureAwait(false);
        }

        run.Step = "creating the table";
        if (table.Schema is not null)
        {
            using var exists = new NpgsqlCommand("SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = $1)", connection) { CommandTimeout = run.Timeouts.Seconds };
            exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table.Schema });
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                await run.ExecuteAsync(connection, $"CREATE SCHEMA IF NOT EXISTS {TableName.QuoteIdentifier(table.Schema)}", cancellationToken).ConfigureAwait(false);
            }
        }

        await run.ExecuteAsync(connection, definition.ToCreateTableSql(table), cancellationToken).ConfigureAwait(false);
        return (await TableShape.ReadAsync(connection, table, cancellationToken, run.Timeouts.Seconds).ConfigureAwait(false))!;
    }

    private static async Task CheckTypesAsync(NpgsqlConnection connection, TableDefinition definition, int timeoutSeconds, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand("SELECT t FROM unnest($1::text[]) t WHERE to_regtype(t) IS NULL", connection) { CommandTimeout = timeoutSeconds };
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. definition.Columns.Select(c => c.Type)] });
        var unknown = new List<string>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                unknown.Add(reader.GetString(0));
            }
        }

        if (unknown.Count > 0)
        {
            var columns = definition.Columns.Where(c => unknown.Contains(c.Type)).Select(c => $"'{c.Name}' ({c.Type})");
            throw new ArgumentException($"The table definition names types PostgreSQL does not know: {string.Join(", ", columns)}.", nameof(definition));
        }
    }

    /// <summary>Checks the source's columns against the table's and returns the table columns in source order.</summary>
    internal static List<CatalogColumn> CheckContract(
        TableName table, TableShape shape, IReadOnlyList<SourceColumn> source, WriteMode mode, IReadOnlyList<string> key)
    {
        var problems = new List<string>();
        var matched = new List<CatalogColumn>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var column in source)
        {
            if (!seen.Add(column.Name))
            {
                problems.Add($"column \"{column.Name}\" appears more than once in the source");
                continue;
            }

            var target = shape.Find(column.Name);
            if (target is null)
            {
                var near = shape.Columns.FirstOrDefault(c => string.Equals(Normalize(c.Name), Normalize(column.Name), StringComparison.Ordinal));
                problems.Add($"column \"{column.Name}\" is in the source but not in the table" +
                             (near is null ? string.Empty : $" (the table has \"{near.Name}\")"));
                continue;
            }

            if (column.ClrType is { } clr && !RowLoadSource.Fits(clr, target))
            {
                problems.Add($"column \"{column.Name}\" is {DescribeType(clr)} in the source but {target.DisplayType} in the table");
            }

            matched.Add(target);
        }

        foreach (var column in shape.Columns.Where(c => c.NotNull && !c.HasDefault && !seen.Contains(c.Name)))
        {
            problems.Add($"column \"{column.Name}\" ({column.DisplayType} NOT NULL, no default) is in the table but not in the source");
        }

        if (mode is WriteMode.Upsert or WriteMode.InsertIgnore)
        {
            if (key.Count == 0)
            {
                problems.Add($"WriteMode.{mode} needs a primary key and the table has none");
            }

            foreach (var k in key.Where(k => !seen.Contains(k) && !shape.Columns.Any(c => c.Name == k && c.NotNull && !c.HasDefault)))
            {
                problems.Add($"primary key column \"{k}\" is not in the source");
            }
        }

        if (problems.Count > 0)
        {
            throw new TableContractException(table, problems);
        }

        return matched;
    }

    private static async Task<(long Read, long Inserted, long Updated)> CopyIntoTableAsync(
        NpgsqlConnection connection, LoadRun run, List<CatalogColumn> columns, CancellationToken cancellationToken)
    {
        var table = run.Table;
        switch (run.Mode)
        {
            case WriteMode.Fail:
                // Keep other writers out between the check and the commit.
                run.Step = "locking the table";
                await run.ExecuteAsync(connection, $"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE", cancellationToken).ConfigureAwait(false);
                run.Step = "checking the table is empty";
                using (var any = new NpgsqlCommand($"SELECT EXISTS (SELECT FROM {table})", connection) { CommandTimeout = run.Timeouts.Seconds })
                {
                    if ((bool)(await any.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                    {
                        throw new InvalidOperationException($"Table {table} is not empty and the write mode is Fail.");
                    }
                }

                break;
            case WriteMode.Truncate:
                // Transactional in PostgreSQL: a failed load brings the old rows back. The lock comes first, so the
                // indexes read below are the ones the table keeps until the commit.
                run.Step = "locking the table";
                await run.ExecuteAsync(connection, $"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE", cancellationToken).ConfigureAwait(false);
                break;
        }

        // A replace load (the table emptied or new, and locked) copies without the indexes and builds them after.
        DeferredIndexes? deferred = null;
        if (run.Mode is WriteMode.Truncate or WriteMode.Drop)
        {
            run.Step = "setting the indexes aside";
            deferred = await DeferredIndexes.SetAsideAsync(connection, run, cancellationToken).ConfigureAwait(false);
        }

        if (run.Mode == WriteMode.Truncate)
        {
            run.Step = "truncating the table";
            await run.ExecuteAsync(connection, $"TRUNCATE TABLE {table}", cancellationToken).ConfigureAwait(false);
        }

        // Nothing to merge: copy straight into the table. The transaction keeps a failure invisible.
        var before = 0L;
        var counted = run.Mode is WriteMode.Append or WriteMode.Truncate or WriteMode.Drop;
        if (counted)
        {
            run.Step = "counting the rows";
            before = await InsertedInTransactionAsync(connection, run, cancellationToken).ConfigureAwait(false);
        }

        run.Step = "copying the rows";
        var copied = await run.Source.CopyAsync(connection, table.ToString(), columns, run.Timeouts.Milliseconds, cancellationToken).ConfigureAwait(false);

        // The count is the server's: the rows this transaction inserted into the table, from the server's own
        // counters (TRUNCATE resets them, so for the replace modes that is the table's content), or for Fail the
        // rows now in the table (empty before the copy and locked).
        run.Step = "counting the rows";
        var taken = copied.Taken ?? (counted
            ? await InsertedInTransactionAsync(connection, run, cancellationToken).ConfigureAwait(false) - before
            : await run.ScalarAsync<long>(connection, $"SELECT count(*) FROM {table}", cancellationToken).ConfigureAwait(false));
        run.CheckCount(copied.Sent, taken);

        if (deferred is { Count: > 0 })
        {
            // A key the source repeats fails here, as the unique index is built ("Key (trip_id)=(7) is duplicated.").
            run.Step = "building the indexes";
            try
            {
                await deferred.RestoreAsync(connection, run, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // The server's detail names the value only with Include Error Detail on the connection string.
                var detail = e.Detail is { Length: > 0 } d ? $" ({d})" : string.Empty;
                throw run.Fail($"{e.MessageText}: the source repeats a value that must be unique{detail}.", line: null, inner: e);
            }
        }

        return (taken, taken, 0);
    }

    /// <summary>The rows this transaction inserted into the table and its partitions or children, as the server counts them.</summary>
    private static async Task<long> InsertedInTransactionAsync(NpgsqlConnection connection, LoadRun run, CancellationToken cancellationToken) =>
        await InsertedInTransactionAsync(connection, run, null, cancellationToken).ConfigureAwait(false);

    /// <summary>The rows this transaction inserted into a relation (the table when <paramref name="stage"/> is null) and its partitions.</summary>
    private static async Task<long> InsertedInTransactionAsync(NpgsqlConnection connection, LoadRun run, string? stage, CancellationToken cancellationToken)
    {
        var relation = stage is null ? run.Table.ToString() : TableName.QuoteIdentifier(stage);
        const string Sql = """
            WITH RECURSIVE tree(oid) AS (SELECT to_regclass($1)::oid UNION ALL SELECT i.inhrelid FROM pg_inherits i JOIN tree t ON i.inhparent = t.oid)
            SELECT CASE WHEN current_setting('track_counts')::bool THEN (SELECT coalesce(sum(pg_stat_get_xact_tuples_inserted(oid)), 0)::bigint FROM tree) END
            """;
        using var command = new NpgsqlCommand(Sql, connection) { CommandTimeout = run.Timeouts.Seconds };
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = relation });
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long counted)
        {
            return counted;
        }

        // Without track_counts the server keeps no counters: count the rows this transaction wrote (a scan).
        return await run.ScalarAsync<long>(
            connection, $"SELECT count(*) FROM {relation} WHERE xmin::text = (txid_current() % 4294967296)::text", cancellationToken).ConfigureAwait(false);
    }

    private static async Task<(long Read, long Inserted, long Updated)> MergeAsync(
        NpgsqlConnection connection, LoadRun run, List<CatalogColumn> columns, IReadOnlyList<string> key, CancellationToken cancellationToken)
    {
        var table = run.Table;

        // The merge's joins are simple scans that JIT compilation only slows down (by a third on a 1M-row upsert).
        await run.ExecuteAsync(connection, "SET LOCAL jit = off", cancellationToken).ConfigureAwait(false);

        // A temporary table: no WAL, gone at commit or rollback, invisible to other sessions.
        run.Step = "creating the staging table";
        run.StageName = "aqueduct_stage_" + Guid.NewGuid().ToString("N");
        var stage = TableName.QuoteIdentifier(run.StageName);
        var names = columns.Select(c => c.Name).ToList();
        await run.ExecuteAsync(connection, $"CREATE TEMP TABLE {stage} ON COMMIT DROP AS SELECT {CopySql.Columns(names)} FROM {table} WITH NO DATA", cancellationToken)
            .ConfigureAwait(false);
        run.Step = "copying the rows";
        var copied = await run.Source.CopyAsync(connection, stage, columns, run.Timeouts.Milliseconds, cancellationToken).ConfigureAwait(false);
        run.Step = "counting the rows";
        var read = copied.Taken ?? await InsertedInTransactionAsync(connection, run, run.StageName, cancellationToken).ConfigureAwait(false);
        run.CheckCount(copied.Sent, read);

        // A key the source repeats has no single row to keep: fail rather than keep an arbitrary one. Upsert:
        // a unique index on the stage (one sort) finds any repeat. InsertIgnore: only a repeated new key counts,
        // and the insert below finds it for free, as a violation of the table's primary key.
        string? primaryKey = null;
        if (run.Mode == WriteMode.Upsert)
        {
            run.Step = "checking for repeated keys";
            try
            {
                await run.ExecuteAsync(connection, $"CREATE UNIQUE INDEX ON {stage} ({CopySql.Columns(key)})", cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw RepeatedKey(run, key, e);
            }
        }
        else
        {
            using var constraint = new NpgsqlCommand("SELECT conname::text FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'p'", connection)
            {
                CommandTimeout = run.Timeouts.Seconds,
            };
            constraint.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table.ToString() });
            primaryKey = await constraint.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }

        await run.ExecuteAsync(connection, $"ANALYZE {stage}", cancellationToken).ConfigureAwait(false);

        // Other writers wait until the commit, so the merge sees every existing key; readers are not blocked.
        run.Step = "locking the table";
        await run.ExecuteAsync(connection, $"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE", cancellationToken).ConfigureAwait(false);

        string KeyMatch(string left, string right) =>
            string.Join(" AND ", key.Select(k => $"{left}.{TableName.QuoteIdentifier(k)} = {right}.{TableName.QuoteIdentifier(k)}"));

        run.Step = "merging";
        if (run.Mode == WriteMode.InsertIgnore)
        {
            // Only the new keys are inserted; a new key the source repeats violates the primary key.
            try
            {
                var inserted = await run.ExecuteAsync(
                    connection,
                    $"INSERT INTO {table} ({CopySql.Columns(names)}) SELECT {CopySql.Columns(names, "s")} FROM {stage} AS s " +
                    $"WHERE NOT EXISTS (SELECT FROM {table} AS t WHERE {KeyMatch("t", "s")})",
                    cancellationToken).ConfigureAwait(false);
                return (read, inserted, 0);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && primaryKey is not null && e.ConstraintName == primaryKey)
            {
                throw RepeatedKey(run, key, e);
            }
        }

        // Upsert: one join of the stage with the table finds the new rows and the changed ones; rows that are
        // already identical are left alone (no new row version, no index update). Both writes use that result.
        var others = columns.Where(c => !key.Contains(c.Name)).ToList();
        var differs = others.Count == 0
            ? "false"
            : $"({string.Join(", ", others.Select(c => Comparable("t", c)))}) IS DISTINCT FROM ({string.Join(", ", others.Select(c => Comparable("s", c)))})";
        var firstKey = TableName.QuoteIdentifier(key[0]);
        var flag = TableName.QuoteIdentifier("aqueduct_new_" + Guid.NewGuid().ToString("N"));
        var update = others.Count == 0
            ? "SELECT 1 WHERE false"
            : $"UPDATE {table} AS t SET {string.Join(", ", others.Select(c => $"{c.Quoted} = c.{c.Quoted}"))} " +
              $"FROM changes AS c WHERE NOT c.{flag} AND {KeyMatch("t", "c")} RETURNING 1";
        var sql =
            $"WITH changes AS MATERIALIZED (SELECT {CopySql.Columns(names, "s")}, t.{firstKey} IS NULL AS {flag} " +
            $"FROM {stage} AS s LEFT JOIN {table} AS t ON {KeyMatch("t", "s")} WHERE t.{firstKey} IS NULL OR {differs}), " +
            $"updated AS ({update}), " +
            $"inserted AS (INSERT INTO {table} ({CopySql.Columns(names)}) SELECT {CopySql.Columns(names)} FROM changes WHERE {flag} RETURNING 1) " +
            "SELECT (SELECT count(*) FROM updated), (SELECT count(*) FROM inserted)";
        using var merge = new NpgsqlCommand(sql, connection) { CommandTimeout = run.Timeouts.Seconds };
        var reader = await merge.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var updatedRows = reader.GetInt64(0);
            return (read, reader.GetInt64(1), updatedRows);
        }
    }

    private static LoadException RepeatedKey(LoadRun run, IReadOnlyList<string> key, PostgresException e)
    {
        // The server's detail names the value: "Key (trip_id)=(9) already exists." or "… is duplicated."
        var value = e.Detail is { } detail && KeyDetail().Match(detail) is { Success: true } match ? match.Groups[1].Value : null;
        return run.Fail(LoadDecisions.RepeatedKey(key, value is null ? null : [value], run.Mode), line: null, inner: e);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\)=\((.*)\) (?:already exists|is duplicated)", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex KeyDetail();

    private static string Comparable(string alias, CatalogColumn column) =>
        column.TypeName is "json" or "xml" or "point" or "line" or "polygon" or "box" or "circle" or "path"
            ? $"{alias}.{column.Quoted}::text"
            : $"{alias}.{column.Quoted}";

    private static string Normalize(string name) => name.Replace(" ", "_", StringComparison.Ordinal).ToUpperInvariant();

    private static string DescribeType(Type type) => Nullable.GetUnderlyingType(type) is { } inner ? inner.Name + "?" : type.Name;
}
