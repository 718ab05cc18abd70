using Npgsql;

namespace Aqueduct.Civis.Data;

/// <summary>
/// A replace load's indexes, set aside while the rows are copied and built again afterwards, inside the load's
/// transaction: PostgreSQL builds an index from sorted data (in parallel where it can) far faster than it updates
/// one row by row, and writes it to the WAL as whole pages. Every statement that puts an index back is the server's
/// own text for it (<c>pg_get_indexdef</c>, <c>pg_get_constraintdef</c>), with the index's and the constraint's
/// comments, <c>CLUSTER ON</c> and <c>REPLICA IDENTITY USING INDEX</c>; a failure anywhere rolls the whole
/// transaction back, indexes included. The table itself (its OID, grants, comments, triggers, policies, the views
/// on it) is never touched.
/// </summary>
/// <remarks>
/// An index stays where it is, maintained row by row as before, when its text would not bring it back exactly or
/// something else hangs on it: a constraint index with storage parameters or any index in another tablespace (the
/// functions leave those out), per-column statistics targets, an index that is not valid, one that a foreign key
/// or a view (a <c>GROUP BY</c> on the primary key) depends on. Nothing is set aside on a table the load's role
/// does not own (it could not build them again), on a partitioned table, a partition or an inheritance parent or
/// child.
/// </remarks>
internal sealed class DeferredIndexes
{
    private const string Sql = """
        -- Only normal dependencies count: internal ones (a deferrable constraint's trigger) go and come back with the constraint.
        SELECT c.relkind = 'r' AND pg_has_role(c.relowner, 'USAGE')
                   AND NOT EXISTS (SELECT FROM pg_inherits h WHERE h.inhrelid = c.oid OR h.inhparent = c.oid) AS eligible,
               (i.indisvalid AND i.indisready AND i.indislive AND ic.reltablespace = 0
                   AND (con.oid IS NULL OR ic.reloptions IS NULL)
                   AND NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = i.indexrelid AND a.attstattarget >= 0)
                   AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = i.indexrelid AND d.deptype = 'n')
                   AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.refclassid = 'pg_constraint'::regclass AND d.refobjid = con.oid AND d.deptype = 'n'))
                   AS movable,
               CASE WHEN con.oid IS NULL THEN format('DROP INDEX %I.%I', n.nspname, ic.relname)
                    ELSE format('ALTER TABLE %I.%I DROP CONSTRAINT %I', n.nspname, c.relname, con.conname) END AS drop_sql,
               CASE WHEN con.oid IS NULL THEN pg_get_indexdef(i.indexrelid)
                    ELSE format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s', n.nspname, c.relname, con.conname, pg_get_constraintdef(con.oid)) END AS create_sql,
               concat_ws('; ',
                   CASE WHEN obj_description(i.indexrelid, 'pg_class') IS NOT NULL
                        THEN format('COMMENT ON INDEX %I.%I IS %L', n.nspname, ic.relname, obj_description(i.indexrelid, 'pg_class')) END,
                   CASE WHEN con.oid IS NOT NULL AND obj_description(con.oid, 'pg_constraint') IS NOT NULL
                        THEN format('COMMENT ON CONSTRAINT %I ON %I.%I IS %L', con.conname, n.nspname, c.relname, obj_description(con.oid, 'pg_constraint')) END,
                   CASE WHEN i.indisclustered THEN format('ALTER TABLE %I.%I CLUSTER ON %I', n.nspname, c.relname, ic.relname) END,
                   CASE WHEN i.indisreplident THEN format('ALTER TABLE %I.%I REPLICA IDENTITY USING INDEX %I', n.nspname, c.relname, ic.relname) END
               ) AS after_sql
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_index i ON i.indrelid = c.oid
        JOIN pg_class ic ON ic.oid = i.indexrelid
        LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = c.oid AND con.contype IN ('p', 'u', 'x')
        WHERE c.oid = to_regclass($1)
        ORDER BY i.indexrelid
        """;

    private readonly List<(string Drop, string Create, string After)> indexes;

    private DeferredIndexes(List<(string Drop, string Create, string After)> indexes) => this.indexes = indexes;

    /// <summary>How many indexes were set aside.</summary>
    public int Count => indexes.Count;

    /// <summary>
    /// Drops the indexes (and the constraints they back) that can be built again exactly, and returns them;
    /// the table must already be locked <c>ACCESS EXCLUSIVE</c> by the load's transaction.
    /// </summary>
    public static async Task<DeferredIndexes> SetAsideAsync(NpgsqlConnection connection, LoadRun run, CancellationToken cancellationToken)
    {
        var found = new List<(string Drop, string Create, string After)>();
        using (var command = new NpgsqlCommand(Sql, connection) { CommandTimeout = run.Timeouts.Seconds })
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = run.Table.ToString() });
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (!reader.GetBoolean(0))
                    {
                        return new DeferredIndexes([]);
                    }

                    if (reader.GetBoolean(1))
                    {
                        found.Add((reader.GetString(2), reader.GetString(3), reader.GetString(4)));
                    }
                }
            }
        }

        if (found.Count > 0)
        {
            await run.ExecuteAsync(connection, string.Join(";\n", found.Select(i => i.Drop)), cancellationToken).ConfigureAwait(false);
        }

        return new DeferredIndexes(found);
    }

    /// <summary>Builds the indexes and constraints again, in their original order, with their comments and settings.</summary>
    public async Task RestoreAsync(NpgsqlConnection connection, LoadRun run, CancellationToken cancellationToken)
    {
        foreach (var (_, create, after) in indexes)
        {
            await run.ExecuteAsync(connection, create, cancellationToken).ConfigureAwait(false);
            if (after.Length > 0)
            {
                await run.ExecuteAsync(connection, after, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
