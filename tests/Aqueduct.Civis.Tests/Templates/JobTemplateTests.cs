using Aqueduct.Civis.Testing;
using Aqueduct.Civis.Tests.Infrastructure;

namespace Aqueduct.Civis.Tests.Templates;

/// <summary>
/// The civis-job template, as a job author uses it: installed into a private template hive, a job created from it (with
/// project references to this repository's src), built, its tests run, and its Release build published and started.
/// </summary>
public sealed class JobTemplateTests(PostgresServerFixture serverFixture) : IAsyncLifetime
{
    private const string JobName = "Contoso.Trips";
    private static readonly Dictionary<string, string?> NoVariables = [];
    private readonly string root = Directory.CreateTempSubdirectory("aqueduct-template-").FullName;

    private string JobDirectory => Path.Combine(root, "job");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var hive = Path.Combine(root, "hive");
        var template = Path.Combine(DotnetCli.RepositoryRoot, "templates", "civis-job");
        await RunAsync(root, NoVariables, "new", "install", template, "--debug:custom-hive", hive);
        await RunAsync(root, NoVariables, "new", "civis-job", "--name", JobName, "--output", JobDirectory,
            "--aqueduct-path", DotnetCli.RepositoryRoot, "--debug:custom-hive", hive);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(root, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task NewJob_DotnetTest_BuildsAndItsTestsPass()
    {
        // The job's tests put their local warehouse on this run's server instead of starting another one.
        var server = await serverFixture.GetServerAsync();

        var output = await RunAsync(JobDirectory, new Dictionary<string, string?>
        {
            [PostgresServerEnvironment.UriVariable] = server.ConnectionString,
            [PostgresServerEnvironment.SourceVariable] = null,
        }, "test");

        Assert.Contains("succeeded: 2", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewJob_PublishedReleaseBuild_StartsWithoutTheLocalWarehouseAndReportsMissingVariables()
    {
        var publish = Path.Combine(root, "publish");
        await RunAsync(JobDirectory, NoVariables, "publish", Path.Combine("src", JobName), "--configuration", "Release", "--output", publish);

        var (exitCode, output) = await DotnetCli.RunAsync(publish, new Dictionary<string, string?>(), Cancel, Path.Combine(publish, JobName + ".dll"));

        Assert.Equal(CivisJobExitCodes.ConfigurationError, exitCode);
        Assert.Contains("SOURCE_USERNAME: Missing source username", output, StringComparison.Ordinal);
        Assert.Contains("SOURCE_PASSWORD: Missing source password", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(publish, "Aqueduct.Civis.Testing.dll")), "the Release build leaves the local warehouse out");
        Assert.True(File.Exists(Path.Combine(publish, "Aqueduct.Civis.dll")));
    }

    [Fact]
    public async Task NewJob_PackageReferencesToALocalFeed_BuildsWithTheDockerFiles()
    {
        // A version of its own, so no earlier package in the machine's NuGet cache is picked up; removed from it after.
        var version = "0.1.0-templatetest." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        var packages = Path.Combine(root, "packages");
        var job = Path.Combine(root, "package-job");
        try
        {
            foreach (var project in new[] { "Aqueduct.Civis", "Aqueduct.Civis.Testing" })
            {
                await RunAsync(root, NoVariables, "pack", Path.Combine(DotnetCli.RepositoryRoot, "src", project),
                    "--output", packages, "-p:VersionSuffix=" + version["0.1.0-".Length..]);
            }

            await RunAsync(root, NoVariables, "new", "civis-job", "--name", JobName, "--output", job,
                "--aqueduct-version", version, "--package-source", packages, "--debug:custom-hive", Path.Combine(root, "hive"));
            await RunAsync(job, NoVariables, "build");

            Assert.Contains(packages, await File.ReadAllTextAsync(Path.Combine(job, "nuget.config"), Cancel), StringComparison.Ordinal);
            Assert.Contains($"dotnet/runtime:", await File.ReadAllTextAsync(Path.Combine(job, "Dockerfile"), Cancel), StringComparison.Ordinal);
            Assert.Contains($"{JobName}.dll", await File.ReadAllTextAsync(Path.Combine(job, "Dockerfile"), Cancel), StringComparison.Ordinal);
            Assert.Contains("${SOURCE_USERNAME:?Missing source username}", await File.ReadAllTextAsync(Path.Combine(job, "docker-compose.yml"), Cancel), StringComparison.Ordinal);
        }
        finally
        {
            var cache = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            foreach (var id in new[] { "aqueduct.civis", "aqueduct.civis.testing" })
            {
                var folder = Path.Combine(cache, id, version);
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }

                if (Directory.Exists(Path.Combine(cache, id)) && !Directory.EnumerateFileSystemEntries(Path.Combine(cache, id)).Any())
                {
                    Directory.Delete(Path.Combine(cache, id));
                }
            }
        }
    }

    private static async Task<string> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?> variables, params string[] arguments)
    {
        var (exitCode, output) = await DotnetCli.RunAsync(workingDirectory, variables, Cancel, arguments);
        Assert.True(exitCode == 0, $"exit code {exitCode}\n{output}");
        return output;
    }
}
