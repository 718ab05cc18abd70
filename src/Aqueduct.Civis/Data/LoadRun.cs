using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Aqueduct.Civis.Data;

/// <summary>One load's state for its messages: the table, the source, the step under way, the staging table to keep out of them.</summary>
internal sealed partial class LoadRun(TableName table, ILoadSource source, WriteMode mode, CommandTimeouts timeouts)
{
    public TableName Table { get; } = table;

    public ILoadSource Source { get; } = source;

    public WriteMode Mode { get; } = mode;

    public CommandTimeouts Timeouts { get; } = timeouts;

    /// <summary>The step under way, for messages: "copying the rows".</summary>
    public string Step { get; set; } = "starting";

    /// <summary>The staging table's name, which a message must never show.</summary>
    public string? StageName { get; set; }

    private bool IsTypedRows => Source is RowLoadSource;

    public async Task<long> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = Timeouts.Seconds };
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = Timeouts.Seconds };
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? default! : (T)value;
    }

    /// <summary>Fails the load when the server took a different number of rows than were sent.</summary>
    public void CheckCount(long sent, long taken)
    {
        if (sent != taken)
        {
            throw Fail(
                $"PostgreSQL took {taken.ToString(CultureInfo.InvariantCulture)} rows but the source has {sent.ToString(CultureInfo.InvariantCulture)}, so the load was rolled back.",
                line: null,
                inner: null);
        }
    }

    public LoadException Fail(string detail, long? line, Exception? inner)
    {
        var at = line is null ? string.Empty : $" at {(IsTypedRows ? "row" : "line")} {line.Value.ToString(CultureInfo.InvariantCulture)}";
        return new LoadException(
            $"Loading {Source.Description} into table {Table} failed{at} while {Step}: {detail} The table is unchanged.",
            Source.Description, Table, line, Step, inner);
    }

    /// <summary>The load's error for a failure, or <see langword="null"/> for one that passes through as it is (a contract error, a cancellation…).</summary>
    public LoadException? Describe(Exception e)
    {
        switch (e)
        {
            case LoadException:
            case OperationCanceledException:
                return null;
            case EndOfDataMarkerException marker:
                return Fail(marker.Message, Source.LineOf(marker.Record), marker);
            case CsvDataException data:
                return Fail(data.Message, null, data.InnerException ?? data);
            case NpgsqlException when CommandTimeouts.IsTimeout(e):
                return Fail(
                    $"the statement timed out after {Timeouts.Value} (the command timeout, TableLoadOptions.CommandTimeout).",
                    null,
                    e);
            case PostgresException pg:
                return FromServer(pg);
            case NpgsqlException npgsql:
                return Fail(Clean(npgsql.Message), null, npgsql);
            default:
                return null;
        }
    }

    private LoadException FromServer(PostgresException pg)
    {
        long? line = null;
        var column = string.Empty;
        if (pg.Where is { } where && WherePattern().Match(where) is { Success: true } match)
        {
            line = Source.LineOf(long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
            column = match.Groups[2].Success ? $" (column {match.Groups[2].Value})" : string.Empty;
        }

        var detail = pg.SqlState == PostgresErrorCodes.UniqueViolation && pg.Detail is { Length: > 0 } d ? $" {d}" : string.Empty;
        var message = Clean($"{pg.MessageText}{column}.{detail}");
        return Fail(message, line, pg);
    }

    private string Clean(string text) =>
        StageName is null ? text : text.Replace(StageName, "the staging table", StringComparison.Ordinal);

    [GeneratedRegex(@"^COPY [^,]*, line (\d+)(?:, column ([^:]+))?", RegexOptions.CultureInvariant)]
    private static partial Regex WherePattern();
}
