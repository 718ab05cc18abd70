using System.CommandLine;

namespace Aqueduct.Civis.Tool.Commands;

internal static class DeployCommand
{
    public static Command Create(CivisTool tool)
    {
        var command = new Command("deploy", "Deploy the manifest's job as a container script.");
        command.SetAction(tool.Action((parseResult, cancellationToken) => Task.FromResult(ToolExitCodes.Failure)));
        return command;
    }
}
