using System.Runtime.ExceptionServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Aqueduct.Civis.Hosting;

/// <summary>
/// Runs a generic host as the job: it starts the host, waits until every background service has finished (or one
/// failed, or the application was stopped, or the run was cancelled), stops it, and throws what a background service
/// failed with, so the run fails with exit code 1 where the generic host alone would exit 0.
/// </summary>
internal static class GenericJobHost
{
    public static async Task RunAsync(CivisJobContext job, Action<CivisJobContext, HostApplicationBuilder> configure, CancellationToken cancellationToken)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = job.Name,
            EnvironmentName = job.Environment.IsDev ? Environments.Development : Environments.Production,
        });
        builder.AddCivisJob(job);
        configure(job, builder);
        using var host = builder.Build();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);

        var services = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
        var work = services.Select(s => s.ExecuteTask).OfType<Task>().ToList();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStopping.Register(() => stopping.TrySetResult()))
        using (cancellationToken.Register(() => stopping.TrySetResult()))
        {
            var finished = work.Count == 0 ? Task.Delay(Timeout.Infinite, CancellationToken.None) : Task.WhenAll(work);
            var failed = work.Count == 0 ? Task.Delay(Timeout.Infinite, CancellationToken.None) : FirstFaultedAsync(work);
            await Task.WhenAny(finished, failed, stopping.Task).ConfigureAwait(false);
        }

        await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var task in work)
        {
            if (task.IsFaulted && task.Exception?.InnerException is { } exception)
            {
                ExceptionDispatchInfo.Throw(exception);
            }
        }
    }

    private static async Task FirstFaultedAsync(List<Task> tasks)
    {
        var pending = new List<Task>(tasks);
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending).ConfigureAwait(false);
            if (done.IsFaulted)
            {
                return;
            }

            pending.Remove(done);
        }

        await Task.Delay(Timeout.Infinite).ConfigureAwait(false); // none failed: the other waits decide
    }
}
