namespace Aqueduct.Civis.Manifest.Internal;

/// <summary>What the job host takes from the manifest shipped with the job.</summary>
internal static class ManifestHost
{
    /// <summary>
    /// The variables to check before the job starts: the ones the job declares (with their messages) and those of the
    /// shipped manifest's required parameters, each once.
    /// </summary>
    /// <exception cref="CivisEnvironmentException">The shipped manifest is wrong or <c>CIVIS_JOB_MANIFEST</c> names no file.</exception>
    public static IReadOnlyList<RequiredVariable> RequiredVariables(CivisEnvironment environment, IEnumerable<RequiredVariable> declared)
    {
        var variables = declared.ToList();
        if (CivisJobManifest.FindShipped(environment) is not { } manifest)
        {
            return variables;
        }

        var names = new HashSet<string>(variables.Select(v => v.Name), StringComparer.OrdinalIgnoreCase);
        variables.AddRange(manifest.GetRequiredVariables(environment.IsDev).Where(v => names.Add(v.Name)));
        return variables;
    }
}
