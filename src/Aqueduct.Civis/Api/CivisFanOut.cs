using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aqueduct.Civis.Api;

/// <summary>
/// Runs one container script many times in parallel on the platform, once per partition of the work (dates, files,
/// id ranges), as civis-python's <c>civis.parallel</c> does: the platform is the distributed engine.
/// </summary>
/// <remarks>
/// <para>
/// A script has at most one run at a time (a second start answers 409), so each child is a hidden copy of the script
/// with the partition's arguments, as civis-python makes its children. At most <see cref="FanOutOptions.MaxConcurrency"/>
/// children are queued or running at once; a failed run is started again up to <see cref="FanOutOptions.MaxAttempts"/>
/// runs in all; each succeeded child's run outputs are collected. When a child fails beyond its retries, or the
/// caller's token is cancelled, every child still running is cancelled on the platform and no new one starts.
/// </para>
/// <para>Each child's start and end is logged at Information; <see cref="FanOutOptions.Progress"/> receives the same updates.</para>
/// </remarks>
/// <example>
/// <code>
/// var fanOut = new CivisFanOut(client, loggerFactory);
/// var result = await fanOut.RunAsync(scriptId, dates, d => new JsonObject { ["date"] = d },
///     new FanOutOptions { MaxConcurrency = 4, MaxAttempts = 3 }, cancellationToken);
/// </code>
/// </example>
public class CivisFanOut
{
    private const int MaxPartitionText = 100;
    private readonly CivisClient _client = null!;
    private readonly ILogger _logger = NullLogger.Instance;

    /// <summary>Creates a fan-out on a client.</summary>
    /// <param name="client">The client the children are created, run, waited for and cancelled through.</param>
    /// <param name="loggerFactory">Where each child's start and end is logged (category <c>Aqueduct.Civis.FanOut</c>); <see langword="null"/> logs nothing.</param>
    public CivisFanOut(CivisClient client, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _logger = loggerFactory?.CreateLogger("Aqueduct.Civis.FanOut") ?? NullLogger.Instance;
    }

    /// <summary>For mocking only.</summary>
    protected CivisFanOut()
    {
    }

    /// <summary>
    /// Runs the container script once per partition and waits for every child. Every argument the partitions set
    /// must be a parameter of the script; the script's own arguments are kept unless a partition sets them.
    /// </summary>
    /// <typeparam name="TPartition">What a partition is: a date, a file id, an id range...</typeparam>
    /// <param name="scriptId">The container script to run; it is copied, never run itself.</param>
    /// <param name="partitions">The partitions, one child each.</param>
    /// <param name="arguments">A partition's arguments (parameter values), such as <c>p =&gt; new JsonObject { ["date"] = p }</c>.</param>
    /// <param name="options">Concurrency, attempts and progress; the defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the fan-out: every child still running is cancelled on the platform.</param>
    /// <returns>What became of each child, in the order of the partitions; every child succeeded.</returns>
    /// <exception cref="ArgumentException">A partition's arguments are null or set an argument the script has no parameter for.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="FanOutOptions.MaxConcurrency"/> or <see cref="FanOutOptions.MaxAttempts"/> is below 1.</exception>
    /// <exception cref="CivisFanOutException">A child failed beyond its retries; the others were cancelled.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the children still running were cancelled.</exception>
    public virtual async Task<FanOutResult> RunAsync<TPartition>(
        int scriptId,
        IEnumerable<TPartition> partitions,
        Func<TPartition, JsonObject> arguments,
        FanOutOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        ArgumentNullException.ThrowIfNull(arguments);
        options ??= new FanOutOptions();
        options.Validate();
        var items = partitions.ToList();
        var children = items.Select((p, i) => new FanOutChild(i, p)).ToArray();
        if (items.Count == 0)
        {
            return new FanOutResult(scriptId, children);
        }

        // Every child's arguments are worked out and checked before the first one starts: a mistake in the
        // mapping must not leave half the partitions running.
        var childArguments = new JsonObject[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            childArguments[i] = (JsonObject?)arguments(items[i])?.DeepClone()
                ?? throw new ArgumentException($"The arguments of partition {i} ({Show(items[i])}) are null.", nameof(arguments));
        }

        var template = await _client.Scripts.GetContainerAsync(scriptId, cancellationToken).ConfigureAwait(false);
        var parameters = (template.Params ?? []).Select(p => p.Name).OfType<string>().ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            foreach (var (key, _) in childArguments[i])
            {
                if (!parameters.Contains(key))
                {
                    throw new ArgumentException(
                        $"Partition {i} ({Show(items[i])}) sets argument '{key}', which is not a parameter of container script {scriptId}; " +
                        $"its parameters are: {(parameters.Count == 0 ? "(none)" : string.Join(", ", parameters.Order(StringComparer.Ordinal)))}.",
                        nameof(arguments));
                }
            }
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = new FanOutRun(this, scriptId, template, childArguments, children, options, stop, cancellationToken);
        var workers = new Task[Math.Min(options.MaxConcurrency, items.Count)];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(run.WorkAsync, CancellationToken.None);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        var result = new FanOutResult(scriptId, children);
        cancellationToken.ThrowIfCancellationRequested();
        var failed = children.Where(c => c.State == FanOutChildState.Failed).ToList();
        if (failed.Count > 0)
        {
            throw new CivisFanOutException(Describe(scriptId, children, failed), result);
        }

        return result;
    }

    /// <summary>A partition as logs and messages show it: its text, cut to 100 characters.</summary>
    internal static string Show(object? partition)
    {
        var text = partition switch
        {
            null => "null",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => partition.ToString() ?? "",
        };
        return text.Length <= MaxPartitionText ? text : string.Concat(text.AsSpan(0, MaxPartitionText), "…");
    }

    private static string Describe(int scriptId, FanOutChild[] children, List<FanOutChild> failed)
    {
        var first = failed[0];
        var cancelled = children.Count(c => c.State == FanOutChildState.Cancelled);
        var notStarted = children.Count(c => c.State == FanOutChildState.NotStarted);
        var others = failed.Count > 1 ? $" (and {failed.Count - 1} more: {string.Join(", ", failed.Skip(1).Take(10).Select(c => Show(c.Partition)))})" : "";
        return $"{failed.Count} of {children.Length} fan-out children of container script {scriptId} failed beyond their retries; " +
            $"{cancelled} were cancelled and {notStarted} never started. Partition {first.Index} ({Show(first.Partition)}) failed" +
            $"{(first.RunId is { } r ? $" in run {r} of script {first.ScriptId}" : "")} after {first.Attempts} attempt(s): {first.Error}{others}";
    }

    private static JsonElement MergeArguments(JsonElement? scriptArguments, JsonObject partitionArguments)
    {
        var merged = scriptArguments is { ValueKind: JsonValueKind.Object } own
            ? JsonNode.Parse(own.GetRawText())!.AsObject()
            : new JsonObject();
        foreach (var (key, value) in partitionArguments)
        {
            merged[key] = value?.DeepClone();
        }

        using var document = JsonDocument.Parse(merged.ToJsonString());
        return document.RootElement.Clone();
    }

    private static ContainerScriptCreateRequest ChildRequest(int scriptId, ContainerScript template, JsonObject arguments, int index, int total, FanOutOptions options) => new()
    {
        // The schedule and notifications stay with the original: a child must not run on its own or mail anyone.
        Name = $"{template.Name ?? $"Script {scriptId}"} (fan-out {index + 1} of {total})",
        UserContext = template.UserContext,
        Params = template.Params,
        Arguments = MergeArguments(template.Arguments, arguments),
        RequiredResources = template.RequiredResources,
        RepoHttpUri = template.RepoHttpUri,
        RepoRef = template.RepoRef,
        RemoteHostCredentialId = template.RemoteHostCredentialId,
        GitCredentialId = template.GitCredentialId,
        DockerCommand = template.DockerCommand,
        DockerImageName = template.DockerImageName,
        DockerImageTag = template.DockerImageTag,
        InstanceType = template.InstanceType,
        CancelTimeout = template.CancelTimeout,
        TimeZone = template.TimeZone,
        PartitionLabel = template.PartitionLabel,
        TargetProjectId = template.TargetProjectId,
        Hidden = options.HideChildren,
    };

    /// <summary>One fan-out in progress: the workers take the next partition until none is left or the fan-out stops.</summary>
    private sealed class FanOutRun(
        CivisFanOut owner,
        int scriptId,
        ContainerScript template,
        JsonObject[] arguments,
        FanOutChild[] children,
        FanOutOptions options,
        CancellationTokenSource stop,
        CancellationToken callerToken)
    {
        private int _next = -1;
        private int _finished;

        private ScriptsClient Scripts => owner._client.Scripts;

        private ILogger Logger => owner._logger;

        public async Task WorkAsync()
        {
            while (true)
            {
                var index = Interlocked.Increment(ref _next);
                if (index >= children.Length)
                {
                    return;
                }

                if (!stop.IsCancellationRequested)
                {
                    await RunChildAsync(children[index]).ConfigureAwait(false);
                }
            }
        }

        private async Task RunChildAsync(FanOutChild child)
        {
            var token = stop.Token;
            try
            {
                var created = await Scripts.CreateContainerAsync(ChildRequest(scriptId, template, arguments[child.Index], child.Index, children.Length, options), token).ConfigureAwait(false);
                child.ScriptId = created.Id ?? throw new InvalidOperationException($"The platform created the child script for partition {child.Index} but gave no id.");
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return; // never started
            }
            catch (Exception e)
            {
                Fail(child, $"The child script could not be created: {e.Message}");
                return;
            }

            var childScript = child.ScriptId.Value;
            for (var attempt = 1; ; attempt++)
            {
                if (attempt > 1 && token.IsCancellationRequested)
                {
                    Finish(child, FanOutChildState.Cancelled, CancelReason());
                    return;
                }

                child.Attempts = attempt;
                try
                {
                    // Not cancellable: a start the platform carried out but the client stopped waiting for would leave a
                    // run nobody cancels. Once it is known, the waiter below cancels it if the fan-out is stopping.
                    var started = await Scripts.StartContainerRunAsync(childScript, CancellationToken.None).ConfigureAwait(false);
                    child.RunId = started.Id ?? throw new InvalidOperationException($"The platform started a run of child script {childScript} but gave no run id.");
                }
                catch (Exception e)
                {
                    if (attempt < options.MaxAttempts && !token.IsCancellationRequested)
                    {
                        Retry(child, attempt, $"the run could not be started: {e.Message}");
                        continue;
                    }

                    Fail(child, $"The run could not be started: {e.Message}");
                    return;
                }

                var runId = child.RunId.Value;
                child.State = FanOutChildState.Running;
                IoLog.ChildStarted(Logger, child.Index + 1, children.Length, Show(child.Partition), runId, childScript, attempt, options.MaxAttempts);
                Report(child, Volatile.Read(ref _finished));
                try
                {
                    // The waiter asks the platform to cancel the run when the token is cancelled.
                    await Scripts.WaitForContainerRunAsync(childScript, runId, cancelRunOnCancellation: true, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    Finish(child, FanOutChildState.Cancelled, CancelReason());
                    return;
                }
                catch (Exception e)
                {
                    // Only a run that failed is started again. A run cancelled by someone else on the platform is a
                    // decision, not a glitch; and when the run could not be polled (the API kept failing), it may still
                    // be running, so a new run would only meet 409.
                    if (e is CivisRunFailedException { IsCancelled: false } && attempt < options.MaxAttempts)
                    {
                        Retry(child, attempt, e.Message);
                        continue;
                    }

                    Fail(child, e.Message);
                    return;
                }

                try
                {
                    var outputs = new List<RunOutput>();
                    await foreach (var output in Scripts.ListContainerRunOutputsAsync(childScript, runId, callerToken).ConfigureAwait(false))
                    {
                        outputs.Add(output);
                    }

                    child.Outputs = outputs;
                }
                catch (OperationCanceledException) when (callerToken.IsCancellationRequested)
                {
                    // The run succeeded; the caller gave up before its outputs were read.
                }
                catch (Exception e)
                {
                    Fail(child, $"Run {runId} succeeded but its outputs could not be read: {e.Message}");
                    return;
                }

                Finish(child, FanOutChildState.Succeeded, null);
                return;
            }
        }

        private string CancelReason() => callerToken.IsCancellationRequested
            ? "Cancelled on the platform because the fan-out was cancelled."
            : "Cancelled on the platform because another child failed beyond its retries.";

        private void Retry(FanOutChild child, int attempt, string error)
        {
            child.Error = error;
            IoLog.ChildRetrying(Logger, child.Index + 1, children.Length, Show(child.Partition), attempt, options.MaxAttempts, error);
            Report(child, Volatile.Read(ref _finished));
        }

        private void Fail(FanOutChild child, string error)
        {
            Finish(child, FanOutChildState.Failed, error);
            if (!stop.IsCancellationRequested)
            {
                IoLog.Stopping(Logger, scriptId, child.Index + 1, children.Length, Show(child.Partition));
                try
                {
                    stop.Cancel();
                }
                catch (AggregateException)
                {
                    // A callback on the token failed; the children it concerns are still cancelled.
                }
            }
        }

        private void Finish(FanOutChild child, FanOutChildState state, string? error)
        {
            child.State = state;
            child.Error = error;
            var finished = Interlocked.Increment(ref _finished);
            IoLog.ChildFinished(Logger, child.Index + 1, children.Length, Show(child.Partition), state, child.RunId, child.ScriptId, child.Attempts, finished);
            Report(child, finished);
        }

        private void Report(FanOutChild child, int finished) =>
            options.Progress?.Report(new FanOutProgress(child.Index, child.Partition, child.ScriptId, child.RunId, Math.Max(child.Attempts, 1), child.State, finished, children.Length));
    }
}
