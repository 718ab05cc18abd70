using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Manifest;

/// <summary>The job host reads the manifest shipped with the job and checks its required parameters before the job starts.</summary>
public sealed class ManifestHostTests : IDisposable
{
    private const string Manifest = """
        name: Host test
        image: {name: lacity/host-test}
        command: dotnet /opt/job/HostTest.dll
        resources: {cpu: 500, memory: 512}
        parameters:
          - name: POSTGRES
            type: database
            required: true
          - name: SOURCE
            type: credential_custom
            label: Source login
            required: true
          - name: MODE
            type: string
            required: true
          - name: OPTIONAL_NOTE
            type: string
        """;

    private readonly string path = Path.Combine(Path.GetTempPath(), $"civis-job-{Guid.NewGuid():N}.yaml");
    private readonly StringWriter output = new();
    private readonly StringWriter errors = new();

    public ManifestHostTests() => File.WriteAllText(path, Manifest);

    public void Dispose()
    {
        File.Delete(path);
        output.Dispose();
        errors.Dispose();
    }

    private Task<int> RunAsync(CivisEnvironment environment, Action<CivisJobOptions>? configure = null, Func<CivisJobContext, Task>? job = null) =>
        CivisJob.RunAsync([], (context, _) => job?.Invoke(context) ?? throw new InvalidOperationException("the job must not start"), options =>
        {
            options.Name = "host-test";
            options.Environment = environment;
            options.Output = output;
            options.ErrorOutput = errors;
            options.HandleShutdownSignals = false;
            options.AttachFailureToRun = false;
            configure?.Invoke(options);
        }, TestContext.Current.CancellationToken);

    [Fact]
    public async Task RunAsync_ManifestRequiredParametersMissing_FailsWith78NamingEveryVariableInOneMessage()
    {
        var exitCode = await RunAsync(Create((CivisJobManifest.PathVariable, path)), o => o.Require("EXTRA", "Missing extra"));

        Assert.Equal(CivisJobExitCodes.ConfigurationError, exitCode);
        var message = errors.ToString();
        Assert.Contains("8 required variables are missing", message, StringComparison.Ordinal);
        foreach (var name in new[] { "EXTRA: Missing extra", "POSTGRES_HOST", "POSTGRES_DATABASE", "POSTGRES_CREDENTIAL_USERNAME", "POSTGRES_CREDENTIAL_PASSWORD", "SOURCE_USERNAME", "SOURCE_PASSWORD", "MODE" })
        {
            Assert.Contains("  " + name, message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("POSTGRES_PORT", message, StringComparison.Ordinal);
        Assert.DoesNotContain("OPTIONAL_NOTE", message, StringComparison.Ordinal);
        Assert.Contains("SOURCE_PASSWORD: the password of credential_custom parameter SOURCE (Source login), required by " + path, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_InDev_DoesNotRequireTheDatabaseParametersParts()
    {
        var exitCode = await RunAsync(Create(("DEV", "1"), (CivisJobManifest.PathVariable, path)));

        Assert.Equal(CivisJobExitCodes.ConfigurationError, exitCode);
        Assert.Contains("3 required variables are missing", errors.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("POSTGRES_", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_VariableTheJobAlsoRequires_IsListedOnceWithTheJobsMessage()
    {
        var exitCode = await RunAsync(
            Create(("DEV", "1"), (CivisJobManifest.PathVariable, path), ("SOURCE_PASSWORD", "pw")),
            o => o.Require("SOURCE_USERNAME", "Missing source username"));

        Assert.Equal(CivisJobExitCodes.ConfigurationError, exitCode);
        Assert.Contains("2 required variables are missing or empty:", errors.ToString(), StringComparison.Ordinal);
        Assert.Contains("SOURCE_USERNAME: Missing source username", errors.ToString(), StringComparison.Ordinal);
        Assert.Single(errors.ToString().Split('\n'), l => l.Contains("SOURCE_USERNAME", StringComparison.Ordinal));
        Assert.Contains("  MODE: ", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_EveryRequiredParameterSet_StartsTheJob()
    {
        var ran = false;
        var exitCode = await RunAsync(
            Create(("DEV", "1"), (CivisJobManifest.PathVariable, path), ("SOURCE_USERNAME", "me"), ("SOURCE_PASSWORD", "pw"), ("mode", "full")),
            job: _ => { ran = true; return Task.CompletedTask; });

        Assert.Equal(CivisJobExitCodes.Success, exitCode);
        Assert.True(ran);
    }

    [Fact]
    public async Task RunAsync_WrongShippedManifest_FailsWith78NamingFileLineAndKey()
    {
        await File.WriteAllTextAsync(path, Manifest.Replace("cpu: 500", "cpu: lots", StringComparison.Ordinal), TestContext.Current.CancellationToken);

        var exitCode = await RunAsync(Create(("DEV", "1"), (CivisJobManifest.PathVariable, path)));

        Assert.Equal(CivisJobExitCodes.ConfigurationError, exitCode);
        Assert.Contains($"{path}:4:18: resources.cpu:", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ManifestVariableNamesAMissingFile_FailsWith78()
    {
        var exitCode = await RunAsync(Create(("DEV", "1"), (CivisJobManifest.PathVariable, path + ".missing")));

        Assert.Equal(CivisJobExitCodes.ConfigurationError, exitCode);
        Assert.Contains(CivisJobManifest.PathVariable, errors.ToString(), StringComparison.Ordinal);
        Assert.Contains(path + ".missing", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void FindShipped_NothingShipped_IsNull()
    {
        // The test project's output has no civis-job.yaml (the sample's is copied by a target that does not flow to
        // referencing projects), so jobs without a manifest are unchanged.
        Assert.False(File.Exists(Path.Combine(AppContext.BaseDirectory, CivisJobManifest.FileName)));
        Assert.Null(CivisJobManifest.FindShipped(Create(("DEV", "1"))));
    }

    [Fact]
    public void GetRequiredVariables_Production_ListsTheNeededVariablesOfRequiredParameters()
    {
        var manifest = CivisJobManifest.Parse(Manifest);

        Assert.Equal(
            ["POSTGRES_HOST", "POSTGRES_DATABASE", "POSTGRES_CREDENTIAL_USERNAME", "POSTGRES_CREDENTIAL_PASSWORD", "SOURCE_USERNAME", "SOURCE_PASSWORD", "MODE"],
            manifest.GetRequiredVariables(isDev: false).Select(v => v.Name));
        Assert.Equal(["SOURCE_USERNAME", "SOURCE_PASSWORD", "MODE"], manifest.GetRequiredVariables(isDev: true).Select(v => v.Name));
    }
}
