using System.Diagnostics;
using System.Text;

namespace Aqueduct.Civis.Tests.Hosting;

/// <summary>The test job (tests/Aqueduct.Civis.TestJob) as a real process, with a clean environment and captured output.</summary>
internal sealed class TestJobProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly StringBuilder errors = new();
    private readonly TaskCompletionSource<bool> ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string workingDirectory = Directory.CreateTempSubdirectory("aqueduct-job-").FullName;

    private TestJobProcess(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?> variables, IReadOnlyDictionary<string, string>? files, string? subdirectory)
    {
        foreach (var (path, text) in files ?? new Dictionary<string, string>())
        {
            var full = Path.Combine(workingDirectory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }

        var start = subdirectory is null ? workingDirectory : Directory.CreateDirectory(Path.Combine(workingDirectory, subdirectory)).FullName;
        var startInfo = Aqueduct.Civis.Tests.Shared.DotnetProcessStart.Create(start); // no .env unless the test writes one
        startInfo.ArgumentList.Add(JobAssemblyPath);
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        foreach (var name in new[] { "DEV", "POSTGRES_URI", "REDSHIFT_URI", "CIVIS_API_KEY", "CIVIS_LOG_LEVEL", "TEST_JOB_USERNAME", "TEST_JOB_PASSWORD" })
        {
            startInfo.Environment.Remove(name);
        }

        foreach (var (name, value) in variables)
        {
            startInfo.Environment[name] = value;
        }

        process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data.EndsWith(": ready", StringComparison.Ordinal))
            {
                ready.TrySetResult(true);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
    }


    /// <summary>The built test job, next to this test project's output (same configuration).</summary>
    public static string JobAssemblyPath
    {
        get
        {
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)); // tests/X.Tests/bin/<Configuration>/<tfm>
            var configuration = testBin.Parent!.Name;
            var testsDirectory = testBin.Parent.Parent!.Parent!.Parent!.FullName;
            return Path.Combine(testsDirectory, "Aqueduct.Civis.TestJob", "bin", configuration, testBin.Name, "Aqueduct.Civis.TestJob.dll");
        }
    }

    public int Id => process.Id;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public string Errors
    {
        get
        {
            lock (errors)
            {
                return errors.ToString();
            }
        }
    }

    /// <summary>The temporary directory the job runs in (or above it, with a subdirectory).</summary>
    public string WorkingDirectory => workingDirectory;

    public static TestJobProcess Start(string mode, IReadOnlyDictionary<string, string?>? variables = null) => Start([mode], variables);

    /// <summary>Starts the job with these arguments, after writing <paramref name="files"/> (paths relative to <see cref="WorkingDirectory"/>).</summary>
    public static TestJobProcess Start(
        IReadOnlyList<string> args,
        IReadOnlyDictionary<string, string?>? variables = null,
        IReadOnlyDictionary<string, string>? files = null,
        string? subdirectory = null)
    {
        var job = new TestJobProcess(args, variables ?? new Dictionary<string, string?>(), files, subdirectory);
        job.process.Start();
        job.process.BeginOutputReadLine();
        job.process.BeginErrorReadLine();
        return job;
    }

    /// <summary>Waits until the job logged "ready" (the wait mode).</summary>
    public Task WaitUntilReadyAsync(CancellationToken cancellationToken) => ready.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);

    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        process.WaitForExit(); // drains the output handlers
        return process.ExitCode;
    }

    /// <summary>Sends a POSIX signal with kill(1), as the platform's container runtime does.</summary>
    public async Task SignalAsync(string signal, CancellationToken cancellationToken)
    {
        using var kill = Process.Start("kill", ["-" + signal, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync(cancellationToken);
        Assert.Equal(0, kill.ExitCode);
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
        Directory.Delete(workingDirectory, recursive: true);
    }
}
