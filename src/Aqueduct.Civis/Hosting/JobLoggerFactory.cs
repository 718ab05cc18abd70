using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis.Hosting;

/// <summary>
/// The job's logger factory: the host's console provider (text or JSON) and every provider the job adds
/// (<see cref="CivisJobOptions.ConfigureLogging"/>, or <see cref="AddProvider"/> later), each behind the
/// <see cref="SecretRedactor"/>, with the level of <c>CIVIS_LOG_LEVEL</c> and the job's filters.
/// </summary>
internal sealed class JobLoggerFactory : ILoggerFactory
{
    private readonly ServiceProvider services;
    private readonly LoggerFactory inner;
    private readonly SecretRedactor redactor;

    private JobLoggerFactory(ServiceProvider services, SecretRedactor redactor)
    {
        this.services = services;
        this.redactor = redactor;
        var providers = services.GetServices<ILoggerProvider>()
            .Select(p => p is JobConsoleLoggerProvider ? p : new RedactingLoggerProvider(p, redactor)) // the console provider redacts itself
            .ToList();
        inner = new LoggerFactory(providers, services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<LoggerFilterOptions>>());
    }

    /// <summary>Builds the factory: the console provider first, then the job's logging configuration.</summary>
    public static JobLoggerFactory Create(
        TextWriter output, CivisLogFormat format, LogLevel minimumLevel, SecretRedactor redactor, IEnumerable<Action<ILoggingBuilder>> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging(builder =>
        {
            builder.SetMinimumLevel(minimumLevel);
            if (minimumLevel == LogLevel.Information)
            {
                // Npgsql logs every command at Information: that is debugging detail for a job, so it shows from Debug down only.
                builder.AddFilter("Npgsql", LogLevel.Warning);
            }

            builder.AddProvider(new JobConsoleLoggerProvider(output, format, redactor, TimeProvider.System));
            foreach (var step in configure)
            {
                step(builder);
            }
        });
        return new JobLoggerFactory(services.BuildServiceProvider(), redactor);
    }

    public ILogger CreateLogger(string categoryName) => inner.CreateLogger(categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        inner.AddProvider(new RedactingLoggerProvider(provider, redactor));
    }

    public void Dispose()
    {
        inner.Dispose(); // disposes the providers, which flushes the console
        services.Dispose();
    }
}
