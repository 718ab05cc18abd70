using Aqueduct.Civis.Tests.Templates;

namespace Aqueduct.Civis.Tests.Manifest;

/// <summary>A job made from the civis-job template carries its manifest, ships it when published, and the host checks it.</summary>
public sealed class TemplateManifestTests : IAsyncLifetime
{
    private const string JobName = "Contoso.Trips";
    private static readonly Dictionary<string, string?> NoVariables = [];
    private readonly string root = Directory.CreateTempSubdirectory("aqueduct-manifest-template-").FullName;

    private string JobDirectory => Path.Combine(root, "job");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var hive = Path.Combine(root, "hive");
        await RunAsync(root, "new", "install", Path.Combine(DotnetCli.RepositoryRoot, "templates", "civis-job"), "--debug:custom-hive", hive);
        await RunAsync(root, "new", "civis-job", "--name", JobName, "--output", JobDirectory,
            "--aqueduct-path", DotnetCli.RepositoryRoot, "--debug:custom-hive", hive);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(root, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task NewJob_Published_ShipsItsManifestAndTheHostChecksItsRequiredParameters()
    {
        var manifest = CivisJobManifest.Load(Path.Combine(JobDirectory, CivisJobManifest.FileName));
        Assert.Equal(JobName, manifest.Name);
        Assert.Equal($"dotnet /opt/job/{JobName}.dll", manifest.Command);
        Assert.Equal(manifest.CreateEnvExample(), await File.ReadAllTextAsync(Path.Combine(JobDirectory, ".env.example"), Cancel));

        var publish = Path.Combine(root, "publish");
        await RunAsync(JobDirectory, "publish", Path.Combine("src", JobName), "--configuration", "Release", "--output", publish);
        Assert.True(File.Exists(Path.Combine(publish, CivisJobManifest.FileName)), "the published job ships its manifest");
        Assert.False(File.Exists(Path.Combine(JobDirectory, "tests", JobName + ".Tests", "bin", "Debug", "net10.0", CivisJobManifest.FileName)));

        var (exitCode, output) = await DotnetCli.RunAsync(publish, NoVariables, Cancel, Path.Combine(publish, JobName + ".dll"));

        Assert.Equal(CivisJobExitCodes.ConfigurationError, exitCode);
        Assert.Contains("SOURCE_USERNAME: Missing source username", output, StringComparison.Ordinal); // the job's own message wins
        Assert.Contains("POSTGRES_HOST: the host of database parameter POSTGRES (Postgres warehouse), required by", output, StringComparison.Ordinal);
        Assert.Contains("POSTGRES_CREDENTIAL_PASSWORD", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dockerfile_Template_KeepsTheJobOutsideAppAndRunsAsANonRootUser()
    {
        // Read from the template itself: a job made with --aqueduct-path (project references) has no Dockerfile.
        const string JobName = "MyJob";
        var template = Path.Combine(DotnetCli.RepositoryRoot, "templates", "civis-job");
        var dockerfile = await File.ReadAllTextAsync(Path.Combine(template, "Dockerfile"), Cancel);
        var compose = await File.ReadAllTextAsync(Path.Combine(template, "docker-compose.yml"), Cancel);

        Assert.Contains($"COPY --from=build /out /opt/job", dockerfile, StringComparison.Ordinal);
        Assert.Contains($"CMD [\"dotnet\", \"/opt/job/{JobName}.dll\"]", dockerfile, StringComparison.Ordinal);
        Assert.Contains("USER $APP_UID", dockerfile, StringComparison.Ordinal);
        Assert.Contains($"RUN dotnet restore src/{JobName}/{JobName}.csproj", dockerfile, StringComparison.Ordinal);
        Assert.True(
            dockerfile.IndexOf("RUN dotnet restore", StringComparison.Ordinal) < dockerfile.IndexOf("COPY . .", StringComparison.Ordinal),
            "the restore layer comes before the sources are copied");
        Assert.Contains("FROM ${DOTNET_REGISTRY:?}/dotnet/sdk:", dockerfile, StringComparison.Ordinal);
        // Compose does not demand the registry for the database-only services: only the job's build needs it.
        Assert.DoesNotContain("DOTNET_REGISTRY:?", compose, StringComparison.Ordinal);
    }

    private static async Task RunAsync(string workingDirectory, params string[] arguments)
    {
        var (exitCode, output) = await DotnetCli.RunAsync(workingDirectory, NoVariables, Cancel, arguments);
        Assert.True(exitCode == 0, $"exit code {exitCode}\n{output}");
    }
}
