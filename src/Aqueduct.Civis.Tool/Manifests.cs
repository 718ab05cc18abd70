namespace Aqueduct.Civis.Tool;

/// <summary>Loading the job manifest for a command.</summary>
internal static class Manifests
{
    /// <summary>A wrong or missing manifest: a configuration error (exit code 78), nothing sent.</summary>
    public static bool IsManifestError(Exception exception) => exception is CivisJobManifestException or ManifestNotFoundException;

    /// <summary>Loads and checks the manifest (<c>--manifest</c>, by default civis-job.yaml in the working directory).</summary>
    /// <exception cref="CivisJobManifestException">The manifest is wrong; the message names file, line and key.</exception>
    public static CivisJobManifest Load(ToolContext context, string? path)
    {
        var file = context.ResolvePath(path ?? CivisTool.DefaultManifest);
        if (!File.Exists(file))
        {
            throw new ManifestNotFoundException($"{file}: no job manifest here (give one with --manifest, or create {CivisJobManifest.FileName}; docs/deploy.md describes it).");
        }

        return CivisJobManifest.Load(file);
    }

    /// <summary>The manifest file does not exist.</summary>
    internal sealed class ManifestNotFoundException : Exception
    {
        public ManifestNotFoundException(string message)
            : base(message)
        {
        }

        public ManifestNotFoundException()
        {
        }

        public ManifestNotFoundException(string message, Exception innerException)
            : base(message, innerException)
        {
        }
    }
}
