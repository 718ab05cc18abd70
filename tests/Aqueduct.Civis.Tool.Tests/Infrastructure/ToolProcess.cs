using System.Diagnostics;
using System.Text;

namespace Aqueduct.Civis.Tool.Tests.Infrastructure;

/// <summary>
/// The built tool (<c>dotnet dotnet-civis.dll ...</c>) as a real process, with a clean environment, its own
/// working directory, and standard output and error captured apart.
/// </summary>
internal sealed class ToolProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();

    private ToolProcess(string workingDirectory, IReadOnlyDictionary<string, string?> variables, IReadOnlyList<string> arguments)
    {
        var startInfo = Aqueduct.Civis.Tests.Shared.DotnetProcessStart.Create(workingDirectory);
        startInfo.ArgumentList.Add(ToolAssemblyPath);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var name in startInfo.Environment.Keys.ToList())
        {
            if (name.StartsWith("CIVIS_", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase)
                || name is "DEV" or "POSTGRES_URI" or "REDSHIFT_URI")
            {
                startInfo.Environment.Remove(name);
            }
        }

        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in variables)
        {
            startInfo.Environment[name] = value;
        }

        _process = new Process { StartInfo = startInfo };
        _process.OutputDataReceived += (_, e) => Append(_output, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_error, e.Data);
        _process.Start();
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The tool's built assembly, in the tool project's output for this test run's configuration.</summary>
    public static string ToolAssemblyPath
    {
        get
        {
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)); // tests/X/bin/<Configuration>/<tfm>
            var configuration = testBin.Parent!.Name;
            var root = testBin.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
            return Path.Combine(root, "src", "Aqueduct.Civis.Tool", "bin", configuration, testBin.Name, "dotnet-civis.dll");
        }
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    /// <summary>Standard output and error, for assertion messages.</summary>
    public string All => $"--- stdout\n{Output}--- stderr\n{Error}";

    public static ToolProcess Start(string workingDirectory, IReadOnlyDictionary<string, string?> variables, params string[] arguments)
        => new(workingDirectory, variables, arguments);

    /// <summary>Runs the tool to its end.</summary>
    public static async Task<ToolProcess> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?> variables, params string[] arguments)
    {
        var process = Start(workingDirectory, variables, arguments);
        await process.WaitAsync(TimeSpan.FromMinutes(2));
        return process;
    }

    public int ExitCode => _process.ExitCode;

    public async Task WaitAsync(TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The tool did not exit within {timeout}.\n{All}");
        }

        _process.WaitForExit(); // drains the output events
    }

    /// <summary>Waits until standard output or error holds a text.</summary>
    public async Task WaitForAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal) && !Error.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The tool never wrote '{text}'.\n{All}");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Sends a POSIX signal (SIGINT = 2, SIGTERM = 15) to the tool's process.</summary>
    public void Signal(int signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal.ToString(System.Globalization.CultureInfo.InvariantCulture), _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {_process.Id} failed.");
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }


    private static void Append(StringBuilder builder, string? line)
    {
        if (line is not null)
        {
            lock (builder)
            {
                builder.AppendLine(line);
            }
        }
    }
}
