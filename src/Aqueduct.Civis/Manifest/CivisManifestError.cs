namespace Aqueduct.Civis.Manifest;

/// <summary>One problem in a job manifest: where it is, the key at fault and what is wrong.</summary>
/// <param name="Location">Where the problem is.</param>
/// <param name="Key">The key at fault as a path from the top of the manifest, for example <c>resources.cpu</c> or <c>parameters[2].type</c>.</param>
/// <param name="Message">What is wrong, without the key or the location (they are added by <see cref="ToString"/>).</param>
public sealed record CivisManifestError(CivisManifestLocation Location, string Key, string Message)
{
    /// <summary>The problem as one line.</summary>
    /// <returns>For example <c>civis-job.yaml:12:5: resources.cpu: must be an integer number of CPU shares, got 'lots'.</c></returns>
    public override string ToString() => $"{Location}: {Key}: {Message}";
}
