namespace Aqueduct.Civis.Manifest;

public sealed partial class CivisJobManifest
{
    /// <summary>
    /// The manifest shipped with the job: the file named by <c>CIVIS_JOB_MANIFEST</c> when it is set, otherwise
    /// <c>civis-job.yaml</c> in the job's folder (<see cref="AppContext.BaseDirectory"/>, where the job's project copies it).
    /// </summary>
    /// <param name="environment">The job's environment.</param>
    /// <returns>The manifest, or <see langword="null"/> when the job ships none.</returns>
    /// <exception cref="CivisEnvironmentException">
    /// <c>CIVIS_JOB_MANIFEST</c> names a file that does not exist, or the manifest is wrong (the message names the file,
    /// line and key of every problem).
    /// </exception>
    public static CivisJobManifest? FindShipped(CivisEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string path;
        if (environment.GetString(PathVariable) is { Length: > 0 } named)
        {
            path = named.Trim();
            if (!System.IO.File.Exists(path))
            {
                throw new CivisEnvironmentException(
                    $"Variable '{PathVariable}' names the job manifest {path}, which does not exist.", [PathVariable]);
            }
        }
        else
        {
            path = Path.Combine(AppContext.BaseDirectory, FileName);
            if (!System.IO.File.Exists(path))
            {
                return null;
            }
        }

        try
        {
            return Load(path);
        }
        catch (CivisJobManifestException exception)
        {
            // A configuration problem of the job: the host's exit code 78, with every problem named.
            throw new CivisEnvironmentException(exception.Message, []);
        }
    }

    /// <summary>
    /// The variables the job cannot start without: those of every required parameter that a job reading it needs
    /// (<see cref="CivisParameterVariable.IsNeeded"/>). In DEV a <c>database</c> parameter is not checked here: a
    /// local run uses <c>POSTGRES_URI</c> / <c>REDSHIFT_URI</c> or the local warehouse instead of its parts, and the
    /// warehouse factory names what it lacks when the job connects.
    /// </summary>
    /// <param name="isDev">Whether the run is a developer's (<see cref="CivisEnvironment.IsDev"/>).</param>
    /// <returns>The variables, each with a message naming its parameter and this manifest.</returns>
    public IReadOnlyList<RequiredVariable> GetRequiredVariables(bool isDev) =>
    [
        .. Parameters
            .Where(p => p.Required && !(isDev && p.Type == CivisParameterType.Database))
            .SelectMany(p => p.GetRequiredVariables(File)),
    ];
}
