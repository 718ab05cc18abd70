using System.CommandLine;
using Microsoft.Extensions.Logging;
using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Hosting;

/// <summary>The job's command line: System.CommandLine parses it before anything starts.</summary>
public sealed class CivisJobArgumentsTests : IDisposable
{
    private readonly StringWriter output = new();
    private readonly StringWriter errors = new();
    private bool started;
    private bool ran;

    public void Dispose()
    {
        output.Dispose();
        errors.Dispose();
    }

    private Task<int> RunAsync(string[] args, Action<CivisJobOptions>? configure = null, CivisEnvironment? environment = null) =>
        CivisJob.RunAsync(args, (_, _) => { ran = true; return Task.CompletedTask; }, options =>
        {
            options.Name = "test-job";
            options.Environment = environment ?? Create(("DEV", "1"));
            options.Output = output;
            options.ErrorOutput = errors;
            options.HandleShutdownSignals = false;
            options.OnStarting((_, _) => { started = true; return Task.FromResult<IAsyncDisposable?>(null); });
            configure?.Invoke(options);
        }, TestContext.Current.CancellationToken);

    [Theory]
    [InlineData("--bogus")]
    [InlineData("migrate")]
    [InlineData("--", "extra")]
    public async Task RunAsync_UnknownArgument_ConfigurationErrorBeforeAnythingStarts(params string[] args)
    {
        var exitCode = await RunAsync(args);

        Assert.Equal(CivisJobExitCodes.ConfigurationError, exitCode);
        Assert.False(started);
        Assert.False(ran);
        Assert.Contains("test-job cannot run, its command line is wrong (exit code 78)", errors.ToString(), StringComparison.Ordinal);
        Assert.Contains(args[^1], errors.ToString(), StringComparison.Ordinal);
        Assert.Contains("Run 'test-job --help' for its usage.", errors.ToString(), StringComparison.Ordinal);
        Assert.Empty(output.ToString()); // no logging was even set up
    }

    [Fact]
    public async Task RunAsync_OptionValueMalformed_ConfigurationErrorNamingTheOption()
    {
        var batch = new Option<int>("--batch-size");

        var exitCode = await RunAsync(["--batch-size", "many"], o => o.Command.Options.Add(batch));

        Assert.Equal(CivisJobExitCodes.ConfigurationError, exitCode);
        Assert.False(ran);
        Assert.Contains("--batch-size", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Help_PrintsUsageCommandsAndVariablesWithoutRunningOrStarting()
    {
        var exitCode = await RunAsync(["--help"], o =>
        {
            o.Command.Description = "Loads the bikeshare trips.";
            o.Require("BIKESHARE_USERNAME", "Missing bikeshare username");
            o.AddCommand("migrate", "Create the tables and exit", (_, _) => Task.CompletedTask);
        });

        Assert.Equal(CivisJobExitCodes.Success, exitCode);
        Assert.False(started);
        Assert.False(ran);
        var help = output.ToString();
        Assert.Contains("Loads the bikeshare trips.", help, StringComparison.Ordinal);
        Assert.Contains("Usage:", help, StringComparison.Ordinal);
        Assert.Contains("migrate", help, StringComparison.Ordinal);
        Assert.Contains("Create the tables and exit", help, StringComparison.Ordinal);
        Assert.Contains("BIKESHARE_USERNAME", help, StringComparison.Ordinal);
        Assert.Contains("required: Missing bikeshare username", help, StringComparison.Ordinal);
        Assert.Contains("CIVIS_API_KEY", help, StringComparison.Ordinal);
        Assert.Contains("POSTGRES_URI", help, StringComparison.Ordinal);
        Assert.DoesNotContain("Starting test-job", help, StringComparison.Ordinal);
        Assert.Empty(errors.ToString());
    }

    [Fact]
    public async Task RunAsync_HelpWithMissingRequiredVariables_StillPrintsHelp()
    {
        var exitCode = await RunAsync(["-h"], o => o.Require("BIKESHARE_PASSWORD"), Create());

        Assert.Equal(CivisJobExitCodes.Success, exitCode);
        Assert.Contains("BIKESHARE_PASSWORD", output.ToString(), StringComparison.Ordinal);
        Assert.Empty(errors.ToString());
    }

    [Fact]
    public async Task RunAsync_DeclaredCommand_RunsItInsteadOfTheJobWithItsOptions()
    {
        string? seen = null;
        var file = new Argument<string?>("file") { Arity = ArgumentArity.ZeroOrOne };
        var dryRun = new Option<bool>("--dry-run");

        var exitCode = await RunAsync(["migrate", "trips.csv.gz", "--dry-run"], o =>
        {
            var migrate = o.AddCommand("migrate", "Replace the table", (job, _) =>
            {
                seen = $"{job.CommandName} {job.GetValue(file)} {job.GetValue(dryRun)} {string.Join(' ', job.Arguments)}";
                job.Logger.LogInformation("migrating");
                return Task.CompletedTask;
            });
            migrate.Arguments.Add(file);
            migrate.Options.Add(dryRun);
        });

        Assert.Equal(CivisJobExitCodes.Success, exitCode);
        Assert.False(ran);
        Assert.True(started);
        Assert.Equal("migrate trips.csv.gz True migrate trips.csv.gz --dry-run", seen);
        Assert.Contains("info test-job: migrating", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoArgumentsWithCommandsDeclared_RunsTheJobItself()
    {
        string? command = "unset";

        var exitCode = await CivisJob.RunAsync([], (job, _) => { command = job.CommandName; return Task.CompletedTask; }, o =>
        {
            o.Environment = Create();
            o.Output = output;
            o.ErrorOutput = errors;
            o.HandleShutdownSignals = false;
            o.AddCommand("migrate", "Replace the table", (_, _) => throw new InvalidOperationException("not this one"));
        }, TestContext.Current.CancellationToken);

        Assert.Equal(CivisJobExitCodes.Success, exitCode);
        Assert.Null(command);
    }

    [Fact]
    public async Task RunAsync_RootOption_JobReadsItsValue()
    {
        var since = new Option<DateOnly?>("--since");
        DateOnly? seen = null;

        var exitCode = await CivisJob.RunAsync(["--since", "2016-01-01"], (job, _) => { seen = job.GetValue(since); return Task.CompletedTask; }, o =>
        {
            o.Environment = Create();
            o.Output = output;
            o.ErrorOutput = errors;
            o.HandleShutdownSignals = false;
            o.Command.Options.Add(since);
        }, TestContext.Current.CancellationToken);

        Assert.Equal(CivisJobExitCodes.Success, exitCode);
        Assert.Equal(new DateOnly(2016, 1, 1), seen);
    }

    [Fact]
    public void AddCommand_EmptyName_Throws() =>
        Assert.Throws<ArgumentException>(() => new CivisJobOptions().AddCommand(" ", "nothing", (_, _) => Task.CompletedTask));
}
