namespace Aqueduct.Civis.Tool;

/// <summary>Loading the job manifest (placeholder until the manifest model lands).</summary>
internal static class Manifests
{
    public static bool IsManifestError(Exception exception) => false;

    public static LoadedManifest Load(ToolContext context, string? path)
        => throw ToolException.Configuration($"{context.ResolvePath(path ?? CivisTool.DefaultManifest)}: manifests are not supported yet.");
}

internal sealed record LoadedManifest(string FileName, string Name, int? Id);
