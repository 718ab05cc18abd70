using System.Diagnostics;
using System.Globalization;

namespace Aqueduct.Civis.Tool.Commands;

/// <summary>
/// <c>local</c>: runs the job on this machine with its parameters' values under the names the platform injects
/// (<c>NAME</c>, <c>NAME_SHELL_ESCAPED</c>, ...), <c>.env</c> beneath them, the process environment over both, and
/// <c>DEV=1</c> unless set; credentials come from <c>.env</c> as in any local run, never from the manifest.
/// </summary>
internal static class LocalRunner
{
    /// <summary>The variables the platform would inject for the manifest's parameter values (or defaults).</summary>
    public static Dictionary<string, string> PlatformVariables(CivisJobManifest manifest)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var parameter in manifest.Parameters)
        {
            var value = parameter.Value ?? parameter.Default;
            if (value is null)
            {
                continue;
            }

            var name = parameter.Name.ToUpperInvariant();
            switch (parameter.Type)
            {
                case CivisParameterType.String or CivisParameterType.MultiLineString:
                    variables[name] = value;
                    variables[name + "_SHELL_ESCAPED"] = ShellEscape(value);
                    break;
                case CivisParameterType.Integer or CivisParameterType.Float or CivisParameterType.Bool or CivisParameterType.File:
                    variables[name] = value;
                    break;
            }
        }

        return variables;
    }

    /// <summary>The job's whole environment for a local run: <c>.env</c>, then the parameters, then the process's own.</summary>
    public static Dictionary<string, string> Environment(ToolContext context, CivisJobManifest manifest)
    {
        var environment = new Dictionary<string, string>(context.DotEnv, StringComparer.Ordinal);
        foreach (var (name, value) in PlatformVariables(manifest))
        {
            if (context.GetProcessVariable(name) is null)
            {
                environment[name] = value;
            }
        }

        environment[CivisJobManifest.PathVariable] = manifest.File;
        if (context.GetProcessVariable("DEV") is null && !context.DotEnv.ContainsKey("DEV"))
        {
            environment["DEV"] = "1";
        }

        return environment;
    }

    /// <summary>Runs the command with the environment and returns its exit code; cancellation sends it SIGTERM.</summary>
    public static async Task<int> RunAsync(ToolContext context, IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(command[0]) { WorkingDirectory = context.WorkingDirectory, UseShellExecute = false };
        foreach (var argument in command.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo) ?? throw new ToolException($"Could not start {command[0]}.");
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Pass the interruption on as the platform would (SIGTERM), and give the job its graceful shutdown.
            using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString(CultureInfo.InvariantCulture) } }))
            {
                await (kill?.WaitForExitAsync(CancellationToken.None) ?? Task.CompletedTask).ConfigureAwait(false);
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(GraceSeconds));
            try
            {
                await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }

            return ToolExitCodes.Cancelled;
        }

        return process.ExitCode;
    }

    private const int GraceSeconds = 30;

    /// <summary>A value quoted for <c>sh</c>, as the platform's <c>_SHELL_ESCAPED</c> variables are.</summary>
    internal static string ShellEscape(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
