using System.Globalization;

namespace Aqueduct.Civis.Manifest;

/// <summary>What a manifest names on the platform, to be turned into an id at deploy time.</summary>
public enum CivisReferenceKind
{
    /// <summary>A database (<c>GET /databases</c>), the first half of a <c>database</c> parameter's value.</summary>
    Database,

    /// <summary>A credential (<c>GET /credentials</c>): a credential parameter's value, or the second half of a <c>database</c> parameter's.</summary>
    Credential,

    /// <summary>The git credential used to clone the repository (<c>gitCredentialId</c>).</summary>
    GitCredential,

    /// <summary>The parent job the script runs after (<c>parentId</c>).</summary>
    ParentJob,

    /// <summary>The project the script is added to (<c>PUT /scripts/containers/{id}/projects/{project_id}</c>).</summary>
    Project,

    /// <summary>A user the script is shared with (<c>PUT /scripts/containers/{id}/shares/users</c>).</summary>
    User,

    /// <summary>A group the script is shared with (<c>PUT /scripts/containers/{id}/shares/groups</c>).</summary>
    Group,
}

/// <summary>
/// Something on the platform a manifest refers to, by name (resolved to an id at deploy time) or by id, with the place
/// in the manifest that names it, so a name the platform does not know can be reported with the file, line and key.
/// </summary>
/// <param name="Kind">What it is.</param>
/// <param name="Name">The name, or <see langword="null"/> when the manifest gives an id.</param>
/// <param name="Id">The id, or <see langword="null"/> when the manifest gives a name.</param>
/// <param name="Key">The key that names it, for example <c>parameters[0].value.database</c>.</param>
/// <param name="Location">Where the value is in the manifest.</param>
public sealed record CivisManifestReference(CivisReferenceKind Kind, string? Name, int? Id, string Key, CivisManifestLocation Location)
{
    /// <summary>Whether the manifest gives a name that must be resolved (rather than an id).</summary>
    public bool IsName => Id is null;

    /// <summary>An error for this reference, with its location and key, for example when the platform does not know the name.</summary>
    /// <param name="message">What is wrong, for example <c>no database named 'X' on the platform</c>.</param>
    /// <returns>The error.</returns>
    public CivisManifestError ToError(string message) => new(Location, Key, message);

    /// <summary>Describes the reference.</summary>
    /// <returns>For example <c>database 'City of Los Angeles - Postgres' (civis-job.yaml:14:17, parameters[0].value.database)</c>.</returns>
    public override string ToString() =>
        $"{Describe(Kind)} {(Id is { } id ? id.ToString(CultureInfo.InvariantCulture) : $"'{Name}'")} ({Location}, {Key})";

    internal static string Describe(CivisReferenceKind kind) => kind switch
    {
        CivisReferenceKind.Database => "database",
        CivisReferenceKind.Credential => "credential",
        CivisReferenceKind.GitCredential => "git credential",
        CivisReferenceKind.ParentJob => "parent job",
        CivisReferenceKind.Project => "project",
        CivisReferenceKind.User => "user",
        CivisReferenceKind.Group => "group",
        _ => kind.ToString(),
    };
}
