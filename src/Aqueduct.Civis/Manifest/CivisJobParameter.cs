namespace Aqueduct.Civis.Manifest;

/// <summary>One of the allowed values of an enumerable parameter: <c>{label, value}</c> as the platform takes it.</summary>
/// <param name="Label">What the web UI shows.</param>
/// <param name="Value">The value the job gets.</param>
public sealed record CivisAllowedValue(string Label, string Value);

/// <summary>
/// A parameter of the script, declared once in the manifest: what the platform shows and injects, and the value the
/// deploy sets (a database and a credential by name, resolved to ids at deploy time).
/// </summary>
public sealed class CivisJobParameter
{
    internal CivisJobParameter(
        string name,
        CivisParameterType type,
        CivisManifestLocation location,
        int index)
    {
        Name = name;
        Type = type;
        Location = location;
        Index = index;
        EnvironmentVariables = VariablesOf(name, type);
    }

    /// <summary>The parameter's name as the platform takes it, for example <c>POSTGRES</c> or <c>batch_size</c>.</summary>
    public string Name { get; }

    /// <summary>The type.</summary>
    public CivisParameterType Type { get; }

    /// <summary>The label the web UI shows, or <see langword="null"/>.</summary>
    public string? Label { get; internal set; }

    /// <summary>A short description for the web UI, or <see langword="null"/>.</summary>
    public string? Description { get; internal set; }

    /// <summary>Whether the script cannot run without it (and the job host checks its variables before the job starts).</summary>
    public bool Required { get; internal set; }

    /// <summary>The default value as text (<c>true</c>/<c>false</c> for a bool, invariant numbers), or <see langword="null"/>.</summary>
    public string? Default { get; internal set; }

    /// <summary>The allowed values; empty when any value is allowed.</summary>
    public IReadOnlyList<CivisAllowedValue> AllowedValues { get; internal set; } = [];

    /// <summary>
    /// The value the deploy sets as the script's argument for a <c>string</c>, <c>multi_line_string</c>, <c>integer</c>,
    /// <c>float</c>, <c>bool</c> or <c>file</c> (file id) parameter, as text; <see langword="null"/> when the manifest
    /// sets none (or for the other types: see <see cref="Database"/> and <see cref="Credential"/>).
    /// </summary>
    public string? Value { get; internal set; }

    /// <summary>The database a <c>database</c> parameter is set to, by name or id; <see langword="null"/> when not set.</summary>
    public CivisManifestReference? Database { get; internal set; }

    /// <summary>
    /// The credential a <c>credential_*</c> parameter is set to, or the credential of a <c>database</c> parameter's value
    /// (<see langword="null"/> there means the platform user's default database credential, which the deploy looks up).
    /// </summary>
    public CivisManifestReference? Credential { get; internal set; }

    /// <summary>Where the parameter is declared.</summary>
    public CivisManifestLocation Location { get; }

    /// <summary>Whether the manifest sets a value (an argument of the script).</summary>
    public bool HasValue => Value is not null || Database is not null || Credential is not null;

    /// <summary>
    /// The variables the platform injects into a run for this parameter, named as the platform names them (the
    /// parameter's name upper-cased): for example <c>POSTGRES_HOST</c>, <c>POSTGRES_PORT</c>, <c>POSTGRES_DATABASE</c>,
    /// <c>POSTGRES_CREDENTIAL_USERNAME</c>, <c>POSTGRES_CREDENTIAL_PASSWORD</c> for a <c>database</c> parameter named
    /// <c>POSTGRES</c>.
    /// </summary>
    public IReadOnlyList<CivisParameterVariable> EnvironmentVariables { get; }

    /// <summary>The key of the parameter in the manifest, for example <c>parameters[2]</c>.</summary>
    public string Key => $"parameters[{Index}]";

    internal int Index { get; }

    /// <summary>The variables the platform injects for a parameter of the given name and type.</summary>
    /// <param name="name">The parameter's name.</param>
    /// <param name="type">Its type.</param>
    /// <returns>The variables, named as the platform names them.</returns>
    public static IReadOnlyList<CivisParameterVariable> VariablesOf(string name, CivisParameterType type)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var n = name.ToUpperInvariant();
        var what = $"{type.ToPlatformName()} parameter {n}";
        return type switch
        {
            CivisParameterType.String or CivisParameterType.MultiLineString =>
            [
                new(n, $"the value of {what}", false, true),
                new(n + "_SHELL_ESCAPED", $"the value of {what}, quoted for sh", false, false),
            ],
            CivisParameterType.Integer or CivisParameterType.Float or CivisParameterType.Bool =>
            [
                new(n, $"the value of {what}", false, true),
            ],
            CivisParameterType.File =>
            [
                new(n, $"the Civis file id of {what}", false, true),
                new(n + "_URL", $"the download URL of {what}", false, false),
            ],
            CivisParameterType.Database =>
            [
                new(n + "_HOST", $"the host of {what}", false, true),
                new(n + "_PORT", $"the port of {what}", false, false),
                new(n + "_DATABASE", $"the database name of {what}", false, true),
                new(n + "_CREDENTIAL_USERNAME", $"the user name of {what}", false, true),
                new(n + "_CREDENTIAL_PASSWORD", $"the password of {what}", true, true),
            ],
            CivisParameterType.CredentialCustom or CivisParameterType.CredentialRedshift =>
            [
                new(n + "_USERNAME", $"the user name of {what}", false, true),
                new(n + "_PASSWORD", $"the password of {what}", true, true),
            ],
            CivisParameterType.CredentialAws =>
            [
                new(n + "_ACCESS_KEY_ID", $"the access key id of {what}", false, true),
                new(n + "_SECRET_ACCESS_KEY", $"the secret access key of {what}", true, true),
            ],
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a parameter type."),
        };
    }

    /// <summary>The variables a job reading this parameter needs (<see cref="CivisParameterVariable.IsNeeded"/>), as required variables.</summary>
    /// <param name="file">The manifest's file, named in the messages.</param>
    /// <returns>The variables with their messages.</returns>
    internal IEnumerable<RequiredVariable> GetRequiredVariables(string file) => EnvironmentVariables
        .Where(v => v.IsNeeded)
        .Select(v => new RequiredVariable(v.Name, $"{v.Description}{(Label is { Length: > 0 } label ? $" ({label})" : "")}, required by {file}"));

    /// <summary>Describes the parameter (never a credential's secret: the manifest holds none).</summary>
    /// <returns>For example <c>POSTGRES (database, required)</c>.</returns>
    public override string ToString() => $"{Name} ({Type.ToPlatformName()}{(Required ? ", required" : "")})";
}
