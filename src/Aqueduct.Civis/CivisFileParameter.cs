namespace Aqueduct.Civis;

/// <summary>A file parameter: the Civis file id and, when the platform injected it, its download URL.</summary>
/// <param name="Id">The Civis file id (<c>NAME</c>).</param>
/// <param name="Url">The presigned download URL (<c>NAME_URL</c>), or <see langword="null"/>.</param>
public sealed record CivisFileParameter(long Id, Uri? Url)
{
    /// <summary>Describes the file without the URL's user-info or query, which hold the credentials and signature.</summary>
    /// <returns>For example <c>CivisFileParameter { Id = 42, Url = https://host/path?… }</c>.</returns>
    public override string ToString() => $"CivisFileParameter {{ Id = {Id}, Url = {Internal.SafeUrl.Show(Url)} }}";
}
