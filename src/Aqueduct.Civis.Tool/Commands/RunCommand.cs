using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Aqueduct.Civis.Api;
using Aqueduct.Civis.Api.Models;

namespace Aqueduct.Civis.Tool.Commands;

/// <summary>
/// <c>run [--follow]</c>: starts a run of the deployed script, waits for it (streaming its logs with
/// <c>--follow</c>) and exits with its outcome; Ctrl+C or SIGTERM cancels the remote run. At the end it
/// prints the duration and the memory and CPU used against what the script requests.
/// </summary>
internal static class RunCommand
{
    public static Command Create(CivisTool tool)
    {
        var follow = new Option<bool>("--follow") { Description = "Stream the run's logs while it runs." };
        var detach = new Option<bool>("--detach") { Description = "Start the run, print its id and exit without waiting." };
        var script = ScriptLocator.CreateOption();
        var command = new Command("run", "Run the deployed job on the platform, wait for it and exit with its outcome (0 succeeded, 1 failed, 143 cancelled).")
        {
            follow, detach, script,
        };
        command.SetAction(tool.Action(async (parseResult, cancellationToken) =>
        {
            var context = tool.Context;
            var client = context.Client;
            var located = await ScriptLocator.LocateAsync(tool, parseResult, script, cancellationToken).ConfigureAwait(false);
            var scriptId = located.Id;
            ContainerRun started;
            try
            {
                started = await client.Scripts.StartContainerRunAsync(scriptId, cancellationToken).ConfigureAwait(false);
            }
            catch (CivisApiException e) when (e.StatusCode == 409)
            {
                throw new ToolException($"Script {scriptId} is already running (a script has one run at a time): dotnet civis runs, or dotnet civis cancel.", ToolExitCodes.Failure, e);
            }

            var runId = started.Id ?? throw new ToolException("The platform started a run but gave no id.");
            context.Output.Info($"Started run {runId} of script {scriptId} ('{located.Name}').");
            if (parseResult.GetValue(detach))
            {
                context.Output.Line(runId.ToString(CultureInfo.InvariantCulture));
                context.Output.WriteJson(new JsonObject { ["scriptId"] = scriptId, ["runId"] = runId, ["state"] = started.State });
                return ToolExitCodes.Success;
            }

            return await WaitAsync(context, scriptId, runId, parseResult.GetValue(follow), cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary>Waits for a run (following its logs if asked), prints its outcome and resource use, and returns the exit code.</summary>
    internal static async Task<int> WaitAsync(ToolContext context, int scriptId, int runId, bool follow, CancellationToken cancellationToken)
    {
        var client = context.Client;
        using var logsDone = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var logs = follow ? FollowLogsAsync(context, scriptId, runId, logsDone.Token) : Task.CompletedTask;
        ContainerRun run;
        int exitCode;
        string? failure = null;
        try
        {
            run = await client.Scripts.WaitForContainerRunAsync(scriptId, runId, cancelRunOnCancellation: true, cancellationToken).ConfigureAwait(false);
            exitCode = ToolExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // WaitForContainerRunAsync has asked the platform to cancel the run (DELETE .../runs/{id}).
            await logsDone.CancelAsync().ConfigureAwait(false);
            await Quietly(logs).ConfigureAwait(false);
            context.Output.Error($"interrupted: cancelled run {runId} of script {scriptId} on the platform.");
            context.Output.WriteJson(new JsonObject { ["scriptId"] = scriptId, ["runId"] = runId, ["state"] = "cancelled" });
            return ToolExitCodes.Cancelled;
        }
        catch (CivisRunFailedException e)
        {
            exitCode = e.IsCancelled ? ToolExitCodes.Cancelled : ToolExitCodes.Failure;
            failure = e.Message;
            using var read = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            run = await client.Scripts.GetContainerRunAsync(scriptId, runId, read.Token).ConfigureAwait(false);
        }

        // The run has ended: the log stream ends by itself once the platform says no more logs will come.
        using (var drain = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        await using (drain.Token.Register(logsDone.Cancel).ConfigureAwait(false))
        {
            await Quietly(logs).ConfigureAwait(false);
        }

        if (failure is not null)
        {
            context.Output.Error(failure);
        }

        var requested = await TryGetResourcesAsync(client, scriptId).ConfigureAwait(false);
        Report(context, run, requested);
        return exitCode;
    }

    private static async Task FollowLogsAsync(ToolContext context, int scriptId, int runId, CancellationToken cancellationToken)
    {
        await foreach (var entry in context.Client.Jobs.ReadLogsAsync(scriptId, runId, follow: true, cancellationToken).ConfigureAwait(false))
        {
            context.Output.Line(entry.Message ?? "");
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or CivisApiException)
        {
            // Logs are a convenience; the run's outcome decides the exit code.
        }
    }

    private static async Task<RequiredResources?> TryGetResourcesAsync(CivisClient client, int scriptId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            return (await client.Scripts.GetContainerAsync(scriptId, timeout.Token).ConfigureAwait(false)).RequiredResources;
        }
        catch (Exception e) when (e is CivisApiException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>The closing summary: state, duration, memory and CPU against the request, and a sizing hint.</summary>
    internal static void Report(ToolContext context, ContainerRun run, RequiredResources? requested)
    {
        var duration = run.StartedAt is { } start && run.FinishedAt is { } end ? end - start : (TimeSpan?)null;
        var lines = new List<string>
        {
            $"Run {run.Id}: {run.State}" + (duration is { } d ? $" in {FormatDuration(d)}" : ""),
        };
        var memory = Usage("memory", run.MaxMemoryUsage, requested?.Memory, "MB");
        var cpu = Usage("CPU", run.MaxCpuUsage, requested?.Cpu, "millicores");
        lines.Add(memory.Line);
        lines.Add(cpu.Line);
        lines.AddRange(new[] { memory.Hint, cpu.Hint }.OfType<string>());
        foreach (var line in lines)
        {
            context.Output.Info(line);
        }

        context.Output.WriteJson(new JsonObject
        {
            ["scriptId"] = run.ContainerId,
            ["runId"] = run.Id,
            ["state"] = run.State,
            ["error"] = run.Error,
            ["durationSeconds"] = duration?.TotalSeconds,
            ["maxMemoryUsageMb"] = run.MaxMemoryUsage,
            ["requestedMemoryMb"] = requested?.Memory,
            ["maxCpuUsageMillicores"] = run.MaxCpuUsage,
            ["requestedCpuMillicores"] = requested?.Cpu,
            ["hints"] = new JsonArray([.. new[] { memory.Hint, cpu.Hint }.OfType<string>().Select(h => (JsonNode)h)]),
        });
    }

    /// <summary>One resource's line, and a hint when the run used far less (under 25 %) or nearly all (over 90 %) of it.</summary>
    internal static (string Line, string? Hint) Usage(string what, double? used, int? requested, string unit)
    {
        if (used is not { } u)
        {
            return ($"Max {what}: not reported", null);
        }

        if (requested is not { } r || r <= 0)
        {
            return ($"Max {what}: {u:0} {unit}", null);
        }

        var share = u / r;
        var line = string.Create(CultureInfo.InvariantCulture, $"Max {what}: {u:0} of {r} {unit} requested ({share:P0})");
        string? hint = share switch
        {
            > 0.9 => string.Create(CultureInfo.InvariantCulture, $"hint: the run used {share:P0} of its {what}; raise resources.{(what == "memory" ? "memory" : "cpu")} in the manifest before it runs out."),
            < 0.25 => string.Create(CultureInfo.InvariantCulture, $"hint: the run used only {share:P0} of its {what}; about {Math.Max(u * 2, 1):0} {unit} would do (resources.{(what == "memory" ? "memory" : "cpu")} in the manifest)."),
            _ => null,
        };
        return (line, hint);
    }

    internal static string FormatDuration(TimeSpan duration)
        => duration.TotalHours >= 1
            ? duration.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : duration.TotalMinutes >= 1 ? $"{(int)duration.TotalMinutes}m {duration.Seconds}s" : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.0}s");
}
