using System.Diagnostics;
using System.IO.Compression;
using Aqueduct.Civis.Tool.Tests.Infrastructure;

namespace Aqueduct.Civis.Tool.Tests;

/// <summary><c>dotnet pack</c> makes a .NET tool package; installed, it answers as <c>dotnet civis</c>.</summary>
public sealed class PackTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("aqueduct-tool-pack-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task Pack_ThenToolInstall_DotnetCivisAnswers()
    {
        var repository = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ToolProcess.ToolAssemblyPath)!, "..", "..", "..", "..", ".."));
        var packages = Path.Combine(root, "packages");
        var version = "0.1.0-packtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);

        // A configuration of its own, and no restore (the test build restored), so that this build does not write over
        // the outputs of another test's pack or build of the same projects running at the same time.
        var pack = await DotnetAsync(root, null, "pack", Path.Combine(repository, "src", "Aqueduct.Civis.Tool"), "--configuration", "ToolPackTest", "--no-restore",
            "--output", packages, "-p:VersionSuffix=" + version["0.1.0-".Length..]);
        Assert.True(pack.ExitCode == 0, pack.Output);

        var package = Path.Combine(packages, $"Aqueduct.Civis.Tool.{version}.nupkg");
        using (var zip = ZipFile.OpenRead(package))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("tools/net10.0/any/dotnet-civis.dll", entries);
            Assert.Contains("tools/net10.0/any/DotnetToolSettings.xml", entries);
            Assert.Contains("tools/net10.0/any/Aqueduct.Civis.dll", entries);
        }

        var tools = Path.Combine(root, "tools");
        var install = await DotnetAsync(root, null, "tool", "install", "Aqueduct.Civis.Tool", "--version", version, "--tool-path", tools, "--add-source", packages);
        try
        {
            Assert.True(install.ExitCode == 0, install.Output);

            // The dotnet CLI runs `dotnet civis` as the dotnet-civis command it finds on PATH.
            var help = await DotnetAsync(root, tools + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"), "civis", "--help");
            Assert.True(help.ExitCode == 0, help.Output);
            Assert.Contains("deploy", help.Output, StringComparison.Ordinal);
        }
        finally
        {
            // A version of its own was packed; drop it from the machine's package cache again.
            var cached = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"), "aqueduct.civis.tool", version);
            if (Directory.Exists(cached))
            {
                Directory.Delete(cached, recursive: true);
            }
        }
    }

    private static async Task<(int ExitCode, string Output)> DotnetAsync(string workingDirectory, string? path, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var name in startInfo.Environment.Keys.Where(n => n.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || n.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase) || n == "DOTNET_HOST_PATH").ToList())
        {
            startInfo.Environment.Remove(name);
        }

        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        if (path is not null)
        {
            startInfo.Environment["PATH"] = path;
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(8));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, $"$ dotnet {string.Join(' ', arguments)}\n{await output}{await error}");
    }
}
