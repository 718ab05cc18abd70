using Aqueduct.Civis.Api.Models;

namespace Aqueduct.Civis.Api;

/// <summary>Ad-hoc SQL queries (<c>/queries</c>).</summary>
public partial class QueriesClient
{
    private readonly CivisPipeline _pipeline = null!;

    internal QueriesClient(CivisPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking only.</summary>
    protected QueriesClient()
    {
    }

    /// <summary>Starts a query (<c>POST /queries</c>).</summary>
    /// <param name="request">The database, SQL, credential and preview rows (at most 1,000).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The query, usually still running.</returns>
    public virtual Task<Query> CreateAsync(QueryCreateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _pipeline.SendAsync(HttpMethod.Post, "queries", request, CivisJsonContext.Default.QueryCreateRequest, CivisJsonContext.Default.Query, cancellationToken);
    }

    /// <summary>A query and its state (<c>GET /queries/{id}</c>).</summary>
    /// <param name="id">The query.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The query.</returns>
    public virtual Task<QueryDetail> GetAsync(int id, CancellationToken cancellationToken = default)
        => _pipeline.GetAsync($"queries/{id}", CivisJsonContext.Default.QueryDetail, cancellationToken);

    /// <summary>
    /// Waits until a query ends, polling as runs are polled (<see cref="CivisClientOptions.Polling"/>); see
    /// <see cref="WaitAsync(int, bool, CancellationToken)"/>.
    /// </summary>
    /// <param name="id">The query.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The succeeded query.</returns>
    /// <exception cref="CivisRunFailedException">The query failed or was cancelled.</exception>
    public virtual Task<QueryDetail> WaitAsync(int id, CancellationToken cancellationToken = default)
        => WaitAsync(id, cancelRunOnCancellation: false, cancellationToken);

    /// <summary>
    /// Waits until a query ends, polling as runs are polled (<see cref="CivisClientOptions.Polling"/>). A failure
    /// without an error message carries the last lines of the run's log.
    /// </summary>
    /// <param name="id">The query.</param>
    /// <param name="cancelRunOnCancellation">
    /// When the token is cancelled, also ask the platform to cancel the query's run
    /// (<c>DELETE /queries/{id}/runs/{run_id}</c>).
    /// </param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The succeeded query.</returns>
    /// <exception cref="CivisRunFailedException">The query failed or was cancelled.</exception>
    public virtual Task<QueryDetail> WaitAsync(int id, bool cancelRunOnCancellation, CancellationToken cancellationToken = default)
        => RunWaiter.WaitAsync(
            _pipeline,
            new RunTarget<QueryDetail>(
                id,
                $"queries/{id}",
                CivisJsonContext.Default.QueryDetail,
                q => q.State,
                q => string.IsNullOrWhiteSpace(q.Error) ? q.Exception : q.Error,
                q => q?.LastRunId,
                q => q?.LastRunId is { } run ? $"queries/{id}/runs/{run}" : null,
                q => q.LastRunId is { } run ? $"queries/{id}/runs/{run}/logs" : null,
                q => q?.LastRunId is { } run ? $"Query {id} (run {run})" : $"Query {id}"),
            cancelRunOnCancellation,
            cancellationToken);
}
