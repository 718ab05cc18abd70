using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;

namespace Aqueduct.Civis.Hosting;

/// <summary>
/// The job's command line, parsed before anything else runs: its errors (a configuration error), <c>--help</c> (the
/// usage, the commands and the variables the job needs) and <c>--version</c>, or the command to run.
/// </summary>
internal sealed class JobCommandLine
{
    /// <summary>The variables every job may read, with what they do, for <c>--help</c>.</summary>
    private static readonly (string Name, string Description)[] HostVariables =
    [
        (PlatformVariables.Dev, "1 on a developer's machine: reads .env (from here up to the repository root) and the local warehouse; unset in production"),
        (PlatformVariables.ApiKey, "the Civis API key (set by the platform; in .env for a local run); gives the job its Civis API client"),
        (PlatformVariables.ApiEndpoint, "the Civis API address, when not the default"),
        (PlatformVariables.LogLevel, "trace, debug, info (the default), warning, error, critical or none"),
        (PlatformVariables.PostgresUri, "DEV: the Postgres warehouse (postgres://user:password@host:port/database)"),
        (PlatformVariables.RedshiftUri, "DEV: the Redshift warehouse, the same way"),
        (PlatformVariables.JobId + ", " + PlatformVariables.RunId, "set by the platform on every run: the run's summary and errors are attached to it"),
    ];

    private readonly CivisJobOptions options;

    private JobCommandLine(CivisJobOptions options, ParseResult result)
    {
        this.options = options;
        Result = result;
    }

    /// <summary>The parsed command line.</summary>
    public ParseResult Result { get; }

    /// <summary>Whether the command line has errors: an unknown argument or command, a malformed or missing value.</summary>
    public bool HasErrors => Result.Errors.Count > 0;

    /// <summary>
    /// Whether the command line asks for something other than running the job: <c>--help</c>, <c>--version</c> or a
    /// directive, whose action the host invokes instead.
    /// </summary>
    public bool IsInformational => Result.Action is not null && !ReferenceEquals(Result.Action, Result.CommandResult.Command.Action);

    /// <summary>Parses the arguments with the job's command line.</summary>
    public static JobCommandLine Parse(CivisJobOptions options, IReadOnlyList<string> args) => new(options, options.Command.Parse(args));

    /// <summary>What runs: the command given on the command line, or the job itself.</summary>
    public Func<CivisJobContext, CancellationToken, Task> Select(Func<CivisJobContext, CancellationToken, Task> job)
    {
        for (var command = Result.CommandResult; command is not null; command = command.Parent as System.CommandLine.Parsing.CommandResult)
        {
            if (options.Commands.TryGetValue(command.Command, out var run))
            {
                return run;
            }
        }

        return job;
    }

    /// <summary>The errors, one per line, for the configuration error's message.</summary>
    public string DescribeErrors(string name) =>
        string.Join(" ", Result.Errors.Select(static e => e.Message.TrimEnd('.') + "."))
        + string.Create(CultureInfo.InvariantCulture, $" Run '{name} --help' for its usage.");

    /// <summary>Invokes <c>--help</c>, <c>--version</c> or the directive, and adds the variables to the help.</summary>
    public async Task<int> InvokeInformationalAsync(TextWriter output, TextWriter errorOutput, IReadOnlyList<RequiredVariable> requiredVariables)
    {
        var configuration = new InvocationConfiguration { Output = output, Error = errorOutput, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        var exitCode = await Result.InvokeAsync(configuration, CancellationToken.None).ConfigureAwait(false);
        if (Result.Action is HelpAction)
        {
            await output.WriteAsync(DescribeVariables(requiredVariables)).ConfigureAwait(false);
        }

        await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        return exitCode;
    }

    /// <summary>The help's variables: the job's required ones (with its messages), then the host's.</summary>
    internal static string DescribeVariables(IReadOnlyList<RequiredVariable> requiredVariables)
    {
        var rows = requiredVariables.Select(static v => (v.Name, Description: "required" + (v.Message is { Length: > 0 } m ? ": " + m : string.Empty))).ToList();
        var width = rows.Concat(HostVariables).Max(static r => r.Name.Length) + 2;
        var text = new System.Text.StringBuilder();
        if (rows.Count > 0)
        {
            text.AppendLine("Variables this job needs:");
            foreach (var (name, description) in rows)
            {
                text.Append("  ").Append(name.PadRight(width)).AppendLine(description);
            }

            text.AppendLine();
        }

        text.AppendLine("Variables of every job:");
        foreach (var (name, description) in HostVariables)
        {
            text.Append("  ").Append(name.PadRight(width)).AppendLine(description);
        }

        text.AppendLine();
        text.AppendLine("Exit codes: 0 success, 1 the job failed, 78 configuration error (a variable or argument), 143 cancelled.");
        return text.ToString();
    }
}
