using Aqueduct.Civis.Api.Models;

namespace Aqueduct.Civis.Api;

/// <summary>Container and SQL scripts and their runs (<c>/scripts</c>).</summary>
public partial class ScriptsClient
{
    private readonly CivisPipeline _pipeline = null!;

    internal ScriptsClient(CivisPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking only.</summary>
    protected ScriptsClient()
    {
    }

    // ---- Container scripts ----

    /// <summary>Creates a container script (<c>POST /scripts/containers</c>).</summary>
    /// <param name="request">The script; <c>RequiredResources</c> is required.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The script.</returns>
    public virtual Task<ContainerScript> CreateContainerAsync(ContainerScriptCreateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _pipeline.SendAsync(HttpMethod.Post, "scripts/containers", request, CivisJsonContext.Default.ContainerScriptCreateRequest, CivisJsonContext.Default.ContainerScript, cancellationToken);
    }

    /// <summary>A container script (<c>GET /scripts/containers/{id}</c>).</summary>
    /// <param name="id">The script.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The script.</returns>
    public virtual Task<ContainerScript> GetContainerAsync(int id, CancellationToken cancellationToken = default)
        => _pipeline.GetAsync($"scripts/containers/{id}", CivisJsonContext.Default.ContainerScript, cancellationToken);

    /// <summary>
    /// Changes the given fields of a container script (<c>PATCH /scripts/containers/{id}</c>). Setting
    /// fields to values is safe to repeat, so this PATCH is retried like a PUT.
    /// </summary>
    /// <param name="id">The script.</param>
    /// <param name="request">The fields to change; <see langword="null"/> fields are left as they are.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The script.</returns>
    public virtual Task<ContainerScript> UpdateContainerAsync(int id, ContainerScriptPatchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _pipeline.SendAsync(HttpMethod.Patch, $"scripts/containers/{id}", request, CivisJsonContext.Default.ContainerScriptPatchRequest, CivisJsonContext.Default.ContainerScript, cancellationToken, idempotent: true);
    }

    /// <summary>Replaces a container script (<c>PUT /scripts/containers/{id}</c>).</summary>
    /// <param name="id">The script.</param>
    /// <param name="request">The whole script.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The script.</returns>
    public virtual Task<ContainerScript> ReplaceContainerAsync(int id, ContainerScriptUpdateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _pipeline.SendAsync(HttpMethod.Put, $"scripts/containers/{id}", request, CivisJsonContext.Default.ContainerScriptUpdateRequest, CivisJsonContext.Default.ContainerScript, cancellationToken);
    }

    /// <summary>The user's container scripts (<c>GET /scripts?type=containers</c>).</summary>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The scripts, in summary form.</returns>
    public virtual IAsyncEnumerable<ScriptSummary> ListContainersAsync(CancellationToken cancellationToken = default)
        => CivisPager.ListAsync(_pipeline, "scripts", "type=containers", 50, CivisJsonContext.Default.ListScriptSummary, cancellationToken);

    /// <summary>Starts a run of a container script (<c>POST /scripts/containers/{id}/runs</c>).</summary>
    /// <param name="id">The script.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new run, usually <c>queued</c>.</returns>
    public virtual Task<ContainerRun> StartContainerRunAsync(int id, CancellationToken cancellationToken = default)
        => _pipeline.SendAsync(HttpMethod.Post, $"scripts/containers/{id}/runs", CivisJsonContext.Default.ContainerRun, cancellationToken);

    /// <summary>A run of a container script (<c>GET /scripts/containers/{id}/runs/{run_id}</c>).</summary>
    /// <param name="id">The script.</param>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The run.</returns>
    public virtual Task<ContainerRun> GetContainerRunAsync(int id, int runId, CancellationToken cancellationToken = default)
        => _pipeline.GetAsync($"scripts/containers/{id}/runs/{runId}", CivisJsonContext.Default.ContainerRun, cancellationToken);

    /// <summary>The runs of a container script, newest first (<c>GET /scripts/containers/{id}/runs</c>).</summary>
    /// <param name="id">The script.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The runs.</returns>
    public virtual IAsyncEnumerable<ContainerRun> ListContainerRunsAsync(int id, CancellationToken cancellationToken = default)
        => CivisPager.ListAsync(_pipeline, $"scripts/containers/{id}/runs", null, 100, CivisJsonContext.Default.ListContainerRun, cancellationToken);

    /// <summary>Asks the platform to cancel a run (<c>DELETE /scripts/containers/{id}/runs/{run_id}</c>).</summary>
    /// <param name="id">The script.</param>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the platform accepted the request.</returns>
    public virtual Task CancelContainerRunAsync(int id, int runId, CancellationToken cancellationToken = default)
        => _pipeline.SendAsync(HttpMethod.Delete, $"scripts/containers/{id}/runs/{runId}", cancellationToken);

    /// <summary>
    /// Waits until a container run ends, polling as <see cref="CivisClientOptions.Polling"/> says
    /// (from <see cref="CivisPollingOptions.Interval"/> up to <see cref="CivisPollingOptions.MaxInterval"/>).
    /// </summary>
    /// <param name="id">The script.</param>
    /// <param name="runId">The run.</param>
    /// <param name="cancelRunOnCancellation">When the token is cancelled, also ask the platform to cancel the run.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The succeeded run.</returns>
    /// <exception cref="CivisRunFailedException">The run failed or was cancelled.</exception>
    public virtual Task<ContainerRun> WaitForContainerRunAsync(int id, int runId, bool cancelRunOnCancellation = false, CancellationToken cancellationToken = default)
        => RunWaiter.WaitAsync(
            _pipeline, RunWaiter.ForRun("scripts/containers", id, runId, CivisJsonContext.Default.ContainerRun, r => r.State, r => r.Error),
            cancelRunOnCancellation, cancellationToken);

    /// <summary>Reads a container run's logs; see <see cref="JobsClient.ReadLogsAsync"/>.</summary>
    /// <param name="id">The script.</param>
    /// <param name="runId">The run.</param>
    /// <param name="follow">Keep reading while the run may still write logs.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The log entries, each once, in id order within each read.</returns>
    public virtual IAsyncEnumerable<RunLogEntry> ReadContainerRunLogsAsync(int id, int runId, bool follow = false, CancellationToken cancellationToken = default)
        => LogReader.ReadAsync(_pipeline, $"scripts/containers/{id}/runs/{runId}/logs", follow, cancellationToken);

    /// <summary>Writes log lines to a container run (<c>POST /scripts/containers/{id}/runs/{run_id}/logs</c>).</summary>
    /// <param name="id">The script.</param>
    /// <param name="runId">The run.</param>
    /// <param name="request">The message or messages.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the platform accepted the lines.</returns>
    public virtual async Task AddContainerRunLogsAsync(int id, int runId, RunLogCreateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var response = await _pipeline.SendAsync(
            _pipeline.Request(HttpMethod.Post, $"scripts/containers/{id}/runs/{runId}/logs", CivisPipeline.JsonBody(request, CivisJsonContext.Default.RunLogCreateRequest)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The outputs of a container run (<c>GET /scripts/containers/{id}/runs/{run_id}/outputs</c>).</summary>
    /// <param name="id">The script.</param>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The outputs.</returns>
    public virtual IAsyncEnumerable<RunOutput> ListContainerRunOutputsAsync(int id, int runId, CancellationToken cancellationToken = default)
        => CivisPager.ListAsync(_pipeline, $"scripts/containers/{id}/runs/{runId}/outputs", null, 50, CivisJsonContext.Default.ListRunOutput, cancellationToken);

    /// <summary>
    /// Attaches an object (a file, table, JSON value...) to a container run as an output
    /// (<c>POST /scripts/containers/{id}/runs/{run_id}/outputs</c>). Attaching the same object twice
    /// has no further effect, so the call is retried like a PUT.
    /// </summary>
    /// <param name="id">The script.</param>
    /// <param name="runId">The run.</param>
    /// <param name="objectType">One of <c>File</c>, <c>Table</c>, <c>Report</c>, <c>Project</c>, <c>Credential</c>, <c>JSONValue</c>.</param>
    /// <param name="objectId">The object's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The output.</returns>
    public virtual Task<RunOutput> AddContainerRunOutputAsync(int id, int runId, string objectType, int objectId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectType);
        return _pipeline.SendAsync(
            HttpMethod.Post, $"scripts/containers/{id}/runs/{runId}/outputs",
            new RunOutputCreateRequest { ObjectType = objectType, ObjectId = objectId },
            CivisJsonContext.Default.RunOutputCreateRequest, CivisJsonContext.Default.RunOutput, cancellationToken, idempotent: true);
    }

    // ---- SQL scripts ----

    /// <summary>Creates a SQL script (<c>POST /scripts/sql</c>), for example a SQL to CSV export with <c>CsvSettings</c>.</summary>
    /// <param name="request">The script.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The script.</returns>
    public virtual Task<SqlScript> CreateSqlAsync(SqlScriptCreateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _pipeline.SendAsync(HttpMethod.Post, "scripts/sql", request, CivisJsonContext.Default.SqlScriptCreateRequest, CivisJsonContext.Default.SqlScript, cancellationToken);
    }

    /// <summary>Starts a run of a SQL script (<c>POST /scripts/sql/{id}/runs</c>).</summary>
    /// <param name="id">The script.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new run.</returns>
    public virtual Task<SqlRun> StartSqlRunAsync(int id, CancellationToken cancellationToken = default)
        => _pipeline.SendAsync(HttpMethod.Post, $"scripts/sql/{id}/runs", CivisJsonContext.Default.SqlRun, cancellationToken);

    /// <summary>A run of a SQL script with its outputs (<c>GET /scripts/sql/{id}/runs/{run_id}</c>).</summary>
    /// <param name="id">The script.</param>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The run; <c>Output[0].Path</c> is the export's presigned URL once it succeeded.</returns>
    public virtual Task<SqlRun> GetSqlRunAsync(int id, int runId, CancellationToken cancellationToken = default)
        => _pipeline.GetAsync($"scripts/sql/{id}/runs/{runId}", CivisJsonContext.Default.SqlRun, cancellationToken);

    /// <summary>Waits until a SQL run ends; see <see cref="WaitForContainerRunAsync"/>.</summary>
    /// <param name="id">The script.</param>
    /// <param name="runId">The run.</param>
    /// <param name="cancelRunOnCancellation">When the token is cancelled, also ask the platform to cancel the run.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The succeeded run with its outputs.</returns>
    /// <exception cref="CivisRunFailedException">The run failed or was cancelled.</exception>
    public virtual Task<SqlRun> WaitForSqlRunAsync(int id, int runId, bool cancelRunOnCancellation = false, CancellationToken cancellationToken = default)
        => RunWaiter.WaitAsync(
            _pipeline, RunWaiter.ForRun("scripts/sql", id, runId, CivisJsonContext.Default.SqlRun, r => r.State, r => r.Error),
            cancelRunOnCancellation, cancellationToken);
}
