using System.Globalization;
using Aqueduct.Civis.Tests.Infrastructure;
using Npgsql;
using static Aqueduct.Civis.Tests.Data.TestCsv;

namespace Aqueduct.Civis.Tests.Data;

/// <summary>
/// The replace modes (Truncate, Drop) copy without the table's indexes and build them afterwards: the table's
/// definition (grants, comments, indexes, constraints, the foreign keys and views around it) is identical
/// afterwards, compared as a catalog snapshot, and a failure anywhere leaves data and definition as they were.
/// </summary>
public sealed class ReplaceModeTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const int Rows = 100_000;

    private static readonly TableDefinition Trips = new(
        [new("trip_id", "integer", nullable: false), new("bike_type", "text"), new("distance", "double precision")],
        primaryKey: ["trip_id"]);

    private static string GoodRow(int i) => string.Create(CultureInfo.InvariantCulture, $"{i + 100},{(i % 2 == 0 ? "standard" : "electric")},{i * 0.5}");

    /// <summary>Everything a replace load must keep, as text: the table (its OID too), columns, indexes, constraints both ways, views, triggers.</summary>
    private async Task<string> SnapshotAsync(TableName table, bool withOid = true)
    {
        const string Sql = """
            SELECT concat_ws(E'\n',
              (SELECT format('table %s oid=%s acl=%s comment=%s replident=%s', c.relname, CASE WHEN $2 THEN c.oid::text END, c.relacl::text,
                             obj_description(c.oid, 'pg_class'), c.relreplident) FROM pg_class c WHERE c.oid = to_regclass($1)),
              (SELECT string_agg(format('column %s %s notnull=%s comment=%s', a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                                        col_description(a.attrelid, a.attnum)), E'\n' ORDER BY a.attnum)
               FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped),
              (SELECT string_agg(format('index %s: %s comment=%s primary=%s unique=%s immediate=%s clustered=%s replident=%s valid=%s options=%s',
                                        ic.relname, pg_get_indexdef(i.indexrelid), obj_description(i.indexrelid, 'pg_class'), i.indisprimary, i.indisunique,
                                        i.indimmediate, i.indisclustered, i.indisreplident, i.indisvalid, ic.reloptions::text), E'\n' ORDER BY ic.relname)
               FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = to_regclass($1)),
              (SELECT string_agg(format('constraint %s on %s: %s comment=%s deferrable=%s deferred=%s validated=%s index=%s',
                                        con.conname, con.conrelid::regclass, pg_get_constraintdef(con.oid), obj_description(con.oid, 'pg_constraint'),
                                        con.condeferrable, con.condeferred, con.convalidated, con.conindid::regclass), E'\n' ORDER BY con.conrelid::regclass::text, con.conname)
               FROM pg_constraint con WHERE con.conrelid = to_regclass($1) OR con.confrelid = to_regclass($1)),
              (SELECT string_agg(format('view %s: %s', v.oid::regclass, pg_get_viewdef(v.oid)), E'\n' ORDER BY v.oid::regclass::text)
               FROM pg_class v WHERE v.relkind IN ('v', 'm') AND EXISTS (
                 SELECT FROM pg_rewrite r JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                 WHERE r.ev_class = v.oid AND d.refobjid = to_regclass($1))),
              (SELECT string_agg(format('trigger %s', pg_get_triggerdef(t.oid)), E'\n' ORDER BY t.tgname)
               FROM pg_trigger t WHERE t.tgrelid = to_regclass($1) AND NOT t.tgisinternal))
            """;
        await using var command = db.DataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table.ToString() });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = withOid });
        return (string)(await command.ExecuteScalarAsync(Ct))!;
    }

    /// <summary>Each index's OID by name: a rebuilt index has a new one, one left in place keeps it.</summary>
    private async Task<Dictionary<string, uint>> IndexOidsAsync(TableName table)
    {
        var rows = await RowsAsync(db.DataSource, $"SELECT ic.relname, ic.oid FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = '{table}'::regclass");
        return rows.Select(r => r.Split('|')).ToDictionary(r => r[0], r => uint.Parse(r[1], CultureInfo.InvariantCulture));
    }

    /// <summary>A keyed table with every kind of index and constraint, comments, a grant, a view and foreign keys both ways.</summary>
    private async Task<TableName> CreateRichTableAsync(string name)
    {
        var table = TableName.Parse(name);
        await ExecuteAsync(db.DataSource, $"""
            CREATE TABLE {name}_station (code text PRIMARY KEY);
            INSERT INTO {name}_station VALUES ('standard'), ('electric'), ('old');
            CREATE TABLE {table} (
                trip_id integer NOT NULL, bike_type text REFERENCES {name}_station (code), distance double precision CHECK (distance >= 0),
                CONSTRAINT {name}_pk PRIMARY KEY (trip_id) INCLUDE (distance),
                CONSTRAINT {name}_distance_key UNIQUE NULLS NOT DISTINCT (distance) DEFERRABLE INITIALLY DEFERRED,
                CONSTRAINT {name}_no_same EXCLUDE USING btree (trip_id WITH =));
            CREATE INDEX {name}_type ON {table} (bike_type) WHERE bike_type <> 'old';
            CREATE INDEX {name}_lower ON {table} USING hash (lower(bike_type));
            CREATE UNIQUE INDEX {name}_desc ON {table} (trip_id DESC, distance) WITH (fillfactor = 70);
            COMMENT ON TABLE {table} IS 'daily trips';
            COMMENT ON COLUMN {table}.distance IS 'miles';
            COMMENT ON INDEX {name}_type IS 'it''s partial';
            COMMENT ON INDEX {name}_pk IS 'the key''s index';
            COMMENT ON CONSTRAINT {name}_pk ON {table} IS 'the key';
            COMMENT ON CONSTRAINT {name}_distance_key ON {table} IS 'one per distance';
            ALTER TABLE {table} CLUSTER ON {name}_desc;
            ALTER TABLE {table} REPLICA IDENTITY USING INDEX {name}_pk;
            GRANT SELECT, INSERT ON {table} TO PUBLIC;
            CREATE VIEW {name}_electric AS SELECT trip_id, distance FROM {table} WHERE bike_type = 'electric';
            CREATE TABLE {name}_rating (trip_id integer REFERENCES {table} (trip_id) DEFERRABLE, stars int);
            INSERT INTO {table} VALUES (1, 'old', 1.5), (2, 'old', 2.5);
            """);
        return table;
    }

    private async Task<(TableName Table, string Snapshot, List<string> Rows)> CreatePlainTableAsync(string name)
    {
        var table = TableName.Parse(name);
        await ExecuteAsync(db.DataSource, $"""
            CREATE TABLE {table} (trip_id integer PRIMARY KEY, bike_type text, distance double precision);
            CREATE INDEX {name}_type ON {table} (bike_type);
            COMMENT ON INDEX {name}_type IS 'by type';
            INSERT INTO {table} VALUES (1, 'old', 1.5), (2, 'old', 2.5), (150, 'existing', 0);
            """);
        return (table, await SnapshotAsync(table), await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));
    }

    private static CsvSource Generated(int rows = Rows) => new(new GeneratedCsvStream(rows, GoodRow));

    [Fact]
    public async Task LoadCsvAsync_TruncateRichTable_KeepsTheDefinitionIdentical()
    {
        var table = await CreateRichTableAsync("rich");
        var before = await SnapshotAsync(table);

        // Nothing references the loaded rows, so the empty ratings table stays valid; TRUNCATE would refuse otherwise.
        await ExecuteAsync(db.DataSource, "ALTER TABLE rich_rating DROP CONSTRAINT rich_rating_trip_id_fkey");
        var withoutReference = await SnapshotAsync(table);
        var oids = await IndexOidsAsync(table);
        var result = await db.DataSource.LoadCsvAsync(table, Generated(), WriteMode.Truncate, cancellationToken: Ct);

        Assert.Equal(withoutReference, await SnapshotAsync(table));
        Assert.NotEqual(before, withoutReference);
        var rebuilt = await IndexOidsAsync(table);
        Assert.Equal(oids.Keys.Order(), rebuilt.Keys.Order());
        Assert.All(oids, o => Assert.True(o.Value != rebuilt[o.Key], $"index {o.Key} was not rebuilt"));
        Assert.Equal(Rows, result.RowsInserted);
        Assert.Equal(Rows, result.RowsRead);
        Assert.Equal((long)Rows, await ScalarAsync<long>(db.DataSource, $"SELECT count(*) FROM {table}"));
        Assert.Equal((long)Rows / 2, await ScalarAsync<long>(db.DataSource, "SELECT count(*) FROM rich_electric"));

        // The constraints work as before: the rebuilt key refuses a repeat, the check a negative distance.
        await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(db.DataSource, $"INSERT INTO {table} VALUES (100, 'old', 999999)"));
        await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(db.DataSource, $"INSERT INTO {table} VALUES (-1, 'old', -1)"));
    }

    [Fact]
    public async Task LoadCsvAsync_TruncateTableReferencedByForeignKey_FailsAndKeepsDataAndDefinition()
    {
        var table = await CreateRichTableAsync("referenced");
        var before = await SnapshotAsync(table);
        var rows = await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1");

        // TRUNCATE refuses a table another table references, as it always has: the load fails whole.
        var e = await Assert.ThrowsAsync<LoadException>(() => db.DataSource.LoadCsvAsync(table, Generated(100), WriteMode.Truncate, cancellationToken: Ct));

        Assert.Equal(PostgresErrorCodes.FeatureNotSupported, Assert.IsType<PostgresException>(e.InnerException).SqlState);
        Assert.Equal("truncating the table", e.Step);
        Assert.Equal(before, await SnapshotAsync(table));
        Assert.Equal(rows, await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));
    }

    [Fact]
    public async Task LoadCsvAsync_TruncateWithViewThatGroupsByTheKey_KeepsTheKeyAndTheView()
    {
        // The view relies on the primary key (GROUP BY trip_id lists bike_type without aggregating it): the key stays in place.
        var (table, _, _) = await CreatePlainTableAsync("grouped");
        await ExecuteAsync(db.DataSource, $"CREATE VIEW grouped_view AS SELECT trip_id, bike_type, sum(distance) AS total FROM {table} GROUP BY trip_id");
        var before = await SnapshotAsync(table);
        var oids = await IndexOidsAsync(table);

        var result = await db.DataSource.LoadCsvAsync(table, Generated(), WriteMode.Truncate, cancellationToken: Ct);

        Assert.Equal(before, await SnapshotAsync(table));
        Assert.Equal(Rows, result.RowsInserted);
        Assert.Equal((long)Rows, await ScalarAsync<long>(db.DataSource, "SELECT count(*) FROM grouped_view"));
        var after = await IndexOidsAsync(table);
        Assert.Equal(oids["grouped_pkey"], after["grouped_pkey"]);
        Assert.NotEqual(oids["grouped_type"], after["grouped_type"]);
    }

    [Fact]
    public async Task LoadCsvAsync_TruncateBadRowDeepInTheFile_KeepsDataAndDefinition()
    {
        var (table, snapshot, rows) = await CreatePlainTableAsync("bad_row");
        var source = new CsvSource(new GeneratedCsvStream(Rows, i => i == Rows - 10 ? "oops,standard,1" : GoodRow(i)));

        var e = await Assert.ThrowsAsync<LoadException>(() => db.DataSource.LoadCsvAsync(table, source, WriteMode.Truncate, cancellationToken: Ct));

        Assert.Equal("copying the rows", e.Step);
        Assert.Equal((long)(Rows - 10) + 2, e.Line);
        Assert.Equal(snapshot, await SnapshotAsync(table));
        Assert.Equal(rows, await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));
    }

    [Fact]
    public async Task LoadCsvAsync_TruncateRepeatedKey_FailsWhileBuildingTheKeyNamingTheValue()
    {
        var (table, snapshot, rows) = await CreatePlainTableAsync("repeated");
        var source = new CsvSource(new GeneratedCsvStream(Rows, i => i == Rows - 1 ? GoodRow(Rows / 2) : GoodRow(i)));

        await using var detailed = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(db.ConnectionString) { IncludeErrorDetail = true }.ConnectionString);

        var e = await Assert.ThrowsAsync<LoadException>(() => detailed.LoadCsvAsync(table, source, WriteMode.Truncate, cancellationToken: Ct));

        Assert.Contains($"(Key (trip_id)=({(Rows / 2) + 100}) is duplicated.)", e.Message, StringComparison.Ordinal);
        Assert.Equal(PostgresErrorCodes.UniqueViolation, Assert.IsType<PostgresException>(e.InnerException).SqlState);
        Assert.Equal("building the indexes", e.Step);
        Assert.Contains("could not create unique index \"repeated_pkey\": the source repeats a value that must be unique", e.Message, StringComparison.Ordinal);
        Assert.Equal(snapshot, await SnapshotAsync(table));
        Assert.Equal(rows, await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));
    }

    [Fact]
    public async Task LoadCsvAsync_TruncateCancelledMidLoad_KeepsDataAndDefinition()
    {
        var (table, snapshot, rows) = await CreatePlainTableAsync("cancelled");
        using var cancellation = new CancellationTokenSource();
        var source = new CsvSource(new GeneratedCsvStream(Rows, GoodRow, Rows / 2, () => cancellation.CancelAsync()));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => db.DataSource.LoadCsvAsync(table, source, WriteMode.Truncate, cancellationToken: cancellation.Token));

        Assert.Equal(snapshot, await SnapshotAsync(table));
        Assert.Equal(rows, await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));
    }

    [Fact]
    public async Task LoadCsvAsync_TruncateConnectionTerminatedWhileBuildingTheIndexes_KeepsDataAndDefinition()
    {
        var (table, snapshot, rows) = await CreatePlainTableAsync("terminated");

        // A trigger on the rebuilt index's function is not possible; a slow expression index is: it calls pg_sleep
        // once per row while it is built, and another session kills the backend during it.
        await ExecuteAsync(db.DataSource, """
            CREATE FUNCTION terminated_slow(integer) RETURNS integer IMMUTABLE LANGUAGE sql AS 'SELECT $1 + 0 * length(pg_sleep(0.001)::text)';
            CREATE INDEX terminated_slow_idx ON terminated (terminated_slow(trip_id));
            """);
        snapshot = await SnapshotAsync(table);
        var load = db.DataSource.LoadCsvAsync(table, Generated(20_000), WriteMode.Truncate, cancellationToken: Ct);
        var terminated = 0;
        for (var i = 0; i < 600 && terminated == 0 && !load.IsCompleted; i++)
        {
            await Task.Delay(50, Ct);
            terminated = await ScalarAsync<int>(db.DataSource,
                "SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity " +
                "WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'CREATE INDEX terminated_slow_idx%'");
        }

        var e = await Assert.ThrowsAsync<LoadException>(() => load);

        Assert.Equal(1, terminated);
        Assert.Equal("building the indexes", e.Step);
        Assert.Equal(snapshot, await SnapshotAsync(table));
        Assert.Equal(rows, await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));
    }

    [Fact]
    public async Task LoadCsvAsync_TruncateByRoleThatDoesNotOwnTheTable_LoadsWithTheIndexesInPlace()
    {
        var (table, snapshot, _) = await CreatePlainTableAsync("not_owned");
        var role = "loader_" + Guid.NewGuid().ToString("N")[..8];
        await ExecuteAsync(db.DataSource, $"CREATE ROLE {role} NOSUPERUSER; GRANT SELECT, INSERT, TRUNCATE ON {table} TO {role}");
        snapshot = await SnapshotAsync(table);
        var oids = await IndexOidsAsync(table);
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Options = $"-c role={role}" };
            await using var loader = NpgsqlDataSource.Create(builder.ConnectionString);

            var result = await loader.LoadCsvAsync(table, Generated(), WriteMode.Truncate, cancellationToken: Ct);

            Assert.Equal(Rows, result.RowsInserted);
            Assert.Equal(snapshot, await SnapshotAsync(table));
            Assert.Equal(oids, await IndexOidsAsync(table));
        }
        finally
        {
            await ExecuteAsync(db.DataSource, $"DROP OWNED BY {role}; DROP ROLE {role}");
        }
    }

    [Fact]
    public async Task LoadCsvAsync_TruncateHostileNames_KeepsTheDefinitionIdentical()
    {
        // Quotes, spaces, capitals and a period in every name the rebuild writes back.
        await ExecuteAsync(db.DataSource, """"
            CREATE SCHEMA "odd ""schema"".x";
            CREATE TABLE "odd ""schema"".x"."Trips; DROP" (trip_id integer, bike_type text, distance double precision,
                CONSTRAINT "Key ""quoted""" PRIMARY KEY (trip_id));
            CREATE INDEX "Index. 'two'" ON "odd ""schema"".x"."Trips; DROP" (bike_type, distance);
            COMMENT ON INDEX "odd ""schema"".x"."Index. 'two'" IS 'back\slash and ''quote''';
            COMMENT ON CONSTRAINT "Key ""quoted""" ON "odd ""schema"".x"."Trips; DROP" IS E'line\nbreak';
            """");
        var table = TableName.Parse("\"odd \"\"schema\"\".x\".\"Trips; DROP\"");
        var before = await SnapshotAsync(table);

        var result = await db.DataSource.LoadCsvAsync(table, Generated(1000), WriteMode.Truncate, cancellationToken: Ct);

        Assert.Equal(1000, result.RowsInserted);
        Assert.Equal(before, await SnapshotAsync(table));
        Assert.Contains("back\\slash and 'quote'", before, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_TypedRowsTruncate_KeepsTheDefinitionAndCountsFromTheServer()
    {
        var (table, snapshot, _) = await CreatePlainTableAsync("typed");

        var result = await db.DataSource.LoadAsync(
            table, Enumerable.Range(0, Rows).Select(i => new Trip(i + 100, "standard", i)), WriteMode.Truncate, cancellationToken: Ct);

        Assert.Equal(Rows, result.RowsInserted);
        Assert.Equal(snapshot, await SnapshotAsync(table));
        Assert.Equal((long)Rows, await ScalarAsync<long>(db.DataSource, $"SELECT count(*) FROM {table}"));
    }

    [Fact]
    public async Task LoadCsvAsync_Drop_CreatesTheSameTableAsTheDefinitionWithItsKey()
    {
        var expected = TableName.Parse("dropped_expected");
        await db.DataSource.LoadCsvAsync(expected, Generated(10), WriteMode.Fail, Trips, cancellationToken: Ct);
        var table = TableName.Parse("dropped");
        await ExecuteAsync(db.DataSource, $"CREATE TABLE {table} (other text); INSERT INTO {table} VALUES ('x')");

        var result = await db.DataSource.LoadCsvAsync(table, Generated(), WriteMode.Drop, Trips, cancellationToken: Ct);

        Assert.Equal(Rows, result.RowsInserted);
        Assert.Equal(
            (await SnapshotAsync(expected, withOid: false)).Replace("dropped_expected", "dropped", StringComparison.Ordinal),
            await SnapshotAsync(table, withOid: false));
        Assert.Equal((long)Rows, await ScalarAsync<long>(db.DataSource, $"SELECT count(*) FROM {table}"));
    }

    [Fact]
    public async Task LoadCsvAsync_DropRepeatedKey_FailsAndKeepsTheOldTable()
    {
        var (table, snapshot, rows) = await CreatePlainTableAsync("drop_repeated");
        var source = new CsvSource(new GeneratedCsvStream(1000, i => i == 999 ? GoodRow(3) : GoodRow(i)));

        var e = await Assert.ThrowsAsync<LoadException>(() => db.DataSource.LoadCsvAsync(table, source, WriteMode.Drop, Trips, cancellationToken: Ct));

        Assert.Contains("\"drop_repeated_pkey\": the source repeats a value that must be unique", e.Message, StringComparison.Ordinal);
        Assert.Equal("building the indexes", e.Step);
        Assert.Equal(snapshot, await SnapshotAsync(table));
        Assert.Equal(rows, await RowsAsync(db.DataSource, $"SELECT * FROM {table} ORDER BY 1"));
    }

    private sealed record Trip(int TripId, string BikeType, double Distance);
}
