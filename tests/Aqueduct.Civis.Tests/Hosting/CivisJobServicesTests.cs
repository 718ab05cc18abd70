using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Hosting;

/// <summary>A job's own services and settings, registered on the host and taken from the context.</summary>
public sealed class CivisJobServicesTests : IDisposable
{
    private readonly StringWriter output = new();
    private readonly StringWriter errors = new();

    public void Dispose()
    {
        output.Dispose();
        errors.Dispose();
    }

    private Task<int> RunAsync(CivisEnvironment environment, Func<CivisJobContext, CancellationToken, Task> job, Action<CivisJobOptions> configure) =>
        CivisJob.RunAsync([], job, options =>
        {
            options.Name = "services-job";
            options.Environment = environment;
            options.Output = output;
            options.ErrorOutput = errors;
            options.HandleShutdownSignals = false;
            configure(options);
        }, TestContext.Current.CancellationToken);

    [Fact]
    public async Task RunAsync_TypedHttpClientAndSettingsFromConfiguration_JobGetsThemAndCallsItsSource()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serve = ServeOneAsync(listener, "trips: 42");
        string? answer = null;

        var exitCode = await RunAsync(
            Create(("DEV", "1"), ("SOURCE_URL", $"http://127.0.0.1:{port}/")),
            async (job, cancellationToken) => answer = await job.GetRequiredService<TripSource>().CountAsync(cancellationToken),
            o => o.ConfigureServices(services =>
            {
                services.AddOptions<SourceSettings>().Configure<IConfiguration>((settings, configuration) => settings.Url = new Uri(configuration["SOURCE_URL"]!));
                services.AddHttpClient<TripSource>((sp, http) => http.BaseAddress = sp.GetRequiredService<IOptions<SourceSettings>>().Value.Url);
            }));

        Assert.True(exitCode == CivisJobExitCodes.Success, errors.ToString());
        Assert.Equal("trips: 42", answer);
        Assert.StartsWith("GET /count HTTP/1.1", await serve, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ServiceWithInjectedLogger_LogsThroughTheRedactor()
    {
        var exitCode = await RunAsync(
            Create(("SOURCE_PASSWORD", "hunter2-secret")),
            (job, _) => { job.GetRequiredService<Greeter>().Greet(); return Task.CompletedTask; },
            o => o.ConfigureServices((environment, services) => services.AddSingleton(sp =>
                new Greeter(sp.GetRequiredService<ILogger<Greeter>>(), environment.GetRequiredString("SOURCE_PASSWORD")))));

        Assert.Equal(CivisJobExitCodes.Success, exitCode);
        Assert.Contains("info Aqueduct.Civis.Tests.Hosting.CivisJobServicesTests.Greeter: signing in with ***", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_HostServices_AreRegistered()
    {
        var exitCode = await RunAsync(Create(("DEV", "1")), (job, _) =>
        {
            Assert.Same(job.Environment, job.GetRequiredService<CivisEnvironment>());
            Assert.Same(job.Warehouses, job.GetRequiredService<WarehouseConnectionFactory>());
            Assert.Same(job.Redactor, job.GetRequiredService<SecretRedactor>());
            Assert.Same(job.LoggerFactory, job.GetRequiredService<ILoggerFactory>());
            Assert.Null(job.Services.GetService<CivisClient>()); // no API key
            return Task.CompletedTask;
        }, _ => { });

        Assert.True(exitCode == CivisJobExitCodes.Success, errors.ToString());
    }

    [Fact]
    public async Task RunAsync_ServiceNotRegistered_FailsNamingTheType()
    {
        var exitCode = await RunAsync(Create(), (job, _) => { job.GetRequiredService<TripSource>(); return Task.CompletedTask; }, _ => { });

        Assert.Equal(CivisJobExitCodes.JobFailed, exitCode);
        Assert.Contains(nameof(TripSource), errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ServiceThatCannotBeBuilt_FailsBeforeTheJob()
    {
        var ran = false;

        var exitCode = await RunAsync(Create(), (_, _) => { ran = true; return Task.CompletedTask; },
            o => o.ConfigureServices(services => services.AddSingleton<Greeter>())); // needs a string nobody registered

        Assert.Equal(CivisJobExitCodes.JobFailed, exitCode);
        Assert.False(ran);
        Assert.Contains(nameof(Greeter), errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_DisposableService_IsDisposedWhenTheJobEnds()
    {
        var probe = new DisposableProbe();

        await RunAsync(Create(), (job, _) => { Assert.False(job.GetRequiredService<DisposableProbe>().Disposed); return Task.CompletedTask; },
            o => o.ConfigureServices(services => services.AddSingleton(_ => probe)));

        Assert.True(probe.Disposed);
    }

    private static async Task<string> ServeOneAsync(TcpListener listener, string body)
    {
        using var client = await listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken);
        var stream = client.GetStream();
        var buffer = new byte[4096];
        var request = new StringBuilder();
        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, TestContext.Current.CancellationToken);
            if (read == 0)
            {
                break;
            }

            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var response = $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(response), TestContext.Current.CancellationToken);
        return request.ToString();
    }

    public sealed class SourceSettings
    {
        public Uri? Url { get; set; }
    }

    public sealed class TripSource(HttpClient http)
    {
        public Task<string> CountAsync(CancellationToken cancellationToken) => http.GetStringAsync(new Uri("count", UriKind.Relative), cancellationToken);
    }

    public sealed class Greeter(ILogger<Greeter> logger, string password)
    {
        public void Greet() => logger.LogInformation("signing in with {Password}", password);
    }

    public sealed class DisposableProbe : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }
}
