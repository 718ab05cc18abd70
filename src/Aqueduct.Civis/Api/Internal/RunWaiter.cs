namespace Aqueduct.Civis.Api.Internal;

/// <summary>Polls a run until it ends, growing the wait ×<see cref="CivisClientOptions.PollBackoffFactor"/> up to the cap.</summary>
internal static class RunWaiter
{
    /// <summary>How many log lines a failure carries when the run gave no error.</summary>
    public const int LogTailLines = 20;

    public static async Task<TRun> WaitAsync<TRun>(
        CivisPipeline pipeline,
        JobsClient jobs,
        int jobId,
        int runId,
        Func<CancellationToken, Task<TRun>> getRun,
        Func<TRun, string?> getState,
        Func<TRun, string?> getError,
        Func<CancellationToken, Task>? cancelRun,
        bool cancelRunOnCancellation,
        CancellationToken cancellationToken)
    {
        var options = pipeline.Options;
        var delay = options.PollInterval;
        try
        {
            while (true)
            {
                var run = await getRun(cancellationToken).ConfigureAwait(false);
                var state = getState(run) ?? "unknown";
                switch (state.ToUpperInvariant())
                {
                    case "SUCCEEDED" or "SUCCESS":
                        return run;
                    case "FAILED" or "CANCELLED":
                        throw await CreateFailureAsync(jobs, jobId, runId, state, getError(run), cancellationToken).ConfigureAwait(false);
                }

                CivisLog.Polled(pipeline.Logger, jobId, runId, state, (long)delay.TotalMilliseconds);
                await Task.Delay(delay, pipeline.TimeProvider, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min((long)(delay.Ticks * options.PollBackoffFactor), options.PollMaxInterval.Ticks));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && cancelRunOnCancellation && cancelRun is not null)
        {
            // The caller gave up waiting and asked for the remote run to stop too: one best-effort
            // request with its own short deadline, since the caller's token is already cancelled.
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30), pipeline.TimeProvider);
            try
            {
                await cancelRun(cts.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is CivisApiException or OperationCanceledException)
            {
                CivisLog.CancelFailed(pipeline.Logger, e, jobId, runId);
            }

            throw;
        }
    }

    public static async Task<CivisRunFailedException> CreateFailureAsync(JobsClient jobs, int jobId, int runId, string state, string? error, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> tail = [];
        if (string.IsNullOrWhiteSpace(error) && !string.Equals(state, "cancelled", StringComparison.OrdinalIgnoreCase))
        {
            tail = await jobs.GetLogTailAsync(jobId, runId, LogTailLines, cancellationToken).ConfigureAwait(false);
        }

        var message = string.Equals(state, "cancelled", StringComparison.OrdinalIgnoreCase)
            ? $"Run {runId} of job {jobId} was cancelled."
            : !string.IsNullOrWhiteSpace(error)
                ? $"Run {runId} of job {jobId} failed: {error}"
                : tail.Count > 0
                    ? $"Run {runId} of job {jobId} failed without an error message; its last log lines:{Environment.NewLine}{string.Join(Environment.NewLine, tail)}"
                    : $"Run {runId} of job {jobId} failed without an error message or logs.";
        return new CivisRunFailedException(message, jobId, runId, state, error, tail);
    }
}
