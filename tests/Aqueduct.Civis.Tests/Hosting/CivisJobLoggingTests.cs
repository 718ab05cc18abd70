using System.Text.Json;
using Microsoft.Extensions.Logging;
using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Hosting;

/// <summary>The job's logging extended with providers and a JSON console; the redactor masks secrets for every provider.</summary>
public sealed class CivisJobLoggingTests : IDisposable
{
    private const string Secret = "Tr0ub4dor&3-long";

    private readonly StringWriter output = new();
    private readonly StringWriter errors = new();

    public void Dispose()
    {
        output.Dispose();
        errors.Dispose();
    }

    private Task<int> RunAsync(Func<CivisJobContext, CancellationToken, Task> job, Action<CivisJobOptions> configure) =>
        CivisJob.RunAsync([], job, options =>
        {
            options.Name = "logging-job";
            options.Environment = Create(("BIKESHARE_PASSWORD", Secret));
            options.Output = output;
            options.ErrorOutput = errors;
            options.HandleShutdownSignals = false;
            configure(options);
        }, TestContext.Current.CancellationToken);

    [Fact]
    public async Task ConfigureLogging_AddedProvider_GetsMessageStateScopeAndExceptionMasked()
    {
        var capture = new CapturingProvider();

        var exitCode = await RunAsync((job, _) =>
        {
            using (job.Logger.BeginScope("signing in as {Password}", Secret))
            {
                job.Logger.LogWarning(new InvalidOperationException($"refused {Secret}"), "tried {Password} and {Attempts} times", Secret, 3);
            }

            return Task.CompletedTask;
        }, o => o.ConfigureLogging(builder => builder.AddProvider(capture)));

        Assert.Equal(CivisJobExitCodes.Success, exitCode);
        var entry = Assert.Single(capture.Entries, e => e.Category == "logging-job" && e.Level == LogLevel.Warning);
        Assert.Equal("tried *** and 3 times", entry.Message);
        Assert.Equal("***", entry.State["Password"]);
        Assert.Equal(3, entry.State["Attempts"]); // numbers stay numbers
        Assert.Contains("refused ***", entry.Exception, StringComparison.Ordinal);
        Assert.Contains(nameof(InvalidOperationException), entry.Exception, StringComparison.Ordinal);
        Assert.Equal("signing in as ***", Assert.Single(capture.Scopes));
        Assert.DoesNotContain(Secret, string.Join("\n", capture.Everything()), StringComparison.Ordinal);
        Assert.Contains("Starting logging-job", string.Join("\n", capture.Entries.Select(e => e.Message)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoggerFactoryAddProvider_ProviderAddedDuringTheJob_IsMaskedToo()
    {
        var capture = new CapturingProvider();

        await RunAsync((job, _) =>
        {
            job.LoggerFactory.AddProvider(capture);
            job.LoggerFactory.CreateLogger("Later").LogInformation("password is {Password}", Secret);
            return Task.CompletedTask;
        }, _ => { });

        var entry = Assert.Single(capture.Entries, e => e.Category == "Later");
        Assert.Equal("password is ***", entry.Message);
        Assert.DoesNotContain(Secret, string.Join("\n", capture.Everything()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigureLogging_Filter_AppliesToEveryProvider()
    {
        var capture = new CapturingProvider();

        await RunAsync((job, _) =>
        {
            job.LoggerFactory.CreateLogger("Noisy.Source").LogInformation("chatter");
            job.LoggerFactory.CreateLogger("Noisy.Source").LogWarning("worth seeing");
            return Task.CompletedTask;
        }, o => o.ConfigureLogging(builder => builder.AddProvider(capture).AddFilter("Noisy", LogLevel.Warning)));

        Assert.DoesNotContain("chatter", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("warn Noisy.Source: worth seeing", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(["worth seeing"], capture.Entries.Where(e => e.Category == "Noisy.Source").Select(e => e.Message));
    }

    [Fact]
    public async Task RunAsync_LogFormatJson_WritesJsonLinesWithSecretsMasked()
    {
        var exitCode = await RunAsync((job, _) =>
        {
            job.Logger.LogError(new InvalidOperationException($"refused \"{Secret}\""), "tried {Password} at {Rows} rows", Secret, 12);
            return Task.CompletedTask;
        }, o => o.LogFormat = CivisLogFormat.Json);

        Assert.Equal(CivisJobExitCodes.Success, exitCode);
        Assert.DoesNotContain(Secret, output.ToString(), StringComparison.Ordinal);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var documents = lines.Select(l => JsonDocument.Parse(l)).ToList(); // every line parses
        var error = Assert.Single(documents, d => d.RootElement.GetProperty("level").GetString() == "Error").RootElement;
        Assert.Equal("logging-job", error.GetProperty("category").GetString());
        Assert.Equal("tried *** at 12 rows", error.GetProperty("message").GetString());
        Assert.Equal("***", error.GetProperty("state").GetProperty("Password").GetString());
        Assert.Equal(12, error.GetProperty("state").GetProperty("Rows").GetInt32());
        Assert.Contains("refused \"***\"", error.GetProperty("exception").GetString(), StringComparison.Ordinal);
        Assert.True(DateTimeOffset.TryParse(error.GetProperty("timestamp").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
        foreach (var document in documents)
        {
            document.Dispose();
        }
    }

    private sealed class CapturingProvider : ILoggerProvider
    {
        public List<Entry> Entries { get; } = [];

        public List<string> Scopes { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        public IEnumerable<string> Everything() =>
            Scopes.Concat(Entries.SelectMany(e => new[] { e.Message, e.Exception ?? string.Empty }.Concat(e.State.Values.Select(v => v?.ToString() ?? string.Empty))));

        public sealed record Entry(string Category, LogLevel Level, string Message, Dictionary<string, object?> State, string? Exception);

        private sealed class Logger(CapturingProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
            {
                lock (provider)
                {
                    provider.Scopes.Add(state.ToString()!);
                }

                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.ToDictionary(p => p.Key, p => p.Value) : [];
                lock (provider)
                {
                    provider.Entries.Add(new Entry(category, logLevel, formatter(state, exception), values, exception?.ToString()));
                }
            }
        }
    }
}
