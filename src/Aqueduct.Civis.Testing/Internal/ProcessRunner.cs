using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Aqueduct.Civis.Testing.Internal;

/// <summary>Runs a command to completion and captures its output.</summary>
internal static class ProcessRunner
{
    /// <summary>Runs <paramref name="fileName"/>; a command that cannot be started reports exit code -1.</summary>
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IReadOnlyList<string> arguments,
        string? workingDirectory = null,
        CancellationToken cancellationToken = default)
    {
        using var process = new Process { StartInfo = CreateStartInfo(fileName, arguments, workingDirectory) };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            return new ProcessResult(-1, string.Create(CultureInfo.InvariantCulture, $"could not run {fileName}: {ex.Message}"));
        }

        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }

        return new ProcessResult(process.ExitCode, Join(await output.ConfigureAwait(false), await error.ConfigureAwait(false)));
    }

    /// <summary>Runs <paramref name="fileName"/> synchronously, for process-exit handlers where nothing can be awaited.</summary>
    public static ProcessResult Run(string fileName, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        using var process = new Process { StartInfo = CreateStartInfo(fileName, arguments, workingDirectory: null) };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            return new ProcessResult(-1, string.Create(CultureInfo.InvariantCulture, $"could not run {fileName}: {ex.Message}"));
        }

        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            Kill(process);
            return new ProcessResult(-1, string.Create(CultureInfo.InvariantCulture, $"{fileName} did not finish within {timeout.TotalSeconds:0} s"));
        }

        // The parameterless overload waits for the output handlers to drain.
        process.WaitForExit();
        lock (output)
        {
            return new ProcessResult(process.ExitCode, output.ToString().Trim());
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static ProcessStartInfo CreateStartInfo(string fileName, IReadOnlyList<string> arguments, string? workingDirectory)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        if (workingDirectory is not null)
        {
            startInfo.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Messages from initdb and pg_ctl are matched (port clashes), so keep them in English.
        startInfo.Environment["LC_MESSAGES"] = "C";
        return startInfo;
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private static string Join(string output, string error) =>
        (output.Trim() + Environment.NewLine + error.Trim()).Trim();
}
