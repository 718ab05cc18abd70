using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Environment;

/// <summary>Bad environment values end a job with the configuration-error exit code (78), not a stack trace.</summary>
public sealed class ConfigurationErrorExitTests : IDisposable
{
    private readonly StringWriter output = new();
    private readonly StringWriter errors = new();

    public void Dispose()
    {
        output.Dispose();
        errors.Dispose();
    }

    private Task<int> RunAsync(CivisEnvironment environment, Func<CivisJobContext, CancellationToken, Task> job) =>
        CivisJob.RunAsync([], job, options =>
        {
            options.Name = "config-job";
            options.Environment = environment;
            options.Output = output;
            options.ErrorOutput = errors;
            options.HandleShutdownSignals = false;
        }, TestContext.Current.CancellationToken);

    [Fact]
    public async Task RunAsync_DatabasePortOutOfRange_ExitsWithConfigurationErrorNamingThePort()
    {
        var environment = Create(
            ("POSTGRES_HOST", "db.example"), ("POSTGRES_PORT", "70000"), ("POSTGRES_DATABASE", "d"),
            ("POSTGRES_CREDENTIAL_USERNAME", "u"), ("POSTGRES_CREDENTIAL_PASSWORD", "Pw-S3cret-X"));

        var exitCode = await RunAsync(environment, (job, _) =>
        {
            job.Warehouses.GetConnectionSettings(Civis.Warehouse.Postgres);
            return Task.CompletedTask;
        });

        Assert.Equal(CivisJobExitCodes.ConfigurationError, exitCode);
        Assert.Contains("POSTGRES_PORT", errors.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Pw-S3cret-X", output.ToString() + errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void FromProcessEnvironment_DotEnvIsADirectory_IsAConfigurationErrorNamingTheFile()
    {
        // The job host reads .env through this and maps a CivisEnvironmentException to exit 78.
        var directory = Directory.CreateTempSubdirectory("aq-dotenv-");
        try
        {
            var path = Path.Combine(directory.FullName, ".env");
            Directory.CreateDirectory(path);

            var e = Assert.Throws<CivisEnvironmentException>(() => CivisEnvironment.FromProcessEnvironment(path));
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
