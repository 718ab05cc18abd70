namespace Aqueduct.Civis.Tool.Deploy;

internal static class ScriptFinder
{
    public static Task<(int Id, string Name)?> FindAsync(CivisClient client, LoadedManifest manifest, CancellationToken cancellationToken)
        => Task.FromResult<(int, string)?>(manifest.Id is { } id ? (id, manifest.Name) : null);
}
