using Aqueduct.Civis.Testing;
using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Hosting;

/// <summary>The job host's Civis API client, against the fake Civis API.</summary>
public sealed class CivisJobClientTests : IAsyncLifetime
{
    private FakeCivisApi api = null!;
    private readonly StringWriter output = new();
    private readonly StringWriter errors = new();

    public async ValueTask InitializeAsync() => api = await FakeCivisApi.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await api.DisposeAsync();
        output.Dispose();
        errors.Dispose();
    }

    private Task<int> RunAsync(CivisEnvironment environment, Func<CivisJobContext, CancellationToken, Task> job) =>
        CivisJob.RunAsync([], job, options =>
        {
            options.Name = "client-job";
            options.Environment = environment;
            options.Output = output;
            options.ErrorOutput = errors;
            options.HandleShutdownSignals = false;
        }, TestContext.Current.CancellationToken);

    private async Task<(int JobId, int RunId)> StartRunAsync()
    {
        var client = new CivisClient(api.CreateClientOptions());
        var scriptId = api.AddContainerScript("the job itself");
        var run = await client.Scripts.StartContainerRunAsync(scriptId, TestContext.Current.CancellationToken);
        return (scriptId, run.Id!.Value);
    }

    [Fact]
    public async Task RunAsync_ApiKeySet_GivesTheJobAClientWithRunHeaders()
    {
        var (jobId, runId) = await StartRunAsync();
        var environment = Create(
            ("CIVIS_API_KEY", api.ApiKey), ("CIVIS_API_ENDPOINT", api.BaseAddress.ToString()),
            ("CIVIS_JOB_ID", jobId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("CIVIS_RUN_ID", runId.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var exitCode = await RunAsync(environment, async (job, cancellationToken) =>
            await job.GetRequiredClient().Users.GetMeAsync(cancellationToken));

        Assert.Equal(CivisJobExitCodes.Success, exitCode);
        var me = Assert.Single(api.Requests, r => r.Path.EndsWith("/users/me", StringComparison.Ordinal));
        Assert.Equal(runId.ToString(System.Globalization.CultureInfo.InvariantCulture), me.Headers["X-Civis-Run-ID"]);
    }

    [Fact]
    public async Task RunAsync_NoApiKey_ClientIsNullAndRequiringItNamesTheVariable()
    {
        var exitCode = await RunAsync(Create(("DEV", "1")), (job, _) =>
        {
            Assert.Null(job.Client);
            job.GetRequiredClient();
            return Task.CompletedTask;
        });

        Assert.Equal(CivisJobExitCodes.ConfigurationError, exitCode);
        Assert.Contains("CIVIS_API_KEY is not set", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_FailsOnThePlatform_AttachesTheRedactedErrorAsAJsonOutput()
    {
        var (jobId, runId) = await StartRunAsync();
        var environment = Create(
            ("CIVIS_API_KEY", api.ApiKey), ("CIVIS_API_ENDPOINT", api.BaseAddress.ToString()),
            ("CIVIS_JOB_ID", jobId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("CIVIS_RUN_ID", runId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("BIKESHARE_PASSWORD", "Tr0ub4dor&3"));

        var exitCode = await RunAsync(environment, (_, _) => throw new InvalidOperationException("Tableau refused Tr0ub4dor&3"));

        Assert.Equal(CivisJobExitCodes.JobFailed, exitCode);
        var posted = Assert.Single(api.Requests, r => r.Method == "POST" && r.Path == "/json_values");
        Assert.Contains("Tableau refused ***", posted.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Tr0ub4dor", posted.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(api.ApiKey, posted.Body, StringComparison.Ordinal);

        var client = new CivisClient(api.CreateClientOptions());
        var outputs = await client.Scripts.ListContainerRunOutputsAsync(jobId, runId, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal("JSONValue", Assert.Single(outputs).ObjectType);
    }
}
