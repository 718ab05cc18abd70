using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Aqueduct.Civis.Tool.Commands;

/// <summary>
/// <c>local-warehouse remove</c>: stops and removes the local warehouse a DEV run kept
/// (<c>AQUEDUCT_KEEP_LOCAL_WAREHOUSE=1</c>). The directory and its <c>warehouse.json</c> (<c>port</c>,
/// <c>binDirectory</c>) are those Aqueduct.Civis.Testing's <c>LocalWarehouse</c> writes.
/// </summary>
internal static class LocalWarehouseCommands
{
    /// <summary>The variable naming the kept warehouse's directory (as in Aqueduct.Civis.Testing).</summary>
    public const string DirectoryVariable = "AQUEDUCT_LOCAL_WAREHOUSE_DIR";

    public static Command Create(CivisTool tool)
    {
        var command = new Command("local-warehouse", "The local warehouse a DEV run kept with AQUEDUCT_KEEP_LOCAL_WAREHOUSE=1.");
        var remove = new Command("remove", $"Stop the kept local warehouse's PostgreSQL server and remove its directory ({DirectoryVariable}, or aqueduct-local-warehouse-USER in the temporary directory).");
        remove.SetAction(tool.Action(async (parseResult, cancellationToken) =>
        {
            var context = tool.Context;
            var directory = KeptDirectory(context.GetVariable(DirectoryVariable));
            if (!Directory.Exists(directory))
            {
                context.Output.Info($"No kept local warehouse in {directory}: nothing to remove.");
                context.Output.WriteJson(new JsonObject { ["removed"] = false, ["directory"] = directory });
                return ToolExitCodes.Success;
            }

            var (port, binDirectory) = ReadState(Path.Combine(directory, "warehouse.json"));
            var data = Path.Combine(directory, "data");
            if (binDirectory is not null && File.Exists(Path.Combine(data, "postmaster.pid")))
            {
                var stopped = await StopAsync(binDirectory, data, cancellationToken).ConfigureAwait(false);
                if (stopped is not null)
                {
                    throw new ToolException($"Could not stop the kept local warehouse's server in {directory}: {stopped}");
                }
            }

            Directory.Delete(directory, recursive: true);
            context.Output.Info(port is null
                ? $"Removed the kept local warehouse in {directory}."
                : $"Stopped the kept local warehouse's server on port {port} and removed {directory}.");
            context.Output.WriteJson(new JsonObject { ["removed"] = true, ["directory"] = directory, ["port"] = port });
            return ToolExitCodes.Success;
        }));
        command.Subcommands.Add(remove);
        return command;
    }

    private static string KeptDirectory(string? configured) => Path.GetFullPath(string.IsNullOrWhiteSpace(configured)
        ? Path.Combine(Path.GetTempPath(), "aqueduct-local-warehouse-" + System.Environment.UserName)
        : configured.Trim());

    private static (int? Port, string? BinDirectory) ReadState(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            return (root.TryGetProperty("port", out var port) ? port.GetInt32() : null,
                root.TryGetProperty("binDirectory", out var bin) ? bin.GetString() : null);
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidOperationException or FormatException)
        {
            return (null, null);
        }
    }

    /// <summary>Runs <c>pg_ctl stop</c> (as the <c>postgres</c> OS user when this process is root); the error text, or null.</summary>
    private static async Task<string?> StopAsync(string binDirectory, string data, CancellationToken cancellationToken)
    {
        var pgCtl = Path.Combine(binDirectory, OperatingSystem.IsWindows() ? "pg_ctl.exe" : "pg_ctl");
        var asServerUser = !OperatingSystem.IsWindows() && System.Environment.IsPrivilegedProcess;
        var start = new ProcessStartInfo(asServerUser ? "runuser" : pgCtl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asServerUser)
        {
            foreach (var argument in new[] { "-u", "postgres", "--", pgCtl })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in new[] { "stop", "-D", data, "-m", "fast", "-w" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new ToolException($"Could not start {pgCtl}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return process.ExitCode == 0 ? null : $"pg_ctl stop exited with {process.ExitCode}: {(await output.ConfigureAwait(false) + await error.ConfigureAwait(false)).Trim()}";
    }
}
