using Aqueduct.Civis.Api.Models;

namespace Aqueduct.Civis.Api;

/// <summary>Any job (script, import, export...) and its runs, logs and outputs (<c>/jobs</c>).</summary>
public partial class JobsClient
{
    private readonly CivisPipeline _pipeline = null!;

    internal JobsClient(CivisPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking only.</summary>
    protected JobsClient()
    {
    }

    /// <summary>A job (<c>GET /jobs/{id}</c>).</summary>
    /// <param name="id">The job.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The job.</returns>
    public virtual Task<Job> GetAsync(int id, CancellationToken cancellationToken = default)
        => _pipeline.GetAsync($"jobs/{id}", CivisJsonContext.Default.Job, cancellationToken);

    /// <summary>Starts a run of any job (<c>POST /jobs/{id}/runs</c>).</summary>
    /// <param name="id">The job.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new run.</returns>
    public virtual Task<JobRun> StartRunAsync(int id, CancellationToken cancellationToken = default)
        => _pipeline.SendAsync(HttpMethod.Post, $"jobs/{id}/runs", CivisJsonContext.Default.JobRun, cancellationToken);

    /// <summary>The runs of a job, newest first (<c>GET /jobs/{id}/runs</c>).</summary>
    /// <param name="id">The job.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The runs.</returns>
    public virtual IAsyncEnumerable<JobRun> ListRunsAsync(int id, CancellationToken cancellationToken = default)
        => CivisPager.ListAsync(_pipeline, $"jobs/{id}/runs", null, 100, CivisJsonContext.Default.ListJobRun, cancellationToken);

    /// <summary>A run of a job (<c>GET /jobs/{id}/runs/{run_id}</c>).</summary>
    /// <param name="id">The job.</param>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The run.</returns>
    public virtual Task<JobRun> GetRunAsync(int id, int runId, CancellationToken cancellationToken = default)
        => _pipeline.GetAsync($"jobs/{id}/runs/{runId}", CivisJsonContext.Default.JobRun, cancellationToken);

    /// <summary>Asks the platform to cancel a run (<c>DELETE /jobs/{id}/runs/{run_id}</c>).</summary>
    /// <param name="id">The job.</param>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the platform accepted the request.</returns>
    public virtual Task CancelRunAsync(int id, int runId, CancellationToken cancellationToken = default)
        => _pipeline.SendAsync(HttpMethod.Delete, $"jobs/{id}/runs/{runId}", cancellationToken);

    /// <summary>Waits until a run of any job ends; see <see cref="ScriptsClient.WaitForContainerRunAsync"/>.</summary>
    /// <param name="id">The job.</param>
    /// <param name="runId">The run.</param>
    /// <param name="cancelRunOnCancellation">When the token is cancelled, also ask the platform to cancel the run.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The succeeded run.</returns>
    /// <exception cref="CivisRunFailedException">The run failed or was cancelled.</exception>
    public virtual Task<JobRun> WaitForRunAsync(int id, int runId, bool cancelRunOnCancellation = false, CancellationToken cancellationToken = default)
        => RunWaiter.WaitAsync(
            _pipeline, RunWaiter.ForRun("jobs", id, runId, CivisJsonContext.Default.JobRun, r => r.State, r => r.Error),
            cancelRunOnCancellation, cancellationToken);

    /// <summary>
    /// Reads a run's logs (<c>GET /jobs/{id}/runs/{run_id}/logs</c>) by <c>last_id</c>. With
    /// <paramref name="follow"/>, keeps reading while the platform says the run may still write
    /// (<c>Civis-Cache-Control: no-store</c>); entries that arrive late and out of order are
    /// picked up, and no entry is returned twice.
    /// </summary>
    /// <param name="id">The job.</param>
    /// <param name="runId">The run.</param>
    /// <param name="follow">Keep reading while the run may still write logs.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The log entries, each once, in id order within each read.</returns>
    public virtual IAsyncEnumerable<RunLogEntry> ReadLogsAsync(int id, int runId, bool follow = false, CancellationToken cancellationToken = default)
        => LogReader.ReadAsync(_pipeline, $"jobs/{id}/runs/{runId}/logs", follow, cancellationToken);

    /// <summary>The outputs of a run of any job (<c>GET /jobs/{id}/runs/{run_id}/outputs</c>).</summary>
    /// <param name="id">The job.</param>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The outputs.</returns>
    public virtual IAsyncEnumerable<RunOutput> ListRunOutputsAsync(int id, int runId, CancellationToken cancellationToken = default)
        => CivisPager.ListAsync(_pipeline, $"jobs/{id}/runs/{runId}/outputs", null, 50, CivisJsonContext.Default.ListRunOutput, cancellationToken);
}
