namespace Aqueduct.Civis.Manifest;

/// <summary>The image the script runs: <c>dockerImageName</c> and <c>dockerImageTag</c>.</summary>
/// <param name="Name">The image name, for example <c>lacity/bikeshare</c> or <c>registry.example.org/team/job</c>.</param>
/// <param name="Tag">The tag, for example <c>1.4.0</c>; <c>latest</c> when the manifest gives none.</param>
public sealed record CivisJobImage(string Name, string Tag);

/// <summary>The git repository the platform clones into <c>/app</c>: <c>repoHttpUri</c>, <c>repoRef</c>, <c>gitCredentialId</c>.</summary>
/// <param name="Url">The repository, for example <c>github.com/lacity/bikeshare.git</c>.</param>
/// <param name="Ref">The branch or tag, or <see langword="null"/> for the platform's default.</param>
/// <param name="Credential">The git credential, by name or id; <see langword="null"/> for the platform's default (the first one the user has).</param>
public sealed record CivisJobRepository(string Url, string? Ref, CivisManifestReference? Credential)
{
    /// <summary>The repository without any user-info (a token written into the URL never shows).</summary>
    /// <returns>For example <c>CivisJobRepository { Url = github.com/lacity/bikeshare.git, Ref = main }</c>.</returns>
    public override string ToString() => $"CivisJobRepository {{ Url = {WithoutUserInfo(Url)}, Ref = {Ref}, Credential = {Credential} }}";

    /// <summary>The URL with anything before an <c>@</c> in its authority dropped.</summary>
    internal static string WithoutUserInfo(string url)
    {
        var authorityStart = url.IndexOf("://", StringComparison.Ordinal) is var scheme and >= 0 ? scheme + 3 : 0;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart) is var end and >= 0 ? end : url.Length;
        var at = url.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart);
        return at < 0 ? url : url[..authorityStart] + url[(at + 1)..];
    }
}

/// <summary>The resources the container gets: <c>requiredResources</c>.</summary>
/// <param name="Cpu">CPU shares, 1000 a core, at least 2.</param>
/// <param name="Memory">Memory in MB, at least 4.</param>
/// <param name="DiskSpace">Disk space in GB (fractions allowed), or <see langword="null"/> for the platform's default.</param>
public sealed record CivisJobResources(int Cpu, int Memory, double? DiskSpace);

/// <summary>When the platform runs the script: <c>schedule</c> and the script's <c>timeZone</c>.</summary>
public sealed record CivisJobSchedule
{
    /// <summary>Whether the schedule is on (<c>scheduled</c>); <see langword="false"/> keeps it declared but paused.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Days of the week, 0 for Sunday to 6 for Saturday (<c>scheduledDays</c>).</summary>
    public IReadOnlyList<int> Days { get; init; } = [];

    /// <summary>Hours of the day, 0 to 23 (<c>scheduledHours</c>).</summary>
    public IReadOnlyList<int> Hours { get; init; } = [];

    /// <summary>Minutes of the hour, 0 to 59 (<c>scheduledMinutes</c>).</summary>
    public IReadOnlyList<int> Minutes { get; init; } = [];

    /// <summary>Runs per hour (<c>scheduledRunsPerHour</c>, deprecated by the platform in favour of minutes), or <see langword="null"/>.</summary>
    public int? RunsPerHour { get; init; }

    /// <summary>Days of the month, 1 to 31 (<c>scheduledDaysOfMonth</c>; not together with <see cref="Days"/>).</summary>
    public IReadOnlyList<int> DaysOfMonth { get; init; } = [];

    /// <summary>The script's time zone, for example <c>America/Los_Angeles</c> (<c>timeZone</c>), or <see langword="null"/>.</summary>
    public string? TimeZone { get; init; }
}

/// <summary>Who hears about runs: <c>notifications</c>.</summary>
public sealed record CivisJobNotifications
{
    /// <summary>Addresses e-mailed when a run fails (<c>failureEmailAddresses</c>; <c>failureOn</c> when not empty).</summary>
    public IReadOnlyList<string> FailureEmails { get; init; } = [];

    /// <summary>Addresses e-mailed when a run succeeds (<c>successEmailAddresses</c>; <c>successOn</c> when not empty).</summary>
    public IReadOnlyList<string> SuccessEmails { get; init; } = [];

    /// <summary>Minutes after which a running job sends a stall warning (<c>stallWarningMinutes</c>), or <see langword="null"/>.</summary>
    public int? StallWarningMinutes { get; init; }

    /// <summary>URLs that get a POST when a run ends (<c>urls</c>).</summary>
    public IReadOnlyList<string> Urls { get; init; } = [];
}

/// <summary>The permission a share gives: the platform's <c>permissionLevel</c>.</summary>
public enum CivisShareLevel
{
    /// <summary><c>read</c>.</summary>
    Read,

    /// <summary><c>write</c>.</summary>
    Write,

    /// <summary><c>manage</c>.</summary>
    Manage,
}

/// <summary>A user or a group the script is shared with.</summary>
/// <param name="Target">The user (<see cref="CivisReferenceKind.User"/>) or the group (<see cref="CivisReferenceKind.Group"/>), by name or id.</param>
/// <param name="Permission">The permission.</param>
public sealed record CivisJobShare(CivisManifestReference Target, CivisShareLevel Permission)
{
    /// <summary>The platform's name of the permission: <c>read</c>, <c>write</c> or <c>manage</c>.</summary>
    public string PermissionLevel => Permission switch
    {
        CivisShareLevel.Write => "write",
        CivisShareLevel.Manage => "manage",
        _ => "read",
    };
}
