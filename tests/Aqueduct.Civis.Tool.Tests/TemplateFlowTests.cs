using System.Diagnostics;
using Aqueduct.Civis.Testing;
using Aqueduct.Civis.Tool.Tests.Infrastructure;

namespace Aqueduct.Civis.Tool.Tests;

/// <summary>
/// The whole flow a job author follows, from the template to a followed run, against a FakeCivisApi:
/// <c>dotnet new civis-job</c>, <c>dotnet civis env check</c>, <c>deploy --dry-run</c>, <c>deploy</c>, <c>run --follow</c>.
/// </summary>
[Trait("Category", "Slow")]
public sealed class TemplateFlowTests : IAsyncLifetime
{
    private readonly string root = Directory.CreateTempSubdirectory("aqueduct-tool-flow-").FullName;
    private FakeCivisApi api = null!;

    public async ValueTask InitializeAsync() => api = await FakeCivisApi.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await api.DisposeAsync();
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task NewJob_EnvCheckDryRunDeployRunFollow_WorkEndToEnd()
    {
        var repository = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ToolProcess.ToolAssemblyPath)!, "..", "..", "..", "..", ".."));
        var hive = Path.Combine(root, "hive");
        var job = Path.Combine(root, "job");
        await DotnetAsync(root, "new", "install", Path.Combine(repository, "templates", "civis-job"), "--debug:custom-hive", hive);
        await DotnetAsync(root, "new", "civis-job", "--name", "Contoso.Trips", "--output", job, "--aqueduct-path", repository, "--debug:custom-hive", hive);

        // The job's manifest, and the platform's side of every name it gives.
        var manifestPath = Assert.Single(Directory.GetFiles(job, CivisJobManifest.FileName, SearchOption.AllDirectories), p => !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        var directory = Path.GetDirectoryName(manifestPath)!;
        var manifest = CivisJobManifest.Load(manifestPath);
        AddNames(manifest);

        var variables = new Dictionary<string, string?> { ["CIVIS_API_KEY"] = api.ApiKey, ["CIVIS_API_ENDPOINT"] = api.BaseAddress.AbsoluteUri };

        // env check: first it names what .env lacks, then, once .env has it, it passes.
        var check = await ToolProcess.RunAsync(directory, variables, "env", "check");
        var missing = manifest.CheckLocalEnvironment([]).Missing;
        if (missing.Count > 0)
        {
            Assert.True(check.ExitCode == 1, check.All);
            await File.WriteAllLinesAsync(Path.Combine(directory, ".env"), missing.Select(m => $"{m.Name}=local-value"), TestContext.Current.CancellationToken);
            check = await ToolProcess.RunAsync(directory, variables, "env", "check");
        }

        Assert.True(check.ExitCode == 0, check.All);
        Assert.DoesNotContain("local-value", check.All, StringComparison.Ordinal);

        var dryRun = await ToolProcess.RunAsync(directory, variables, "deploy", "--dry-run");
        Assert.True(dryRun.ExitCode == 0, dryRun.All);
        Assert.Contains($"Create container script '{manifest.Name}'", dryRun.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(api.Requests, r => r.Method != "GET");

        var deploy = await ToolProcess.RunAsync(directory, variables, "deploy");
        Assert.True(deploy.ExitCode == 0, deploy.All);
        var id = CivisJobManifest.Load(manifestPath).Id;
        Assert.NotNull(id);

        api.SetRunOutcome(id.Value, new FakeRunOutcome { Logs = ["Contoso.Trips: done"] });
        var run = await ToolProcess.RunAsync(directory, variables, "run", "--follow");
        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains("Contoso.Trips: done", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"Run \d+: succeeded", run.Error);

        var again = await ToolProcess.RunAsync(directory, variables, "deploy");
        Assert.True(again.ExitCode == 0, again.All);
        Assert.Contains("is up to date", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocalWarehouseRemove_KeptWarehouse_StopsItsServerAndRemovesItsDirectory()
    {
        // Directly in the temporary directory: run as root, the server runs as the postgres OS user, who cannot enter
        // this test's private directory.
        var kept = Path.Combine(Path.GetTempPath(), "aqueduct-kept-tool-" + Path.GetRandomFileName().Replace(".", "", StringComparison.Ordinal));
        var variables = new Dictionary<string, string?> { ["AQUEDUCT_LOCAL_WAREHOUSE_DIR"] = kept };
        var options = new LocalWarehouseOptions
        {
            GetEnvironmentVariable = name => name switch
            {
                "AQUEDUCT_KEEP_LOCAL_WAREHOUSE" => "1",
                "AQUEDUCT_LOCAL_WAREHOUSE_DIR" => kept,
                _ => null,
            },
        };
        string uri;
        await using (var warehouse = await LocalWarehouse.StartAsync(options, TestContext.Current.CancellationToken))
        {
            uri = warehouse.PostgresUri;
        }

        try
        {
            Assert.True(await CanConnectAsync(uri), "the kept warehouse outlives its run");

            var remove = await ToolProcess.RunAsync(root, variables, "local-warehouse", "remove");

            Assert.True(remove.ExitCode == 0, remove.All);
            Assert.Contains($"Stopped the kept local warehouse's server on port {PostgresUri.Parse(uri).Port} and removed {kept}", remove.All, StringComparison.Ordinal);
            Assert.False(Directory.Exists(kept));
            Assert.False(await CanConnectAsync(uri));

            var again = await ToolProcess.RunAsync(root, variables, "local-warehouse", "remove");
            Assert.True(again.ExitCode == 0, again.All);
            Assert.Contains($"No kept local warehouse in {kept}: nothing to remove.", again.All, StringComparison.Ordinal);
        }
        finally
        {
            await LocalWarehouse.RemoveKeptAsync(options.GetEnvironmentVariable, cancellationToken: CancellationToken.None);
        }
    }

    private static async Task<bool> CanConnectAsync(string uri)
    {
        var settings = PostgresUri.Parse(uri);
        settings.Pooling = false;
        settings.Timeout = 5;
        try
        {
            await using var connection = new Npgsql.NpgsqlConnection(settings.ConnectionString);
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            return true;
        }
        catch (Npgsql.NpgsqlException)
        {
            return false;
        }
    }

    [Fact]
    public async Task BikeshareSample_DeployDryRun_ResolvesEveryNameAndSendsNothing()
    {
        var repository = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ToolProcess.ToolAssemblyPath)!, "..", "..", "..", "..", ".."));
        var sample = Path.Combine(root, "sample");
        Directory.CreateDirectory(sample);
        var manifestPath = Path.Combine(sample, CivisJobManifest.FileName);
        File.Copy(Path.Combine(repository, "samples", "Bikeshare", CivisJobManifest.FileName), manifestPath);
        AddNames(CivisJobManifest.Load(manifestPath));

        var tool = await ToolProcess.RunAsync(sample, new Dictionary<string, string?> { ["CIVIS_API_KEY"] = api.ApiKey, ["CIVIS_API_ENDPOINT"] = api.BaseAddress.AbsoluteUri }, "deploy", "--dry-run");

        Assert.True(tool.ExitCode == 0, tool.All);
        Assert.Contains("Create container script", tool.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(api.Requests, r => r.Method != "GET");
    }

    /// <summary>The platform's side of every name a manifest gives (on the real platform they exist already).</summary>
    private void AddNames(CivisJobManifest manifest)
    {
        foreach (var reference in manifest.References.Where(r => r.IsName))
        {
            _ = reference.Kind switch
            {
                CivisReferenceKind.Database => api.AddDatabase(reference.Name!),
                CivisReferenceKind.Credential or CivisReferenceKind.GitCredential => api.AddCredential(reference.Name!),
                CivisReferenceKind.Project => api.AddProject(reference.Name!),
                CivisReferenceKind.User => api.AddUser(reference.Name!),
                CivisReferenceKind.Group => api.AddGroup(reference.Name!),
                _ => 0,
            };
        }
    }

    private static async Task DotnetAsync(string workingDirectory, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)}\n{await output}{await error}");
    }
}
