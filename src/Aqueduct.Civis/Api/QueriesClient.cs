using Aqueduct.Civis.Api.Internal;

namespace Aqueduct.Civis.Api;

/// <summary>Ad-hoc SQL queries (<c>/queries</c>).</summary>
public class QueriesClient
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

    /// <summary>Polls a query until it ends, as runs are polled (<see cref="CivisClientOptions.PollInterval"/>).</summary>
    /// <param name="id">The query.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The succeeded query.</returns>
    /// <exception cref="CivisRunFailedException">The query failed or was cancelled.</exception>
    public virtual async Task<QueryDetail> WaitAsync(int id, CancellationToken cancellationToken = default)
    {
        var options = _pipeline.Options;
        var delay = options.PollInterval;
        while (true)
        {
            var query = await GetAsync(id, cancellationToken).ConfigureAwait(false);
            switch (query.State?.ToUpperInvariant())
            {
                case "SUCCEEDED" or "SUCCESS":
                    return query;
                case "FAILED" or "CANCELLED":
                    var error = string.IsNullOrWhiteSpace(query.Error) ? query.Exception : query.Error;
                    var message = string.IsNullOrWhiteSpace(error) ? $"Query {id} ended {query.State}." : $"Query {id} ended {query.State}: {error}";
                    throw new CivisRunFailedException(message, id, query.LastRunId ?? 0, query.State!, error, []);
            }

            await Task.Delay(delay, _pipeline.TimeProvider, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min((long)(delay.Ticks * options.PollBackoffFactor), options.PollMaxInterval.Ticks));
        }
    }
}
