using Aqueduct.Civis.Testing;
using Aqueduct.Civis.Tests.Infrastructure;
using Npgsql;

namespace Aqueduct.Civis.Tests.Hosting;

/// <summary>The job host in a real job process: signals, exit codes, output, and the local warehouse.</summary>
public sealed class CivisJobProcessTests(PostgresServerFixture serverFixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_Sigterm_CancelsTheJobAndExitsWithCancelledCode()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGTERM is a POSIX signal.");
        using var job = TestJobProcess.Start("wait");
        await job.WaitUntilReadyAsync(Cancel);

        await job.SignalAsync("TERM", Cancel);
        var exitCode = await job.WaitForExitAsync(Cancel);

        Assert.Equal(CivisJobExitCodes.Cancelled, exitCode);
        Assert.Contains("test-job was cancelled by SIGTERM after", job.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Sigint_CancelsTheJobAndExitsWithCancelledCode()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGINT is sent with kill(1) here.");
        using var job = TestJobProcess.Start("wait");
        await job.WaitUntilReadyAsync(Cancel);

        await job.SignalAsync("INT", Cancel);
        var exitCode = await job.WaitForExitAsync(Cancel);

        Assert.Equal(CivisJobExitCodes.Cancelled, exitCode);
        Assert.Contains("cancelled by SIGINT", job.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MissingRequiredVariablesInProcess_ExitsWithConfigurationErrorNamingBoth()
    {
        using var job = TestJobProcess.Start("require");

        var exitCode = await job.WaitForExitAsync(Cancel);

        Assert.Equal(CivisJobExitCodes.ConfigurationError, exitCode);
        Assert.Contains("TEST_JOB_USERNAME: Missing test username", job.Errors, StringComparison.Ordinal);
        Assert.Contains("TEST_JOB_PASSWORD: Missing test password", job.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_FailureInProcess_PrintsOneRedactedSummaryAndExitsWithJobFailed()
    {
        using var job = TestJobProcess.Start("fail", new Dictionary<string, string?> { ["TEST_JOB_PASSWORD"] = "c0rrect-h0rse" });

        var exitCode = await job.WaitForExitAsync(Cancel);

        Assert.Equal(CivisJobExitCodes.JobFailed, exitCode);
        Assert.Contains("test-job failed after", job.Errors, StringComparison.Ordinal);
        Assert.Contains("Sign-in refused for password ***", job.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("c0rrect-h0rse", job.Output + job.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseLocalWarehouse_DevWithoutUris_StartsWarehouseJobConnectsAndItIsRemoved()
    {
        // The job's local warehouse goes on this run's server (as an existing server), so the test starts no second one.
        var server = await serverFixture.GetServerAsync();
        using var job = TestJobProcess.Start("warehouse", new Dictionary<string, string?>
        {
            ["DEV"] = "1",
            [PostgresServerEnvironment.UriVariable] = server.ConnectionString,
            [PostgresServerEnvironment.SourceVariable] = null,
        });

        var exitCode = await job.WaitForExitAsync(Cancel);

        Assert.True(exitCode == CivisJobExitCodes.Success, $"exit code {exitCode}\n{job.Output}\n{job.Errors}");
        var postgresUri = Line(job.Output, "POSTGRES_URI=");
        var redshiftUri = Line(job.Output, "REDSHIFT_URI=");
        Assert.DoesNotContain(SecretRedactor.Mask, postgresUri, StringComparison.Ordinal); // printed for psql, on purpose
        var postgresDatabase = PostgresUri.Parse(postgresUri).Database!;
        var redshiftDatabase = PostgresUri.Parse(redshiftUri).Database!;
        Assert.Contains($"Postgres answered from database {postgresDatabase}", job.Output, StringComparison.Ordinal);
        Assert.Contains($"Redshift answered from database {redshiftDatabase}", job.Output, StringComparison.Ordinal);
        Assert.Contains("Local warehouse removed.", job.Output, StringComparison.Ordinal);

        await using var admin = NpgsqlDataSource.Create(server.ConnectionString);
        await using var command = admin.CreateCommand("select count(*) from pg_database where datname = any($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = new[] { postgresDatabase, redshiftDatabase } });
        Assert.Equal(0L, await command.ExecuteScalarAsync(Cancel));
    }

    [Fact]
    public async Task RunAsync_HelpInProcess_PrintsCommandsAndVariablesAndExitsZeroWithoutStarting()
    {
        using var job = TestJobProcess.Start(["--help"], new Dictionary<string, string?> { ["TEST_JOB_REQUIRE"] = "1" });

        var exitCode = await job.WaitForExitAsync(Cancel);

        Assert.True(exitCode == CivisJobExitCodes.Success, $"exit code {exitCode}\n{job.Output}\n{job.Errors}");
        Assert.Contains("The job host's test job", job.Output, StringComparison.Ordinal);
        Assert.Contains("greet", job.Output, StringComparison.Ordinal);
        Assert.Contains("TEST_JOB_USERNAME", job.Output, StringComparison.Ordinal);
        Assert.Contains("Missing test password", job.Output, StringComparison.Ordinal);
        Assert.Contains("CIVIS_API_KEY", job.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Starting test-job", job.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_HelpOfTheWarehouseCommandInDev_StartsNoLocalWarehouse()
    {
        using var job = TestJobProcess.Start(["warehouse", "--help"], new Dictionary<string, string?> { ["DEV"] = "1" });

        var exitCode = await job.WaitForExitAsync(Cancel);

        Assert.True(exitCode == CivisJobExitCodes.Success, $"exit code {exitCode}\n{job.Output}\n{job.Errors}");
        Assert.Contains("queries both mock warehouses", job.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Local warehouse", job.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("POSTGRES_URI=", job.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_UnknownArgumentInProcess_ExitsWithConfigurationErrorBeforeTheJob()
    {
        using var job = TestJobProcess.Start(["wait", "--bogus"]);

        var exitCode = await job.WaitForExitAsync(Cancel); // "wait" would never end if it ran

        Assert.Equal(CivisJobExitCodes.ConfigurationError, exitCode);
        Assert.Contains("--bogus", job.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("ready", job.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_DeclaredCommandInProcess_RunsWithItsOption()
    {
        using var job = TestJobProcess.Start(["greet", "--name", "Ada"]);

        var exitCode = await job.WaitForExitAsync(Cancel);

        Assert.True(exitCode == CivisJobExitCodes.Success, $"exit code {exitCode}\n{job.Output}\n{job.Errors}");
        Assert.Contains("Hello, Ada (command greet)", job.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("the job itself ran", job.Output, StringComparison.Ordinal);
    }

    private static string Line(string output, string prefix) =>
        output.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..];
}
