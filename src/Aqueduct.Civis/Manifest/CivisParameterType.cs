namespace Aqueduct.Civis.Manifest;

/// <summary>The types of a script parameter, exactly as the platform knows them (<see cref="CivisParameterTypes.ToPlatformName"/>).</summary>
#pragma warning disable CA1720 // the members are named after the platform's types (string, integer, float)
public enum CivisParameterType
{
    /// <summary><c>string</c>: variables <c>NAME</c> and <c>NAME_SHELL_ESCAPED</c>.</summary>
    String,

    /// <summary><c>multi_line_string</c>: variables <c>NAME</c> and <c>NAME_SHELL_ESCAPED</c>.</summary>
    MultiLineString,

    /// <summary><c>integer</c>: variable <c>NAME</c> (the number as text).</summary>
    Integer,

    /// <summary><c>float</c>: variable <c>NAME</c> (the number as text).</summary>
    Float,

    /// <summary><c>bool</c>: variable <c>NAME</c>, <c>true</c> or <c>false</c>.</summary>
    Bool,

    /// <summary><c>file</c>: variables <c>NAME</c> (the Civis file id) and <c>NAME_URL</c> (its download URL).</summary>
    File,

    /// <summary>
    /// <c>database</c> ("Database (2 dropdowns)"): variables <c>NAME_HOST</c>, <c>NAME_PORT</c>, <c>NAME_DATABASE</c>,
    /// <c>NAME_CREDENTIAL_USERNAME</c>, <c>NAME_CREDENTIAL_PASSWORD</c> (and <c>NAME_TYPE</c>).
    /// </summary>
    Database,

    /// <summary><c>credential_custom</c>: variables <c>NAME_USERNAME</c> and <c>NAME_PASSWORD</c>.</summary>
    CredentialCustom,

    /// <summary><c>credential_redshift</c>: variables <c>NAME_USERNAME</c> and <c>NAME_PASSWORD</c>.</summary>
    CredentialRedshift,

    /// <summary><c>credential_aws</c>: variables <c>NAME_ACCESS_KEY_ID</c> and <c>NAME_SECRET_ACCESS_KEY</c>.</summary>
    CredentialAws,
}
#pragma warning restore CA1720

/// <summary>The platform's names of <see cref="CivisParameterType"/>s.</summary>
public static class CivisParameterTypes
{
    private static readonly string[] Names =
    [
        "string", "multi_line_string", "integer", "float", "bool", "file", "database",
        "credential_custom", "credential_redshift", "credential_aws",
    ];

    /// <summary>Every type name the platform knows, in the order of <see cref="CivisParameterType"/>.</summary>
    public static IReadOnlyList<string> PlatformNames => Names;

    /// <summary>The platform's name of a type.</summary>
    /// <param name="type">The type.</param>
    /// <returns>For example <c>credential_custom</c>.</returns>
    public static string ToPlatformName(this CivisParameterType type) =>
        (int)type >= 0 && (int)type < Names.Length ? Names[(int)type] : throw new ArgumentOutOfRangeException(nameof(type), type, "Not a parameter type.");

    /// <summary>Reads a type from the platform's name (exactly as the platform writes it: lower case).</summary>
    /// <param name="name">The name, for example <c>integer</c>.</param>
    /// <param name="type">The type.</param>
    /// <returns>Whether the name is one the platform knows.</returns>
    public static bool TryParse(string? name, out CivisParameterType type)
    {
        var index = Array.IndexOf(Names, name);
        type = (CivisParameterType)Math.Max(index, 0);
        return index >= 0;
    }

    /// <summary>Whether the type's value is a credential (or a database with its credential): set by name, never a default.</summary>
    /// <param name="type">The type.</param>
    /// <returns><see langword="true"/> for <c>database</c> and the <c>credential_*</c> types.</returns>
    public static bool IsCredential(this CivisParameterType type) =>
        type is CivisParameterType.Database or CivisParameterType.CredentialCustom or CivisParameterType.CredentialRedshift or CivisParameterType.CredentialAws;
}
