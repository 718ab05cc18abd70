using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Aqueduct.Civis.Testing;

/// <summary>
/// Starting container runs as the platform does: a script has at most one run at a time (a second start while one is
/// queued or running answers 409 <c>already_running</c>), each run's outcome can be decided from the script's arguments,
/// and the fake records how many container runs were unfinished at once.
/// </summary>
public sealed partial class FakeCivisApi
{
    private int _maxConcurrentContainerRuns;

    [GeneratedRegex(@"^/scripts/containers/(?<id>\d+)/runs$")]
    private static partial Regex ContainerRunsShape();

    /// <summary>
    /// Decides how each new container run ends, from its script's id, name, arguments and how many runs the script has had;
    /// <see langword="null"/> (or a <see langword="null"/> answer) falls back to <see cref="SetRunOutcome"/> and <see cref="RunOutcome"/>.
    /// Called under the fake's lock: it may call the fake's own methods (such as <see cref="AttachJsonOutput"/>) but must not wait on requests.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Func<FakeContainerRunStart, FakeRunOutcome?>? ContainerRunOutcome { get; set; }

    /// <summary>The most container runs that were queued or running at the same time, over every script.</summary>
    public int MaxConcurrentContainerRuns
    {
        get
        {
            lock (_gate)
            {
                return _maxConcurrentContainerRuns;
            }
        }
    }

    /// <summary>Stores a JSON value and attaches it to a run as an output, as a job on the platform would.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="name">The value's name, which the output shows.</param>
    /// <param name="json">The value as JSON text.</param>
    /// <returns>The JSON value's id.</returns>
    public int AttachJsonOutput(int runId, string name, string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        lock (_gate)
        {
            var run = _runs[runId];
            var id = NextId();
            _jsonValues[id] = new JsonObject { ["id"] = id, ["name"] = name, ["value"] = JsonNode.Parse(json) };
            run.Outputs.Add(new JsonObject { ["objectType"] = "JSONValue", ["objectId"] = id });
            return id;
        }
    }

    /// <summary>Stores a file and attaches it to a run as an output, as a job on the platform would.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="name">The file's name, which the output shows.</param>
    /// <param name="content">The file's content.</param>
    /// <returns>The file's id.</returns>
    public int AttachFileOutput(int runId, string name, byte[] content)
    {
        lock (_gate)
        {
            var run = _runs[runId];
            var id = AddFile(content, name);
            run.Outputs.Add(new JsonObject { ["objectType"] = "File", ["objectId"] = id });
            return id;
        }
    }

    /// <summary>Starts a container run, or answers 409 while the script has one queued or running; null for any other request.</summary>
    private Answer? RouteContainerRuns(string method, string path)
    {
        if (method != "POST" || ContainerRunsShape().Match(path) is not { Success: true } m
            || !_resources.TryGetValue(int.Parse(m.Groups["id"].Value, CultureInfo.InvariantCulture), out var job) || job.Kind != ContainerKind)
        {
            return null;
        }

        var previous = _runs.Values.Where(r => r.Job == job).ToList();
        if (previous.Any(r => IsActive(r)))
        {
            return Answer.Error(409, "already_running", "The script is already running: a script has at most one run at a time.");
        }

        var run = NewRun(job, null);
        var runId = run.Node["id"]!.GetValue<int>();
        if (ContainerRunOutcome is { } decide)
        {
            var arguments = job.Node["arguments"] as JsonObject;
            var start = new FakeContainerRunStart(job.Node["id"]!.GetValue<int>(), runId, previous.Count + 1, job.Node["name"]?.GetValue<string>(), (JsonObject?)arguments?.DeepClone() ?? new JsonObject());
            if (decide(start) is { } outcome)
            {
                run = new Run(job, run.Node, outcome);
                _runs[runId] = run;
            }
        }

        var active = _runs.Values.Count(r => r.Job.Kind == ContainerKind && IsActive(r));
        _maxConcurrentContainerRuns = Math.Max(_maxConcurrentContainerRuns, active);
        return Answer.Json(202, run.Node.DeepClone());
    }

    private static bool IsActive(Run run) => run.Node["state"]?.GetValue<string>() is "queued" or "running";
}
