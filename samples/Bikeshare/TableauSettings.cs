namespace Bikeshare;

/// <summary>Where the Tableau view is and who signs in to read it.</summary>
/// <param name="Server">The Tableau Server or Tableau Cloud pod, such as <c>https://10ay.online.tableau.com/</c>.</param>
/// <param name="Site">The site's content URL (the part after <c>#/site/</c> in the browser; empty for the default site).</param>
/// <param name="View">The view's URL name (the last part of its URL).</param>
/// <param name="ApiVersion">The REST API version, such as <c>3.19</c>.</param>
/// <param name="Username">Who signs in.</param>
/// <param name="Password">Their password; never printed.</param>
public sealed record TableauSettings(Uri Server, string Site, string View, string ApiVersion, string Username, string Password)
{
    /// <inheritdoc/>
    public override string ToString() => $"Tableau {Server} site '{Site}' view '{View}' (API {ApiVersion}) as {Username}";
}
