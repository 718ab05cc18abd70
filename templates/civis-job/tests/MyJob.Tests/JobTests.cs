using Aqueduct.Civis;
using Aqueduct.Civis.Testing;
using Npgsql;

namespace MyJob.Tests;

/// <summary>
/// The job on a local warehouse of this class's own (a mock Postgres and a mock Redshift database on the run's one
/// server), through the same job host that runs it on the platform.
/// </summary>
public sealed class JobTests(LocalWarehouseFixture fixture) : IClassFixture<LocalWarehouseFixture>
{
    private Task<int> RunJobAsync(params (string Name, string? Value)[] variables) =>
        CivisJob.RunAsync([], Job.RunAsync, options =>
        {
            Job.Configure(options);
            options.Environment = fixture.Warehouse.CreateEnvironment(variables.Select(v => new KeyValuePair<string, string?>(v.Name, v.Value)));
            options.HandleShutdownSignals = false;
        }, TestContext.Current.CancellationToken);

    [Fact]
    public async Task RunAsync_OnLocalWarehouse_RecordsTheRun()
    {
        var exitCode = await RunJobAsync(("SOURCE_USERNAME", "jane"), ("SOURCE_PASSWORD", "not-a-real-password"));

        Assert.Equal(CivisJobExitCodes.Success, exitCode);
        await using var dataSource = NpgsqlDataSource.Create(PostgresUri.Parse(fixture.Warehouse.PostgresUri).ConnectionString);
        await using var command = dataSource.CreateCommand("select count(*) from staging.job_runs where source_user = 'jane'");
        Assert.Equal(1L, await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task RunAsync_MissingCredentials_FailsWithConfigurationError()
    {
        var exitCode = await RunJobAsync();

        Assert.Equal(CivisJobExitCodes.ConfigurationError, exitCode);
    }
}
