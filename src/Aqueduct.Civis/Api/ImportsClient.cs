using Aqueduct.Civis.Api.Models;

namespace Aqueduct.Civis.Api;

/// <summary>CSV imports from platform files into tables (<c>/imports/files/csv</c>).</summary>
public partial class ImportsClient
{
    private readonly CivisPipeline _pipeline = null!;

    internal ImportsClient(CivisPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking only.</summary>
    protected ImportsClient()
    {
    }

    /// <summary>Creates a CSV import (<c>POST /imports/files/csv</c>).</summary>
    /// <param name="request">The source files, destination table and CSV settings.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The import.</returns>
    public virtual Task<CsvImport> CreateCsvAsync(CsvImportCreateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _pipeline.SendAsync(HttpMethod.Post, "imports/files/csv", request, CivisJsonContext.Default.CsvImportCreateRequest, CivisJsonContext.Default.CsvImport, cancellationToken);
    }

    /// <summary>Starts a run of a CSV import (<c>POST /imports/files/csv/{id}/runs</c>).</summary>
    /// <param name="id">The import.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new run.</returns>
    public virtual Task<CsvImportRun> StartCsvRunAsync(int id, CancellationToken cancellationToken = default)
        => _pipeline.SendAsync(HttpMethod.Post, $"imports/files/csv/{id}/runs", CivisJsonContext.Default.CsvImportRun, cancellationToken);

    /// <summary>A run of a CSV import (<c>GET /imports/files/csv/{id}/runs/{run_id}</c>).</summary>
    /// <param name="id">The import.</param>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The run.</returns>
    public virtual Task<CsvImportRun> GetCsvRunAsync(int id, int runId, CancellationToken cancellationToken = default)
        => _pipeline.GetAsync($"imports/files/csv/{id}/runs/{runId}", CivisJsonContext.Default.CsvImportRun, cancellationToken);

    /// <summary>Waits until a CSV import run ends; see <see cref="ScriptsClient.WaitForContainerRunAsync"/>.</summary>
    /// <param name="id">The import.</param>
    /// <param name="runId">The run.</param>
    /// <param name="cancelRunOnCancellation">When the token is cancelled, also ask the platform to cancel the run.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The succeeded run.</returns>
    /// <exception cref="CivisRunFailedException">The run failed or was cancelled.</exception>
    public virtual Task<CsvImportRun> WaitForCsvRunAsync(int id, int runId, bool cancelRunOnCancellation = false, CancellationToken cancellationToken = default)
        => RunWaiter.WaitAsync(
            _pipeline, RunWaiter.ForRun("imports/files/csv", id, runId, CivisJsonContext.Default.CsvImportRun, r => r.State, r => r.Error),
            cancelRunOnCancellation, cancellationToken);
}
