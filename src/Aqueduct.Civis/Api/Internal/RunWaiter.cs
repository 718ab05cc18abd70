using System.Text.Json.Serialization.Metadata;

namespace Aqueduct.Civis.Api.Internal;

/// <summary>
/// What the one run waiter needs to know of a kind of run (container, SQL script, import, any job, query): where to
/// poll it, how to read its state and error, and where its logs and its cancel request go, which may depend on the
/// latest poll (a query learns its run id from it).
/// </summary>
internal sealed record RunTarget<TRun>(
    int JobId,
    string PollPath,
    JsonTypeInfo<TRun> TypeInfo,
    Func<TRun, string?> State,
    Func<TRun, string?> Error,
    Func<TRun?, int?> RunId,
    Func<TRun?, string?> CancelPath,
    Func<TRun, string?> LogsPath,
    Func<TRun?, string> Describe);

/// <summary>
/// Polls any run until it ends, growing the wait by <see cref="CivisPollingOptions.BackoffFactor"/> up to
/// <see cref="CivisPollingOptions.MaxInterval"/>. Works on the pipeline alone; honours the token at every call and
/// wait, and on cancellation can ask the platform to cancel the remote run.
/// </summary>
internal static class RunWaiter
{
    /// <summary>How many log lines a failure carries when the run gave no error.</summary>
    public const int LogTailLines = 20;

    public static async Task<TRun> WaitAsync<TRun>(CivisPipeline pipeline, RunTarget<TRun> target, bool cancelRunOnCancellation, CancellationToken cancellationToken)
        where TRun : class
    {
        var polling = pipeline.Options.Polling;
        var delay = polling.Interval;
        TRun? run = null;
        try
        {
            while (true)
            {
                run = await pipeline.GetAsync(target.PollPath, target.TypeInfo, cancellationToken).ConfigureAwait(false);
                var state = target.State(run) ?? "unknown";
                switch (state.ToUpperInvariant())
                {
                    case "SUCCEEDED" or "SUCCESS":
                        return run;
                    case "FAILED" or "CANCELLED":
                        throw await CreateFailureAsync(pipeline, target, run, state, cancellationToken).ConfigureAwait(false);
                }

                CivisLog.Polled(pipeline.Logger, target.JobId, target.RunId(run) ?? 0, state, (long)delay.TotalMilliseconds);
                await Task.Delay(delay, pipeline.TimeProvider, cancellationToken).ConfigureAwait(false);
                delay = polling.Next(delay);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && cancelRunOnCancellation && target.CancelPath(run) is { } cancelPath)
        {
            // The caller gave up waiting and asked for the remote run to stop too: one best-effort
            // request with its own short deadline, since the caller's token is already cancelled.
            using var cts = new CancellationTokenSource(CivisDefaults.CancelRunTimeout, pipeline.TimeProvider);
            try
            {
                await pipeline.SendAsync(HttpMethod.Delete, cancelPath, cts.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is CivisApiException or OperationCanceledException)
            {
                CivisLog.CancelFailed(pipeline.Logger, e, target.JobId, target.RunId(run) ?? 0);
            }

            throw;
        }
    }

    private static async Task<CivisRunFailedException> CreateFailureAsync<TRun>(CivisPipeline pipeline, RunTarget<TRun> target, TRun run, string state, CancellationToken cancellationToken)
    {
        var error = target.Error(run);
        var cancelled = string.Equals(state, "cancelled", StringComparison.OrdinalIgnoreCase);
        IReadOnlyList<string> tail = [];
        if (string.IsNullOrWhiteSpace(error) && !cancelled && target.LogsPath(run) is { } logsPath)
        {
            tail = await ReadLogTailAsync(pipeline, logsPath, LogTailLines, cancellationToken).ConfigureAwait(false);
        }

        var what = target.Describe(run);
        var message = cancelled
            ? $"{what} was cancelled."
            : !string.IsNullOrWhiteSpace(error)
                ? $"{what} failed: {error}"
                : tail.Count > 0
                    ? $"{what} failed without an error message; its last log lines:{Environment.NewLine}{string.Join(Environment.NewLine, tail)}"
                    : $"{what} failed without an error message or logs.";
        return new CivisRunFailedException(message, target.JobId, target.RunId(run) ?? 0, state, error, tail);
    }

    /// <summary>The last lines of a run's log, oldest first; logs that cannot be read only lose detail.</summary>
    private static async Task<IReadOnlyList<string>> ReadLogTailAsync(CivisPipeline pipeline, string logsPath, int lines, CancellationToken cancellationToken)
    {
        var tail = new Queue<string>(lines);
        try
        {
            await foreach (var entry in LogReader.ReadAsync(pipeline, logsPath, false, cancellationToken).ConfigureAwait(false))
            {
                if (tail.Count == lines)
                {
                    tail.Dequeue();
                }

                tail.Enqueue(entry.Message ?? "");
            }
        }
        catch (CivisApiException)
        {
            // The failure is what the caller needs.
        }

        return [.. tail];
    }

    /// <summary>The target for a run whose job and run ids are known up front (scripts, imports, any job).</summary>
    public static RunTarget<TRun> ForRun<TRun>(string jobPath, int jobId, int runId, JsonTypeInfo<TRun> typeInfo, Func<TRun, string?> state, Func<TRun, string?> error)
        => new(
            jobId,
            $"{jobPath}/{jobId}/runs/{runId}",
            typeInfo,
            state,
            error,
            _ => runId,
            _ => $"{jobPath}/{jobId}/runs/{runId}",
            _ => $"jobs/{jobId}/runs/{runId}/logs",
            _ => $"Run {runId} of job {jobId}");
}
