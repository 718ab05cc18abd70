using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Hosting;

/// <summary>A job written for the generic host, inside the job host: exit codes, cancellation, redaction and the summary stay.</summary>
public sealed class CivisJobGenericHostTests : IDisposable
{
    private readonly StringWriter output = new();
    private readonly StringWriter errors = new();

    public void Dispose()
    {
        output.Dispose();
        errors.Dispose();
    }

    private Task<int> RunHostAsync(Action<CivisJobContext, HostApplicationBuilder> configure, CancellationToken? cancellationToken = null) =>
        CivisJob.RunHostAsync([], configure, options =>
        {
            options.Name = "hosted-job";
            options.Environment = Create(("DEV", "1"), ("SOURCE_PASSWORD", "pa55-hosted-secret"));
            options.Output = output;
            options.ErrorOutput = errors;
            options.HandleShutdownSignals = false;
        }, cancellationToken ?? TestContext.Current.CancellationToken);

    [Fact]
    public async Task RunHostAsync_BackgroundServiceFinishes_ExitsZeroWithItsStepInTheSummaryAndSecretsMasked()
    {
        var exitCode = await RunHostAsync((_, builder) => builder.Services.AddHostedService<Loader>());

        Assert.True(exitCode == CivisJobExitCodes.Success, errors.ToString());
        Assert.Contains("info Aqueduct.Civis.Tests.Hosting.CivisJobGenericHostTests.Loader: signing in with ***", output.ToString(), StringComparison.Ordinal);
        Assert.Matches(@"hosted load\s+5\s+", output.ToString());
        Assert.DoesNotContain("pa55-hosted-secret", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunHostAsync_BackgroundServiceThrows_ExitsWithJobFailedNotZero()
    {
        var exitCode = await RunHostAsync((_, builder) => builder.Services.AddHostedService<Failing>());

        Assert.Equal(CivisJobExitCodes.JobFailed, exitCode);
        Assert.Contains("hosted-job failed after", errors.ToString(), StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException: source refused ***", errors.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("pa55-hosted-secret", output.ToString() + errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunHostAsync_Cancelled_ExitsWithCancelledCode()
    {
        using var cancellation = new CancellationTokenSource();

        var exitCode = await RunHostAsync((_, builder) =>
        {
            builder.Services.AddSingleton(cancellation);
            builder.Services.AddHostedService<WaitsForever>();
        }, cancellation.Token);

        Assert.Equal(CivisJobExitCodes.Cancelled, exitCode);
        Assert.Contains("hosted-job was cancelled after", errors.ToString(), StringComparison.Ordinal);
    }

    public sealed class Loader(ILogger<Loader> logger, CivisEnvironment environment, CivisJobSteps steps) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken)
        {
            logger.LogInformation("signing in with {Password}", environment.GetString("SOURCE_PASSWORD"));
            steps.Record("hosted load", TimeSpan.FromMilliseconds(5), rows: 5);
            return Task.CompletedTask;
        }
    }

    public sealed class Failing(CivisEnvironment environment) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Yield();
            throw new InvalidOperationException("source refused " + environment.GetString("SOURCE_PASSWORD"));
        }
    }

    public sealed class WaitsForever(CancellationTokenSource cancellation) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await cancellation.CancelAsync();
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
    }
}
