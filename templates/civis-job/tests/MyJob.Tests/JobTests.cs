using Aqueduct.Civis;
using Aqueduct.Civis.Testing;
using Npgsql;

namespace MyJob.Tests;

/// <summary>
/// The job on a throwaway local warehouse (an existing server from AQUEDUCT_TEST_POSTGRES_URI, Docker, or the machine's
/// PostgreSQL binaries), through the same job host that runs it on the platform.
/// </summary>
public sealed class JobTests : IAsyncLifetime
{
    private LocalWarehouse? warehouse;

    private LocalWarehouse Warehouse => warehouse ?? throw new InvalidOperationException("Not initialized.");

    public async ValueTask InitializeAsync() =>
        warehouse = await LocalWarehouse.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (warehouse is not null)
        {
            await warehouse.DisposeAsync();
        }
    }

    private Task<int> RunJobAsync(params (string Name, string? Value)[] variables) =>
        CivisJob.RunAsync([], Job.RunAsync, options =>
        {
            Job.Configure(options);
            options.Environment = Warehouse.CreateEnvironment(variables.Select(v => new KeyValuePair<string, string?>(v.Name, v.Value)));
            options.HandleShutdownSignals = false;
        }, TestContext.Current.CancellationToken);

    [Fact]
    public async Task RunAsync_OnLocalWarehouse_RecordsTheRun()
    {
        var exitCode = await RunJobAsync(("SOURCE_USERNAME", "jane"), ("SOURCE_PASSWORD", "not-a-real-password"));

        Assert.Equal(CivisJobExitCodes.Success, exitCode);
        await using var dataSource = NpgsqlDataSource.Create(PostgresUri.Parse(Warehouse.PostgresUri).ConnectionString);
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
