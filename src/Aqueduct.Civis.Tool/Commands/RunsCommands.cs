using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Aqueduct.Civis.Api;
using Aqueduct.Civis.Api.Models;

namespace Aqueduct.Civis.Tool.Commands;

/// <summary><c>logs RUN</c>, <c>runs</c> and <c>cancel [RUN]</c>, on the deployed script.</summary>
internal static class RunsCommands
{
    public static Command CreateLogs(CivisTool tool)
    {
        var run = new Argument<int>("RUN") { Description = "The run's id (see: dotnet civis runs)." };
        var follow = new Option<bool>("--follow") { Description = "Keep reading while the run may still write logs." };
        var script = ScriptLocator.CreateOption();
        var command = new Command("logs", "Print a run's logs.") { run, follow, script };
        command.SetAction(tool.Action(async (parseResult, cancellationToken) =>
        {
            var context = tool.Context;
            var located = await ScriptLocator.LocateAsync(tool, parseResult, script, cancellationToken).ConfigureAwait(false);
            var entries = new JsonArray();
            await foreach (var entry in context.Client.Jobs.ReadLogsAsync(located.Id, parseResult.GetValue(run), parseResult.GetValue(follow), cancellationToken).ConfigureAwait(false))
            {
                context.Output.Line(context.Output.IsTerminal ? $"{ServiceCommands.Format(entry.CreatedAt)}  {entry.Message}" : entry.Message ?? "");
                entries.Add(new JsonObject
                {
                    ["id"] = entry.Id,
                    ["createdAt"] = entry.CreatedAt?.ToString("O", CultureInfo.InvariantCulture),
                    ["level"] = entry.Level,
                    ["message"] = entry.Message,
                });
            }

            context.Output.WriteJson(entries);
            return ToolExitCodes.Success;
        }));
        return command;
    }

    public static Command CreateRuns(CivisTool tool)
    {
        var limit = new Option<int>("--limit", "-n") { Description = "How many of the latest runs.", DefaultValueFactory = _ => 10 };
        var script = ScriptLocator.CreateOption();
        var command = new Command("runs", "List the latest runs: state, start, duration, memory and CPU.") { limit, script };
        command.SetAction(tool.Action(async (parseResult, cancellationToken) =>
        {
            var context = tool.Context;
            var located = await ScriptLocator.LocateAsync(tool, parseResult, script, cancellationToken).ConfigureAwait(false);
            var runs = new List<ContainerRun>();
            await foreach (var run in context.Client.Scripts.ListContainerRunsAsync(located.Id, cancellationToken).ConfigureAwait(false))
            {
                runs.Add(run);
                if (runs.Count >= Math.Max(1, parseResult.GetValue(limit)))
                {
                    break;
                }
            }

            context.Output.Table(
                ["RUN", "STATE", "STARTED", "DURATION", "MEMORY (MB)", "CPU (millicores)"],
                runs.Select(r => (IReadOnlyList<string>)[
                    r.Id?.ToString(CultureInfo.InvariantCulture) ?? "",
                    r.State ?? "",
                    ServiceCommands.Format(r.StartedAt ?? r.CreatedAt),
                    r.StartedAt is { } s && r.FinishedAt is { } f ? RunCommand.FormatDuration(f - s) : "",
                    r.MaxMemoryUsage?.ToString("0", CultureInfo.InvariantCulture) ?? "",
                    r.MaxCpuUsage?.ToString("0", CultureInfo.InvariantCulture) ?? "",
                ]));
            context.Output.WriteJson(new JsonArray([.. runs.Select(r => (JsonNode)new JsonObject
            {
                ["id"] = r.Id,
                ["state"] = r.State,
                ["createdAt"] = r.CreatedAt?.ToString("O", CultureInfo.InvariantCulture),
                ["startedAt"] = r.StartedAt?.ToString("O", CultureInfo.InvariantCulture),
                ["finishedAt"] = r.FinishedAt?.ToString("O", CultureInfo.InvariantCulture),
                ["error"] = r.Error,
                ["maxMemoryUsage"] = r.MaxMemoryUsage,
                ["maxCpuUsage"] = r.MaxCpuUsage,
            })]));
            return ToolExitCodes.Success;
        }));
        return command;
    }

    public static Command CreateCancel(CivisTool tool)
    {
        var run = new Argument<int?>("RUN") { Description = "The run to cancel (default: the script's queued or running run).", Arity = ArgumentArity.ZeroOrOne };
        var script = ScriptLocator.CreateOption();
        var command = new Command("cancel", "Cancel a run on the platform (its container gets SIGTERM, then SIGKILL after cancelTimeout).") { run, script };
        command.SetAction(tool.Action(async (parseResult, cancellationToken) =>
        {
            var context = tool.Context;
            var client = context.Client;
            var located = await ScriptLocator.LocateAsync(tool, parseResult, script, cancellationToken).ConfigureAwait(false);
            var runId = parseResult.GetValue(run);
            if (runId is null)
            {
                await foreach (var candidate in client.Scripts.ListContainerRunsAsync(located.Id, cancellationToken).ConfigureAwait(false))
                {
                    if (candidate.State is "queued" or "running")
                    {
                        runId = candidate.Id;
                        break;
                    }
                }

                if (runId is null)
                {
                    throw new ToolException($"Script {located.Id} ('{located.Name}') has no queued or running run.");
                }
            }

            await client.Scripts.CancelContainerRunAsync(located.Id, runId.Value, cancellationToken).ConfigureAwait(false);
            context.Output.Line($"Asked the platform to cancel run {runId} of script {located.Id}.");
            context.Output.WriteJson(new JsonObject { ["scriptId"] = located.Id, ["runId"] = runId, ["cancelRequested"] = true });
            return ToolExitCodes.Success;
        }));
        return command;
    }
}
