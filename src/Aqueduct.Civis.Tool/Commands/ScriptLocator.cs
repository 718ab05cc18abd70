using System.CommandLine;

namespace Aqueduct.Civis.Tool.Commands;

/// <summary>Finds the deployed container script of the manifest (or the one <c>--script</c> names).</summary>
internal static class ScriptLocator
{
    public static Option<int?> CreateOption() => new("--script") { Description = "The container script's id (default: the manifest's script)." };

    public static async Task<(int Id, string Name)> LocateAsync(CivisTool tool, ParseResult parseResult, Option<int?> scriptOption, CancellationToken cancellationToken)
    {
        var client = tool.Context.Client;
        if (parseResult.GetValue(scriptOption) is { } id)
        {
            var script = await client.Scripts.GetContainerAsync(id, cancellationToken).ConfigureAwait(false);
            return (id, script.Name ?? "");
        }

        var manifest = Manifests.Load(tool.Context, parseResult.GetValue(tool.ManifestOption));
        var found = await Deploy.ScriptFinder.FindAsync(client, manifest, cancellationToken).ConfigureAwait(false)
            ?? throw new ToolException($"The job '{manifest.Name}' of {manifest.File} is not deployed yet: run dotnet civis deploy first.");
        return (found.Id, manifest.Name);
    }
}
