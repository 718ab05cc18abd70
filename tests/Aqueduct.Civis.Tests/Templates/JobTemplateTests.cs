using System.Globalization;
using Aqueduct.Civis.Testing;
using Aqueduct.Civis.Tests.Infrastructure;

namespace Aqueduct.Civis.Tests.Templates;

/// <summary>
/// The civis-job template, as a job author uses it: installed into a private template hive, a job created from it in
/// each mode (project references to this repository's src, outside and inside the clone; packages from the job's own
/// local feed outside it), built, run in DEV on the local warehouse, and its tests run; all as real processes.
/// </summary>
[Trait("Category", "Slow")]
public sealed class JobTemplateTests(PostgresServerFixture serverFixture) : IAsyncLifetime
{
    private const string JobName = "Contoso.Trips";
    private static readonly Dictionary<string, string?> NoVariables = [];
    private readonly string root = Directory.CreateTempSubdirectory("aqueduct-template-").FullName;

    private string Hive => Path.Combine(root, "hive");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var template = Path.Combine(DotnetCli.RepositoryRoot, "templates", "civis-job");
        await RunAsync(root, NoVariables, "new", "install", template, "--debug:custom-hive", Hive);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(root, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task NewJob_ProjectReferencesOutsideTheClone_BuildsRunsInDevAndItsTestsPass()
    {
        var job = Path.Combine(root, "job");
        await RunAsync(root, NoVariables, "new", "civis-job", "--name", JobName, "--output", job,
            "--aqueduct-path", DotnetCli.RepositoryRoot, "--debug:custom-hive", Hive);

        await BuildRunAndTestAsync(job);
        Assert.False(File.Exists(Path.Combine(job, "nuget.config")), "project references need no package feed");
        Assert.False(File.Exists(Path.Combine(job, "Dockerfile")), "the image cannot see the clone, so no Dockerfile");
        var compose = await File.ReadAllTextAsync(Path.Combine(job, "docker-compose.yml"), Cancel);
        Assert.DoesNotContain("build:", compose, StringComparison.Ordinal);
        Assert.DoesNotContain(":?", compose, StringComparison.Ordinal);
        var readme = await File.ReadAllTextAsync(Path.Combine(job, "README.md"), Cancel);
        Assert.Contains(DotnetCli.RepositoryRoot, readme, StringComparison.Ordinal);
        Assert.Contains($"dotnet run --project src/{JobName}", readme, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewJob_ProjectReferencesInsideTheClone_IsNotSteeredByTheRepositorysBuildSettings()
    {
        // The README's own command, run in the clone: the repository's central package management, analyzers and
        // editorconfig must not apply to the job (NU1008 before).
        var job = Path.Combine(DotnetCli.RepositoryRoot, "artifacts", "template-tests", Path.GetRandomFileName().Replace(".", "", StringComparison.Ordinal), JobName);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(job)!);
            await RunAsync(Path.GetDirectoryName(job)!, NoVariables, "new", "civis-job", "-n", JobName,
                "--aqueduct-path", DotnetCli.RepositoryRoot, "--debug:custom-hive", Hive);

            await BuildRunAndTestAsync(job);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(job)!, recursive: true);
        }
    }

    [Fact]
    public async Task NewJob_PublishedReleaseBuild_StartsWithoutTheLocalWarehouseAndReportsMissingVariables()
    {
        var job = Path.Combine(root, "job");
        await RunAsync(root, NoVariables, "new", "civis-job", "--name", JobName, "--output", job,
            "--aqueduct-path", DotnetCli.RepositoryRoot, "--debug:custom-hive", Hive);
        var publish = Path.Combine(root, "publish");
        await RunAsync(job, NoVariables, "publish", Path.Combine("src", JobName), "--configuration", "Release", "--output", publish);

        var (exitCode, output) = await DotnetCli.RunAsync(publish, new Dictionary<string, string?>(), Cancel, Path.Combine(publish, JobName + ".dll"));

        Assert.Equal(CivisJobExitCodes.ConfigurationError, exitCode);
        Assert.Contains("SOURCE_USERNAME: Missing source username", output, StringComparison.Ordinal);
        Assert.Contains("SOURCE_PASSWORD: Missing source password", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(publish, "Aqueduct.Civis.Testing.dll")), "the Release build leaves the local warehouse out");
        Assert.True(File.Exists(Path.Combine(publish, "Aqueduct.Civis.dll")));
    }

    [Fact]
    public async Task NewJob_PackagesInItsOwnFolderWithNoFeedFlag_BuildsRunsInDevAndItsTestsPass()
    {
        // A version of its own, so no earlier package in the machine's NuGet cache is picked up; removed from it after.
        var version = "0.1.0-templatetest." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        var job = Path.Combine(root, "package-job");
        try
        {
            // As the job's README says: create the job, then fill its packages/ folder with dotnet pack in the clone.
            await RunAsync(root, NoVariables, "new", "civis-job", "--name", JobName, "--output", job,
                "--aqueduct-version", version, "--debug:custom-hive", Hive);
            foreach (var project in new[] { "Aqueduct.Civis", "Aqueduct.Civis.Testing" })
            {
                await RunAsync(DotnetCli.RepositoryRoot, NoVariables, "pack", Path.Combine("src", project),
                    "-o", Path.Combine(job, "packages"), "-p:VersionSuffix=" + version["0.1.0-".Length..]);
            }

            await BuildRunAndTestAsync(job);

            Assert.Contains("value=\"packages\"", await File.ReadAllTextAsync(Path.Combine(job, "nuget.config"), Cancel), StringComparison.Ordinal);
            var dockerfile = await File.ReadAllTextAsync(Path.Combine(job, "Dockerfile"), Cancel);
            Assert.Contains("COPY packages/ packages/", dockerfile, StringComparison.Ordinal);
            Assert.Contains($"{JobName}.dll", dockerfile, StringComparison.Ordinal);
            var compose = await File.ReadAllTextAsync(Path.Combine(job, "docker-compose.yml"), Cancel);
            Assert.Contains("SOURCE_USERNAME: ${SOURCE_USERNAME:-}", compose, StringComparison.Ordinal);
            Assert.DoesNotContain(":?", compose, StringComparison.Ordinal);
        }
        finally
        {
            RemoveFromPackageCache(version);
        }
    }

    [Fact]
    public async Task NewJob_PackagesFolderEmpty_RestoreNamesTheFolder()
    {
        var job = Path.Combine(root, "empty-feed-job");
        await RunAsync(root, NoVariables, "new", "civis-job", "--name", JobName, "--output", job,
            "--aqueduct-version", "0.0.0-missing", "--debug:custom-hive", Hive);

        var (exitCode, output) = await DotnetCli.RunAsync(job, NoVariables, Cancel, "restore");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Aqueduct.Civis", output, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(job, "packages"), output, StringComparison.Ordinal);
    }

    /// <summary>Builds the job, runs it in DEV on the local warehouse (as a developer would), and runs its tests.</summary>
    private async Task BuildRunAndTestAsync(string job)
    {
        // The job's local warehouse and its tests use this run's server instead of starting more.
        var server = await serverFixture.GetServerAsync();
        var onThisServer = new Dictionary<string, string?>
        {
            [PostgresServerEnvironment.UriVariable] = server.ConnectionString,
            [PostgresServerEnvironment.SourceVariable] = null,
        };

        await RunAsync(job, NoVariables, "build");

        var run = await RunAsync(job, new Dictionary<string, string?>(onThisServer)
        {
            ["SOURCE_USERNAME"] = "jane",
            ["SOURCE_PASSWORD"] = "not-a-real-password",
        }, "run", "--no-build", "--project", Path.Combine("src", JobName));
        Assert.Contains("Local warehouse on the", run, StringComparison.Ordinal);
        Assert.Contains("Recorded this run for jane", run, StringComparison.Ordinal);

        var test = await RunAsync(job, onThisServer, "test", "--no-build");
        Assert.Contains("succeeded: 2", test, StringComparison.Ordinal);
    }

    private static void RemoveFromPackageCache(string version)
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

    private static async Task<string> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?> variables, params string[] arguments)
    {
        var (exitCode, output) = await DotnetCli.RunAsync(workingDirectory, variables, Cancel, arguments);
        Assert.True(exitCode == 0, $"exit code {exitCode}\n{output}");
        return output;
    }
}
