using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aqueduct.Civis.Api;

/// <summary>
/// The outputs of the current run, in one call each: attach a JSON value or a file (civis-python's
/// <c>write_job_output</c>), and find a run's file output by name (<c>file_id_from_run_output</c>).
/// </summary>
/// <remarks>
/// The current run is the one <c>CIVIS_JOB_ID</c> and <c>CIVIS_RUN_ID</c> name. Off the platform (either is missing)
/// attaching is a no-op that logs one Information line, so a job runs the same locally; its inputs are still checked.
/// </remarks>
/// <example>
/// <code>
/// var outputs = new CivisRunOutputs(context.Client, context.Environment, context.LoggerFactory);
/// await outputs.AttachJsonAsync("summary", new JsonObject { ["rows"] = 1200 }, cancellationToken);
/// await outputs.AttachFileAsync("/tmp/report.csv", cancellationToken: cancellationToken);
/// </code>
/// </example>
public class CivisRunOutputs
{
    /// <summary>The largest JSON value the platform keeps, in UTF-8 bytes.</summary>
    public const int MaxJsonBytes = 1_000_000;

    private readonly CivisClient? _client;
    private readonly CivisEnvironment _environment = null!;
    private readonly ILogger _logger = NullLogger.Instance;

    /// <summary>Creates the outputs of the run an environment describes.</summary>
    /// <param name="client">The API client; may be <see langword="null"/> off the platform, where nothing is attached.</param>
    /// <param name="environment">The environment whose <c>CIVIS_JOB_ID</c> and <c>CIVIS_RUN_ID</c> name the current run.</param>
    /// <param name="loggerFactory">Where attachments and skipped attachments are logged (category <c>Aqueduct.Civis.RunOutputs</c>).</param>
    public CivisRunOutputs(CivisClient? client, CivisEnvironment environment, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        _client = client;
        _environment = environment;
        _logger = loggerFactory?.CreateLogger("Aqueduct.Civis.RunOutputs") ?? NullLogger.Instance;
    }

    /// <summary>For mocking only.</summary>
    protected CivisRunOutputs()
    {
    }

    /// <summary>Stores a JSON value and attaches it to the current run as an output (<c>POST /json_values</c>, then <c>POST .../outputs</c>).</summary>
    /// <param name="name">The output's name.</param>
    /// <param name="value">The value; <see langword="null"/> stores JSON <c>null</c>.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The output, or <see langword="null"/> off the platform.</returns>
    /// <exception cref="ArgumentException">The value is larger than <see cref="MaxJsonBytes"/>.</exception>
    /// <exception cref="CivisEnvironmentException">On the platform without an API client (no <c>CIVIS_API_KEY</c>).</exception>
    public virtual Task<RunOutput?> AttachJsonAsync(string name, JsonNode? value, CancellationToken cancellationToken = default)
        => AttachJsonTextAsync(name, value?.ToJsonString() ?? "null", cancellationToken);

    /// <summary>Serializes a value with source-generated metadata and attaches it to the current run; see <see cref="AttachJsonAsync(string, JsonNode?, CancellationToken)"/>.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="name">The output's name.</param>
    /// <param name="value">The value.</param>
    /// <param name="typeInfo">The value's JSON metadata, from a <c>JsonSerializerContext</c> (so the call stays trimming-safe).</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The output, or <see langword="null"/> off the platform.</returns>
    /// <exception cref="ArgumentException">The value is larger than <see cref="MaxJsonBytes"/>.</exception>
    /// <exception cref="CivisEnvironmentException">On the platform without an API client (no <c>CIVIS_API_KEY</c>).</exception>
    public virtual Task<RunOutput?> AttachJsonAsync<T>(string name, T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return AttachJsonTextAsync(name, JsonSerializer.Serialize(value, typeInfo), cancellationToken);
    }

    /// <summary>Attaches JSON text to the current run as a JSON value output; see <see cref="AttachJsonAsync(string, JsonNode?, CancellationToken)"/>.</summary>
    /// <param name="name">The output's name.</param>
    /// <param name="json">The value as JSON text.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The output, or <see langword="null"/> off the platform.</returns>
    /// <exception cref="ArgumentException">The text is not JSON, or is larger than <see cref="MaxJsonBytes"/>.</exception>
    /// <exception cref="CivisEnvironmentException">On the platform without an API client (no <c>CIVIS_API_KEY</c>).</exception>
    public virtual async Task<RunOutput?> AttachJsonTextAsync(string name, string json, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(json);
        var bytes = Encoding.UTF8.GetByteCount(json);
        if (bytes > MaxJsonBytes)
        {
            throw new ArgumentException($"The JSON value of output '{name}' is {bytes} bytes; the platform keeps at most {MaxJsonBytes}. Attach it as a file instead.", nameof(json));
        }

        try
        {
            using var document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            // The text itself stays out of the message: it is the job's data.
            throw new ArgumentException($"The value of output '{name}' is not valid JSON: {e.Message}", nameof(json), e);
        }

        if (CurrentRun("JSON value", name) is not (var jobId, var runId, var client))
        {
            return null;
        }

        var value = await client.JsonValues.CreateAsync(json, name, cancellationToken).ConfigureAwait(false);
        var valueId = value.Id ?? throw new InvalidOperationException($"The platform stored the JSON value of output '{name}' but gave no id.");
        var output = await client.Scripts.AddContainerRunOutputAsync(jobId, runId, "JSONValue", valueId, cancellationToken).ConfigureAwait(false);
        IoLog.OutputAttached(_logger, "JSON value", valueId, name, runId, jobId);
        return output;
    }

    /// <summary>Uploads a file and attaches it to the current run as an output.</summary>
    /// <param name="path">The file to upload.</param>
    /// <param name="name">The file's name on the platform; by default the file's own name.</param>
    /// <param name="expiresAt">When the platform may delete the file; <see langword="null"/> keeps the platform's default.</param>
    /// <param name="cancellationToken">Cancels the upload and the calls.</param>
    /// <returns>The output, or <see langword="null"/> off the platform.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist (checked off the platform too).</exception>
    /// <exception cref="CivisEnvironmentException">On the platform without an API client (no <c>CIVIS_API_KEY</c>).</exception>
    public virtual async Task<RunOutput?> AttachFileAsync(string path, string? name = null, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Cannot attach '{path}' as a run output: the file does not exist.", path);
        }

        name ??= Path.GetFileName(path);
        if (CurrentRun("file", name) is null)
        {
            return null;
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            return await AttachFileAsync(stream, name, expiresAt, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Uploads content as a file and attaches it to the current run as an output.</summary>
    /// <param name="content">The content, read from its current position.</param>
    /// <param name="name">The file's name on the platform.</param>
    /// <param name="expiresAt">When the platform may delete the file; <see langword="null"/> keeps the platform's default.</param>
    /// <param name="cancellationToken">Cancels the upload and the calls.</param>
    /// <returns>The output, or <see langword="null"/> off the platform.</returns>
    /// <exception cref="CivisEnvironmentException">On the platform without an API client (no <c>CIVIS_API_KEY</c>).</exception>
    public virtual async Task<RunOutput?> AttachFileAsync(Stream content, string name, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (CurrentRun("file", name) is not (var jobId, var runId, var client))
        {
            return null;
        }

        var fileId = await client.Files.UploadAsync(content, name, expiresAt, cancellationToken).ConfigureAwait(false);
        var output = await client.Scripts.AddContainerRunOutputAsync(jobId, runId, "File", fileId, cancellationToken).ConfigureAwait(false);
        IoLog.OutputAttached(_logger, "file", fileId, name, runId, jobId);
        return output;
    }

    /// <summary>
    /// Finds the file a run attached under a name (<c>GET /jobs/{id}/runs/{run_id}/outputs</c>), as civis-python's
    /// <c>file_id_from_run_output</c> does. Works for any job's run, not only the current one.
    /// </summary>
    /// <param name="jobId">The job (script, import...) the run belongs to.</param>
    /// <param name="runId">The run.</param>
    /// <param name="name">The output's name, compared exactly.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The file's id.</returns>
    /// <exception cref="InvalidOperationException">The run has no file output of that name, or several; the message names the run, the name and the file outputs it has.</exception>
    /// <exception cref="CivisEnvironmentException">There is no API client (no <c>CIVIS_API_KEY</c>).</exception>
    public virtual async Task<int> FindFileIdAsync(int jobId, int runId, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var client = RequireClient();
        var files = new List<RunOutput>();
        await foreach (var output in client.Jobs.ListRunOutputsAsync(jobId, runId, cancellationToken).ConfigureAwait(false))
        {
            if (string.Equals(output.ObjectType, "File", StringComparison.OrdinalIgnoreCase))
            {
                files.Add(output);
            }
        }

        var matches = files.Where(f => string.Equals(f.Name, name, StringComparison.Ordinal)).ToList();
        return matches.Count switch
        {
            1 when matches[0].ObjectId is { } id => id,
            0 or 1 => throw new InvalidOperationException(
                $"Run {runId} of job {jobId} has no file output named '{name}'; its file outputs are: " +
                (files.Count == 0 ? "(none)." : string.Join(", ", files.Select(f => $"'{f.Name}'")) + ".")),
            _ => throw new InvalidOperationException(
                $"Run {runId} of job {jobId} has {matches.Count} file outputs named '{name}' (files {string.Join(", ", matches.Select(f => f.ObjectId))}); " +
                "give each output its own name."),
        };
    }

    private (int JobId, int RunId, CivisClient Client)? CurrentRun(string kind, string name)
    {
        if (_environment.JobId is not { } jobId || _environment.RunId is not { } runId)
        {
            IoLog.OutputSkipped(_logger, kind, name);
            return null;
        }

        return (jobId, runId, RequireClient());
    }

    private CivisClient RequireClient() => _client ?? throw new CivisEnvironmentException(
        $"Run outputs are attached through the Civis API, which needs an API key: {PlatformVariables.ApiKey} is not set.", [PlatformVariables.ApiKey]);
}
