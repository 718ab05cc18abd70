namespace Aqueduct.Civis;

/// <summary>A custom or Redshift credential parameter: <c>NAME_USERNAME</c> and <c>NAME_PASSWORD</c>.</summary>
/// <param name="Username">The username.</param>
/// <param name="Password">The password; never shown by <see cref="ToString"/>.</param>
public sealed record UsernamePasswordCredential(string Username, string Password)
{
    /// <summary>Describes the credential without its password.</summary>
    /// <returns>For example <c>UsernamePasswordCredential { Username = ita, Password = *** }</c>.</returns>
    public override string ToString() => $"UsernamePasswordCredential {{ Username = {Username}, Password = *** }}";
}
