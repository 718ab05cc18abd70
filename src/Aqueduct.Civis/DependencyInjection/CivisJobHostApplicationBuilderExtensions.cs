using Aqueduct.Civis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Puts a generic host (<see cref="IHostApplicationBuilder"/>) inside the job host, for a job written as hosted
/// services: <see cref="CivisJob.RunHostAsync"/> uses it, and it can be called on a builder of one's own.
/// </summary>
public static class CivisJobHostApplicationBuilderExtensions
{
    /// <summary>
    /// Wires a generic host to the running job: its configuration gets the job's environment, its logging is the job's
    /// (console and every provider behind the <see cref="SecretRedactor"/>; add providers through
    /// <see cref="CivisJobOptions.ConfigureLogging"/>), its lifetime leaves SIGTERM and Ctrl+C to the job host, and its
    /// services get the <see cref="CivisJobContext"/>, <see cref="CivisEnvironment"/>, <see cref="WarehouseConnectionFactory"/>,
    /// <see cref="SecretRedactor"/>, <see cref="CivisJobSteps"/> and, with an API key, the <see cref="CivisClient"/>.
    /// </summary>
    /// <param name="builder">The generic host's builder.</param>
    /// <param name="job">The running job's context.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHostApplicationBuilder AddCivisJob(this IHostApplicationBuilder builder, CivisJobContext job)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(job);
        builder.Configuration.AddConfiguration(job.Environment.Configuration);
        builder.Logging.ClearProviders();
        builder.Services.Replace(ServiceDescriptor.Singleton(job.LoggerFactory));
        builder.Services.Replace(ServiceDescriptor.Singleton<IHostLifetime, Aqueduct.Civis.Hosting.GenericHostLifetime>());
        builder.Services.TryAddSingleton(job);
        builder.Services.TryAddSingleton(job.Environment);
        builder.Services.TryAddSingleton(job.Warehouses);
        builder.Services.TryAddSingleton(job.Redactor);
        builder.Services.TryAddSingleton(job.Steps);
        if (job.Client is { } client)
        {
            builder.Services.TryAddSingleton(client);
        }

        return builder;
    }
}
