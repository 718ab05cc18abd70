namespace Aqueduct.Civis;

/// <summary>
/// A database parameter's injected variables: <c>NAME_HOST</c>, <c>NAME_PORT</c>, <c>NAME_DATABASE</c>,
/// <c>NAME_CREDENTIAL_USERNAME</c>, <c>NAME_CREDENTIAL_PASSWORD</c> and <c>NAME_TYPE</c>, with the platform ids
/// <c>NAME_ID</c> and <c>NAME_CREDENTIAL_ID</c> when injected.
/// </summary>
/// <param name="Host">The host name.</param>
/// <param name="Port">The port, or <see langword="null"/> for the warehouse's default.</param>
/// <param name="Database">The database name.</param>
/// <param name="Username">The user name.</param>
/// <param name="Password">The password; never shown by <see cref="ToString"/>.</param>
/// <param name="Type">The adapter name the platform sends in <c>NAME_TYPE</c>, if any.</param>
public sealed record DatabaseCredential(string Host, int? Port, string Database, string Username, string Password, string? Type = null)
{
    /// <summary>The platform id of the database (<c>NAME_ID</c>), or <see langword="null"/> when the platform did not inject it.</summary>
    public int? DatabaseId { get; init; }

    /// <summary>The platform id of the database credential (<c>NAME_CREDENTIAL_ID</c>), or <see langword="null"/> when the platform did not inject it.</summary>
    public int? CredentialId { get; init; }

    /// <summary>Describes the credential without its password.</summary>
    /// <returns>For example <c>DatabaseCredential { Host = db, Port = 5432, Database = ita, Username = ita, Password = *** }</c>.</returns>
    public override string ToString() =>
        $"DatabaseCredential {{ Host = {Host}, Port = {Port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(default)"}, " +
        $"Database = {Database}, Username = {Username}, Password = ***{(Type is null ? "" : ", Type = " + Type)}" +
        $"{(DatabaseId is { } d ? ", DatabaseId = " + d.ToString(System.Globalization.CultureInfo.InvariantCulture) : "")}" +
        $"{(CredentialId is { } c ? ", CredentialId = " + c.ToString(System.Globalization.CultureInfo.InvariantCulture) : "")} }}";

    /// <summary>The variables of a database parameter, in the order host, port, database, username, password.</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The variable names.</returns>
    internal static string[] VariableNames(string name) =>
    [
        name + "_HOST", name + "_PORT", name + "_DATABASE", name + "_CREDENTIAL_USERNAME", name + "_CREDENTIAL_PASSWORD",
    ];
}
