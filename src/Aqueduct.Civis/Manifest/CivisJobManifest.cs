using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Aqueduct.Civis.Api.Models;

namespace Aqueduct.Civis.Manifest;

/// <summary>
/// A job manifest (<c>civis-job.yaml</c>): the container script declared once, in the job's repository. It drives the
/// deploy (<see cref="ToCreateRequest"/>, with names resolved to ids by the caller) and the job at run time (the
/// job host checks its required parameters before the job starts).
/// </summary>
/// <remarks>
/// Read it with <see cref="Load(string)"/> or <see cref="Parse(string, string)"/>: a wrong manifest (unknown key, bad
/// type, missing field) throws a <see cref="CivisJobManifestException"/> listing every problem with the file, the line
/// and the key. The keys are documented in <c>docs/deploy.md</c>.
/// </remarks>
public sealed partial class CivisJobManifest
{
    /// <summary>The manifest's conventional file name, next to the job's project and shipped with the published job.</summary>
    public const string FileName = "civis-job.yaml";

    /// <summary>
    /// The variable that points the job host at a manifest other than the one shipped with the job
    /// (<c>civis-job.yaml</c> in the job's folder).
    /// </summary>
    public const string PathVariable = "CIVIS_JOB_MANIFEST";

    /// <summary>
    /// The default <see cref="CancelTimeout"/>: 60 seconds between SIGTERM and SIGKILL. The platform's own default, 0,
    /// kills at once; the job host needs time to cancel the job, report it (it gives the platform up to 30 s to take the
    /// failure summary) and clean up.
    /// </summary>
    public const int DefaultCancelTimeout = 60;

    internal CivisJobManifest(string file) => File = file;

    /// <summary>The file the manifest was read from (as given), used in every message.</summary>
    public string File { get; }

    /// <summary>
    /// The script's id on the platform, written back by the first deploy (<see cref="SetId(string, int)"/>) and
    /// committed; <see langword="null"/> before the first deploy. The deploy finds the script by it.
    /// </summary>
    public int? Id { get; internal set; }

    /// <summary>Where <see cref="Id"/> is, or <see langword="null"/> when the manifest has none.</summary>
    public CivisManifestLocation? IdLocation { get; internal set; }

    /// <summary>The script's name on the platform (<c>name</c>).</summary>
    public string Name { get; internal set; } = "";

    /// <summary>Where <see cref="Name"/> is.</summary>
    public CivisManifestLocation NameLocation { get; internal set; }

    /// <summary>The image (<c>dockerImageName</c>, <c>dockerImageTag</c>).</summary>
    public CivisJobImage Image { get; internal set; } = new("", "latest");

    /// <summary>The repository the platform clones into <c>/app</c>, or <see langword="null"/> for none.</summary>
    public CivisJobRepository? Repository { get; internal set; }

    /// <summary>The command, run by the platform as <c>sh -c "&lt;command&gt;"</c> (<c>dockerCommand</c>).</summary>
    public string Command { get; internal set; } = "";

    /// <summary>The resources (<c>requiredResources</c>).</summary>
    public CivisJobResources Resources { get; internal set; } = new(0, 0, null);

    /// <summary>Seconds between SIGTERM and SIGKILL when a run is cancelled (<c>cancelTimeout</c>); default <see cref="DefaultCancelTimeout"/>.</summary>
    public int CancelTimeout { get; internal set; } = DefaultCancelTimeout;

    /// <summary>The parameters, in the manifest's order.</summary>
    public IReadOnlyList<CivisJobParameter> Parameters { get; internal set; } = [];

    /// <summary>The schedule, or <see langword="null"/> when the manifest has none (the script is then not scheduled).</summary>
    public CivisJobSchedule? Schedule { get; internal set; }

    /// <summary>The notifications, or <see langword="null"/> when the manifest has none (the platform's defaults apply).</summary>
    public CivisJobNotifications? Notifications { get; internal set; }

    /// <summary>The job this script runs after (<c>parentId</c>), by name or id, or <see langword="null"/>.</summary>
    public CivisManifestReference? Parent { get; internal set; }

    /// <summary>The project the script belongs to, by name or id, or <see langword="null"/>.</summary>
    public CivisManifestReference? Project { get; internal set; }

    /// <summary>The users and groups the script is shared with.</summary>
    public IReadOnlyList<CivisJobShare> Shares { get; internal set; } = [];

    /// <summary>
    /// Everything the manifest names on the platform (databases, credentials, the git credential, the parent job, the
    /// project, users and groups), in the file's order, each with its location: what a deploy resolves to ids before
    /// it sends anything.
    /// </summary>
    public IReadOnlyList<CivisManifestReference> References { get; internal set; } = [];

    /// <summary>Reads and checks a manifest file.</summary>
    /// <param name="path">The file, for example <c>civis-job.yaml</c>.</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="CivisJobManifestException">The manifest is wrong; the message names the file, line and key of every problem.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static CivisJobManifest Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!System.IO.File.Exists(path))
        {
            throw new FileNotFoundException($"The job manifest {path} does not exist.", path);
        }

        return Parse(System.IO.File.ReadAllText(path), path);
    }

    /// <summary>Reads and checks a manifest file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="CivisJobManifestException">The manifest is wrong; the message names the file, line and key of every problem.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static async Task<CivisJobManifest> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!System.IO.File.Exists(path))
        {
            throw new FileNotFoundException($"The job manifest {path} does not exist.", path);
        }

        return Parse(await System.IO.File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), path);
    }

    /// <summary>Reads and checks a manifest's text.</summary>
    /// <param name="text">The YAML text.</param>
    /// <param name="fileName">The file name to put in messages.</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="CivisJobManifestException">The manifest is wrong; the message names the file, line and key of every problem.</exception>
    public static CivisJobManifest Parse(string text, string fileName = FileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        return ManifestReader.Read(text, fileName);
    }

    /// <summary>Finds a parameter by name (any case: the platform upper-cases names for the variables).</summary>
    /// <param name="name">The parameter's name.</param>
    /// <returns>The parameter, or <see langword="null"/>.</returns>
    public CivisJobParameter? FindParameter(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Parameters.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The body of <c>POST /scripts/containers</c> for this manifest. Every name the manifest gives (see
    /// <see cref="References"/>) is turned into an id by <paramref name="resolve"/>; references given as ids are used as
    /// they are without calling it.
    /// </summary>
    /// <param name="resolve">Turns a reference by name into the platform's id (it may throw for a name the platform does not know).</param>
    /// <returns>The request.</returns>
    public ContainerScriptCreateRequest ToCreateRequest(Func<CivisManifestReference, int> resolve)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        return new ContainerScriptCreateRequest
        {
            Name = Name,
            ParentId = Parent is { } parent ? Resolve(parent, resolve) : null,
            Params = BuildParams(),
            Arguments = BuildArguments(resolve),
            Schedule = BuildSchedule(),
            Notifications = BuildNotifications(),
            RequiredResources = BuildResources(),
            RepoHttpUri = Repository?.Url,
            RepoRef = Repository?.Ref,
            GitCredentialId = Repository?.Credential is { } credential ? Resolve(credential, resolve) : null,
            DockerCommand = Command,
            DockerImageName = Image.Name,
            DockerImageTag = Image.Tag,
            CancelTimeout = CancelTimeout,
            TimeZone = Schedule?.TimeZone,
        };
    }

    /// <summary>
    /// The body of <c>PUT /scripts/containers/{id}</c> for this manifest: the same fields as <see cref="ToCreateRequest"/>.
    /// </summary>
    /// <param name="resolve">Turns a reference by name into the platform's id.</param>
    /// <returns>The request.</returns>
    public ContainerScriptUpdateRequest ToUpdateRequest(Func<CivisManifestReference, int> resolve)
    {
        var create = ToCreateRequest(resolve);
        return new ContainerScriptUpdateRequest
        {
            Name = create.Name,
            ParentId = create.ParentId,
            Params = create.Params,
            Arguments = create.Arguments,
            Schedule = create.Schedule,
            Notifications = create.Notifications,
            RequiredResources = create.RequiredResources,
            RepoHttpUri = create.RepoHttpUri,
            RepoRef = create.RepoRef,
            GitCredentialId = create.GitCredentialId,
            DockerCommand = create.DockerCommand,
            DockerImageName = create.DockerImageName,
            DockerImageTag = create.DockerImageTag,
            CancelTimeout = create.CancelTimeout,
            TimeZone = create.TimeZone,
        };
    }

    /// <summary>
    /// The script's <c>arguments</c>: each parameter the manifest gives a value, as the platform takes it (a number for
    /// <c>integer</c>, <c>float</c> and <c>file</c>, <c>true</c>/<c>false</c> for <c>bool</c>, a credential id for the
    /// <c>credential_*</c> types, <c>{"database": id, "credential": id}</c> for <c>database</c>).
    /// </summary>
    /// <param name="resolve">Turns a reference by name into the platform's id.</param>
    /// <returns>A JSON object (empty when no parameter has a value).</returns>
    public JsonElement BuildArguments(Func<CivisManifestReference, int> resolve)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        return Json(writer =>
        {
            writer.WriteStartObject();
            foreach (var parameter in Parameters.Where(p => p.HasValue))
            {
                switch (parameter.Type)
                {
                    case CivisParameterType.Database:
                        writer.WriteStartObject(parameter.Name);
                        writer.WriteNumber("database", Resolve(parameter.Database!, resolve));
                        if (parameter.Credential is { } credential)
                        {
                            writer.WriteNumber("credential", Resolve(credential, resolve));
                        }

                        writer.WriteEndObject();
                        break;
                    case CivisParameterType.CredentialCustom or CivisParameterType.CredentialRedshift or CivisParameterType.CredentialAws:
                        writer.WriteNumber(parameter.Name, Resolve(parameter.Credential!, resolve));
                        break;
                    case CivisParameterType.Integer or CivisParameterType.File:
                        writer.WriteNumber(parameter.Name, long.Parse(parameter.Value!, CultureInfo.InvariantCulture));
                        break;
                    case CivisParameterType.Float:
                        writer.WriteNumber(parameter.Name, double.Parse(parameter.Value!, CultureInfo.InvariantCulture));
                        break;
                    case CivisParameterType.Bool:
                        writer.WriteBoolean(parameter.Name, parameter.Value == "true");
                        break;
                    default:
                        writer.WriteString(parameter.Name, parameter.Value);
                        break;
                }
            }

            writer.WriteEndObject();
        });
    }

    /// <summary>
    /// Whether a script on the platform is this manifest's job when the manifest has no <see cref="Id"/> yet: the
    /// fallback key of a deploy is the script's exact <c>name</c> and its <c>dockerImageName</c> (the "marker": a script
    /// of the same name running another image is another job). A deploy that finds more than one such script stops and
    /// asks for <c>id:</c>.
    /// </summary>
    /// <param name="script">A container script, as <c>GET /scripts/containers/{id}</c> returns it.</param>
    /// <returns><see langword="true"/> when the name and the image name are this manifest's and the script is not archived.</returns>
    public bool IsSameJob(ContainerScript script)
    {
        ArgumentNullException.ThrowIfNull(script);
        return string.Equals(script.Name, Name, StringComparison.Ordinal)
            && string.Equals(script.DockerImageName, Image.Name, StringComparison.Ordinal)
            && !(script.Archived is { } archived
                && (archived.ValueKind == JsonValueKind.True || (archived.ValueKind == JsonValueKind.String && archived.GetString() == "true")));
    }

    /// <summary>
    /// Sets (or replaces) the <c>id:</c> line of a manifest's text, leaving every other line as it is: what a deploy does
    /// after creating the script, so the author can commit the id.
    /// </summary>
    /// <param name="text">The manifest's text.</param>
    /// <param name="id">The script's id.</param>
    /// <returns>The new text.</returns>
    public static string SetId(string text, int id)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(id);
        var newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var idLine = "id: " + id.ToString(CultureInfo.InvariantCulture) + "  # the script's id on the platform, written by deploy";
        var existing = lines.FindIndex(l => l.StartsWith("id:", StringComparison.Ordinal));
        if (existing >= 0)
        {
            lines[existing] = idLine;
        }
        else
        {
            // After the leading comments, before the first key.
            var first = lines.FindIndex(l => l.Length > 0 && !l.StartsWith('#') && l != "---");
            lines.Insert(first < 0 ? lines.Count : first, idLine);
        }

        return string.Join(newline, lines);
    }

    /// <summary>Sets (or replaces) the <c>id:</c> line of a manifest file (see <see cref="SetId(string, int)"/>).</summary>
    /// <param name="path">The manifest file.</param>
    /// <param name="id">The script's id.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the file is written.</returns>
    public static async Task SetIdAsync(string path, int id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var text = await System.IO.File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        await System.IO.File.WriteAllTextAsync(path, SetId(text, id), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Describes the manifest.</summary>
    /// <returns>For example <c>civis-job.yaml: Bikeshare trips (3 parameters)</c>.</returns>
    public override string ToString() => $"{File}: {Name} ({Parameters.Count} parameter{(Parameters.Count == 1 ? "" : "s")})";

    private static int Resolve(CivisManifestReference reference, Func<CivisManifestReference, int> resolve) =>
        reference.Id ?? resolve(reference);

    private List<ScriptParam> BuildParams() => [.. Parameters.Select(p => new ScriptParam
    {
        Name = p.Name,
        Type = p.Type.ToPlatformName(),
        Label = p.Label,
        Description = p.Description,
        Required = p.Required,
        Default = p.Default is { } d ? Json(w => w.WriteStringValue(d)) : null,
        AllowedValues = p.AllowedValues.Count == 0 ? null : [.. p.AllowedValues.Select(a => Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("label", a.Label);
            w.WriteString("value", a.Value);
            w.WriteEndObject();
        }))],
    })];

    private JobSchedule BuildSchedule() => Schedule is not { } s
        ? new JobSchedule { Scheduled = false }
        : new JobSchedule
        {
            Scheduled = s.Enabled,
            ScheduledDays = [.. s.Days],
            ScheduledHours = [.. s.Hours],
            ScheduledMinutes = [.. s.Minutes],
            ScheduledRunsPerHour = s.RunsPerHour,
            ScheduledDaysOfMonth = [.. s.DaysOfMonth],
        };

    private JobNotifications? BuildNotifications() => Notifications is not { } n
        ? null
        : new JobNotifications
        {
            FailureEmailAddresses = [.. n.FailureEmails],
            FailureOn = n.FailureEmails.Count > 0,
            SuccessEmailAddresses = [.. n.SuccessEmails],
            SuccessOn = n.SuccessEmails.Count > 0,
            StallWarningMinutes = n.StallWarningMinutes,
            Urls = [.. n.Urls],
        };

    private RequiredResources BuildResources() => new()
    {
        Cpu = Resources.Cpu,
        Memory = Resources.Memory,
        DiskSpace = Resources.DiskSpace,
    };

    private static JsonElement Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
