using System.CommandLine;

namespace Aqueduct.Civis.Tool.Commands;

internal static class EnvCommands
{
    public static Command Create(CivisTool tool)
    {
        var command = new Command("env", "Check .env against the manifest, or write .env.example.");
        command.SetAction(tool.Action((parseResult, cancellationToken) => Task.FromResult(ToolExitCodes.Failure)));
        return command;
    }

    public static Command CreateLocal(CivisTool tool)
    {
        var command = new Command("local", "Run the job locally with the platform's variable names.");
        command.SetAction(tool.Action((parseResult, cancellationToken) => Task.FromResult(ToolExitCodes.Failure)));
        return command;
    }
}
