using Npgsql;

namespace Aqueduct.Civis.Data;

/// <summary>Where a load's rows come from: a CSV's bytes or typed rows.</summary>
internal interface ILoadSource : IAsyncDisposable
{
    /// <summary>The source for messages: <c>CSV file 'trips.csv'</c>, <c>CSV stream</c>, <c>typed rows</c>.</summary>
    string Description { get; }

    /// <summary>The source's columns, resolved against the table (or the declared definition when the table is new).</summary>
    ValueTask<IReadOnlyList<SourceColumn>> GetColumnsAsync(TableShape table, TableDefinition? definition, CancellationToken cancellationToken);

    /// <summary>The line of the file (header = 1), or the row of typed rows, of the line COPY names in an error (its first line = 1).</summary>
    long LineOf(long copyLine);

    /// <summary>Copies every row into <paramref name="target"/> through COPY.</summary>
    /// <param name="connection">The connection, inside the load's transaction.</param>
    /// <param name="target">The quoted table to copy into.</param>
    /// <param name="columns">The table's columns, in the order of <see cref="GetColumnsAsync"/>'s result.</param>
    /// <param name="timeoutMilliseconds">The bound on each wait for the server, 0 for none.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    /// <returns>The rows sent, and the rows the server says it took when the COPY API reports it.</returns>
    Task<CopyCount> CopyAsync(NpgsqlConnection connection, string target, IReadOnlyList<CatalogColumn> columns, int timeoutMilliseconds, CancellationToken cancellationToken);
}
