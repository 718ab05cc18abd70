using System.CommandLine;
using Aqueduct.Civis.Tool.Commands;

namespace Aqueduct.Civis.Tool;

/// <summary>The <c>dotnet civis</c> command line: its commands, global options, and the mapping of failures to exit codes.</summary>
internal sealed class CivisTool
{
    /// <summary>The manifest's default file name.</summary>
    public const string DefaultManifest = "civis-job.yaml";

    private ToolContext? _context;

    private CivisTool()
    {
        JsonOption = new Option<bool>("--json") { Description = "Write the result as JSON on standard output (for scripts).", Recursive = true };
        ManifestOption = new Option<string>("--manifest", "-f")
        {
            Description = "The job manifest.",
            DefaultValueFactory = _ => DefaultManifest,
            Recursive = true,
        };
    }

    /// <summary><c>--json</c>, on every command.</summary>
    public Option<bool> JsonOption { get; }

    /// <summary><c>--manifest</c>, on every command.</summary>
    public Option<string> ManifestOption { get; }

    public ToolContext Context => _context ?? throw new InvalidOperationException("No command is running.");

    /// <summary>Parses and runs one command line.</summary>
    public static async Task<int> RunAsync(
        string[] args, TextWriter output, TextWriter error, string workingDirectory, Func<string, string?> environment, bool isTerminal, CancellationToken cancellationToken)
    {
        var tool = new CivisTool();
        var root = tool.CreateRootCommand();
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var parseError in parseResult.Errors)
            {
                await error.WriteLineAsync("error: " + parseError.Message).ConfigureAwait(false);
            }

            await error.WriteLineAsync("Run 'dotnet civis --help' for the commands and their options.").ConfigureAwait(false);
            return ToolExitCodes.Usage;
        }

        tool._context = new ToolContext(new ToolOutput(output, error, parseResult.GetValue(tool.JsonOption), isTerminal), workingDirectory, environment);
        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            // Program.cs handles SIGINT/SIGTERM itself, so a cancelled run can be cancelled on the platform before the exit.
            ProcessTerminationTimeout = null,
            EnableDefaultExceptionHandler = false,
        };
        return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Wraps a command's work: maps its failures to a message and an exit code.</summary>
    public Func<ParseResult, CancellationToken, Task<int>> Action(Func<ParseResult, CancellationToken, Task<int>> work)
        => async (parseResult, cancellationToken) =>
        {
            var output = Context.Output;
            try
            {
                return await work(parseResult, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                output.Error("cancelled.");
                return ToolExitCodes.Cancelled;
            }
            catch (ToolException e)
            {
                output.Error(e.Message);
                return e.ExitCode;
            }
            catch (CivisApiException e)
            {
                output.Error(e.StatusCode == 401
                    ? $"{e.Message} The API key ({ToolContext.ApiKeyVariable}) is missing, wrong or expired (keys expire at least every 30 days)."
                    : e.Message);
                return ToolExitCodes.Failure;
            }
            catch (CivisRunFailedException e)
            {
                output.Error(e.Message);
                return e.IsCancelled ? ToolExitCodes.Cancelled : ToolExitCodes.Failure;
            }
            catch (Exception e) when (Manifests.IsManifestError(e))
            {
                output.Error(e.Message);
                return ToolExitCodes.Configuration;
            }
            catch (IOException e)
            {
                output.Error(e.Message);
                return ToolExitCodes.Failure;
            }
            catch (UnauthorizedAccessException e)
            {
                output.Error(e.Message);
                return ToolExitCodes.Failure;
            }
            catch (Exception e) when (e is InvalidOperationException or System.Text.Json.JsonException or HttpRequestException or NotSupportedException or ArgumentException)
            {
                // Not expected, but a message and exit code 1 serve a script better than a stack trace.
                output.Error($"{e.GetType().Name}: {e.Message}");
                return ToolExitCodes.Failure;
            }
        };

    private RootCommand CreateRootCommand()
    {
        var root = new RootCommand(
            "dotnet civis: deploy a job's civis-job.yaml to the Civis Platform and run, watch and share it. "
            + $"The API key comes from {ToolContext.ApiKeyVariable} (environment or .env), the address from {ToolContext.ApiEndpointVariable}. "
            + "Exit codes: 0 ok, 1 failure, 2 usage error, 78 configuration error, 143 cancelled.");
        root.Options.Add(JsonOption);
        root.Options.Add(ManifestOption);
        root.Subcommands.Add(DeployCommand.Create(this));
        root.Subcommands.Add(RunCommand.Create(this));
        root.Subcommands.Add(RunsCommands.CreateLogs(this));
        root.Subcommands.Add(RunsCommands.CreateRuns(this));
        root.Subcommands.Add(RunsCommands.CreateCancel(this));
        root.Subcommands.Add(EnvCommands.Create(this));
        root.Subcommands.Add(EnvCommands.CreateLocal(this));
        root.Subcommands.Add(LocalWarehouseCommands.Create(this));
        root.Subcommands.Add(ServiceCommands.Create(this));
        root.Subcommands.Add(FilesCommands.Create(this));
        root.Subcommands.Add(ApiCommand.Create(this));
        return root;
    }
}
