namespace Aqueduct.Civis;

/// <summary>The variables the platform gives a Civis service.</summary>
/// <param name="Id">The service id (<c>CIVIS_SERVICE_ID</c>).</param>
/// <param name="Version">The service version (<c>CIVIS_SERVICE_VERSION</c>), if set.</param>
/// <param name="Port">The port to listen on (<c>CIVIS_SERVICE_PORT</c>, default 3838).</param>
/// <param name="AppDirectory">The application directory (<c>APP_DIR</c>), if set.</param>
/// <param name="RepositoryDirectory">The repository directory (<c>REPO_PATH_DIR</c>), if set.</param>
public sealed record CivisService(int Id, string? Version, int Port, string? AppDirectory, string? RepositoryDirectory);
