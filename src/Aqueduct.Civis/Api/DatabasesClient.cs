using Aqueduct.Civis.Api.Models;

namespace Aqueduct.Civis.Api;

/// <summary>Databases, schemas and tables (<c>/databases</c>).</summary>
public partial class DatabasesClient
{
    private readonly CivisPipeline _pipeline = null!;

    internal DatabasesClient(CivisPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking only.</summary>
    protected DatabasesClient()
    {
    }

    /// <summary>Every database the user can see (<c>GET /databases</c>).</summary>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The databases.</returns>
    public virtual IAsyncEnumerable<Database> ListAsync(CancellationToken cancellationToken = default)
        => CivisPager.ListAsync(_pipeline, "databases", null, 0, CivisJsonContext.Default.ListDatabase, cancellationToken);

    /// <summary>The id of the database with the given name (case-insensitive).</summary>
    /// <param name="name">The database's name, as the platform shows it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The database's id.</returns>
    /// <exception cref="ArgumentException">No database has that name; the message lists the names there are.</exception>
    public virtual async Task<int> GetIdAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var names = new List<string>();
        await foreach (var database in ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (string.Equals(database.Name, name, StringComparison.OrdinalIgnoreCase) && database.Id is { } id)
            {
                return id;
            }

            names.Add(database.Name ?? "?");
        }

        throw new ArgumentException($"No database is named '{name}'. The databases are: {string.Join(", ", names)}.", nameof(name));
    }

    /// <summary>The schemas of a database (<c>GET /databases/{id}/schemas</c>).</summary>
    /// <param name="databaseId">The database.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The schemas.</returns>
    public virtual IAsyncEnumerable<DatabaseSchema> ListSchemasAsync(int databaseId, CancellationToken cancellationToken = default)
        => CivisPager.ListAsync(_pipeline, $"databases/{databaseId}/schemas", null, 0, CivisJsonContext.Default.ListDatabaseSchema, cancellationToken);

    /// <summary>
    /// A table's details (<c>GET /databases/{id}/schemas/{schema}/tables/{table}</c>), or
    /// <see langword="null"/> when there is no such table.
    /// </summary>
    /// <param name="databaseId">The database.</param>
    /// <param name="schema">The schema's name.</param>
    /// <param name="table">The table's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The table, or <see langword="null"/>.</returns>
    public virtual async Task<DatabaseTable?> GetTableAsync(int databaseId, string schema, string table, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(schema);
        ArgumentException.ThrowIfNullOrEmpty(table);
        try
        {
            return await _pipeline.GetAsync($"databases/{databaseId}/schemas/{Paths.Segment(schema)}/tables/{Paths.Segment(table)}", CivisJsonContext.Default.DatabaseTable, cancellationToken).ConfigureAwait(false);
        }
        catch (CivisApiException e) when (e.StatusCode == 404)
        {
            return null;
        }
    }
}
