using Npgsql;

namespace Aqueduct.Civis;

/// <summary>Where a load's rows come from: a CSV's bytes or typed rows.</summary>
internal interface ILoadSource : IAsyncDisposable
{
    /// <summary>The source's columns, resolved against the table (or the declared definition when the table is new).</summary>
    ValueTask<IReadOnlyList<SourceColumn>> GetColumnsAsync(TableShape table, TableDefinition? definition, CancellationToken cancellationToken);

    /// <summary>Copies every row into <paramref name="target"/> through COPY and returns the number of rows.</summary>
    /// <param name="connection">The connection, inside the load's transaction.</param>
    /// <param name="target">The quoted table to copy into.</param>
    /// <param name="columns">The table's columns, in the order of <see cref="GetColumnsAsync"/>'s result.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    Task<long> CopyAsync(NpgsqlConnection connection, string target, IReadOnlyList<TableColumn> columns, CancellationToken cancellationToken);
}
