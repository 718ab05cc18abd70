namespace Aqueduct.Civis.Tests.Hosting;

/// <summary>The job host finds <c>.env</c> where a developer keeps it, in a real job process started in a real directory tree.</summary>
public sealed class CivisJobDotEnvTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_DevInNestedDirectory_ReadsTheRepositoryRootDotEnvAndSaysWhich()
    {
        using var job = TestJobProcess.Start(
            ["env"],
            files: new Dictionary<string, string> { [".git/HEAD"] = "ref: refs/heads/main\n", [".env"] = "DEV=1\nTEST_JOB_USERNAME=from-root\n" },
            subdirectory: Path.Combine("src", "Contoso.Trips"));

        var exitCode = await job.WaitForExitAsync(Cancel);

        Assert.True(exitCode == CivisJobExitCodes.Success, $"exit code {exitCode}\n{job.Output}\n{job.Errors}");
        Assert.Contains("TEST_JOB_USERNAME=from-root", job.Output, StringComparison.Ordinal);
        Assert.Contains($"Read the variables of {Path.Combine(job.WorkingDirectory, ".env")} (DEV)", job.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_DevWithoutDotEnv_LogsTheDirectoriesItLookedIn()
    {
        using var job = TestJobProcess.Start(
            ["env"],
            new Dictionary<string, string?> { ["DEV"] = "1" },
            files: new Dictionary<string, string> { ["Contoso.slnx"] = "<Solution />" },
            subdirectory: "src");

        var exitCode = await job.WaitForExitAsync(Cancel);

        Assert.True(exitCode == CivisJobExitCodes.Success, $"exit code {exitCode}\n{job.Output}\n{job.Errors}");
        Assert.Contains(
            $"No .env file found (DEV); looked in {Path.Combine(job.WorkingDirectory, "src")}, {job.WorkingDirectory}.",
            job.Output,
            StringComparison.Ordinal);
        Assert.Contains("TEST_JOB_USERNAME=(not set)", job.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ProductionWithDotEnv_IgnoresItAndSaysSo()
    {
        using var job = TestJobProcess.Start(
            ["env"],
            files: new Dictionary<string, string> { [".git/HEAD"] = "ref: refs/heads/main\n", [".env"] = "TEST_JOB_USERNAME=from-dotenv\n" });

        var exitCode = await job.WaitForExitAsync(Cancel);

        Assert.True(exitCode == CivisJobExitCodes.Success, $"exit code {exitCode}\n{job.Output}\n{job.Errors}");
        Assert.Contains("TEST_JOB_USERNAME=(not set)", job.Output, StringComparison.Ordinal);
        Assert.Contains($"Ignored {Path.Combine(job.WorkingDirectory, ".env")}: .env is read in DEV only", job.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MalformedDotEnvAtTheRoot_ExitsWithConfigurationErrorNamingFileAndLine()
    {
        using var job = TestJobProcess.Start(
            ["env"],
            files: new Dictionary<string, string> { [".git/HEAD"] = "ref: refs/heads/main\n", [".env"] = "DEV=1\nthis line is no assignment\n" },
            subdirectory: "src");

        var exitCode = await job.WaitForExitAsync(Cancel);

        Assert.Equal(CivisJobExitCodes.ConfigurationError, exitCode);
        Assert.Contains($"{Path.Combine(job.WorkingDirectory, ".env")}, line 2", job.Errors, StringComparison.Ordinal);
    }
}
