using System.Data.Common;

namespace Aqueduct.Civis;

/// <summary>
/// A load failed and left the table as it was. The message names the source (a CSV file, a CSV stream or typed
/// rows), the target table, the line of the file (the header is line 1) or the row of typed rows when one is at
/// fault, and the step that failed; the server's <see cref="Npgsql.PostgresException"/>, when there is one, is
/// the <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class LoadException : DbException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message, which names the source, the table and the line.</param>
    /// <param name="sourceName">The source: <c>CSV file 'trips.csv'</c>, <c>CSV stream</c> or <c>typed rows</c>.</param>
    /// <param name="table">The target table.</param>
    /// <param name="line">The line of the file (header = 1) or the row of typed rows (first = 1) at fault, when known.</param>
    /// <param name="step">The step of the load that failed, for example <c>copying the rows</c>.</param>
    /// <param name="innerException">The cause: a <see cref="Npgsql.PostgresException"/>, an <see cref="Npgsql.NpgsqlException"/>, an <see cref="InvalidDataException"/>…</param>
    public LoadException(string message, string sourceName, TableName table, long? line, string? step, Exception? innerException)
        : base(message, innerException)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(table);
        SourceName = sourceName;
        Table = table;
        Line = line;
        Step = step;
    }

    /// <summary>The source: <c>CSV file 'trips.csv'</c>, <c>CSV stream</c> or <c>typed rows</c>.</summary>
    public string SourceName { get; }

    /// <summary>The target table (never the internal staging table).</summary>
    public TableName Table { get; }

    /// <summary>The line of the file (header = line 1), or the row of typed rows (first = 1), at fault; <see langword="null"/> when no line is.</summary>
    public long? Line { get; }

    /// <summary>The step of the load that failed (<c>copying the rows</c>, <c>merging</c>, …), when known.</summary>
    public string? Step { get; }

    /// <summary>The server's SQLSTATE when the server reported the failure, otherwise <see langword="null"/>.</summary>
    public override string? SqlState => (InnerException as DbException)?.SqlState;

    /// <summary>Whether retrying the load may succeed (a dropped connection, a timeout), as the inner database error says.</summary>
    public override bool IsTransient => InnerException is DbException { IsTransient: true } or TimeoutException;
}
