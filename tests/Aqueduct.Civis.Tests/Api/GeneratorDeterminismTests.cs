using System.ComponentModel;
using System.Diagnostics;

namespace Aqueduct.Civis.Tests.Api;

/// <summary>eng/generate-api.py run into a temporary directory reproduces the committed generated files byte for byte.</summary>
public sealed class GeneratorDeterminismTests
{
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "eng", "generate-api.py")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No eng/generate-api.py above {AppContext.BaseDirectory}: the test runs from the repository's build output.");
    }

    /// <summary>The generated files under a root: the models, the generated halves of the sub-clients, the JSON context and the operation table.</summary>
    private static SortedDictionary<string, byte[]> GeneratedFiles(string root)
    {
        var api = Path.Combine(root, "src", "Aqueduct.Civis", "Api");
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var paths = Directory.GetFiles(Path.Combine(api, "Models"), "*.cs")
            .Concat(Directory.GetFiles(api, "*.g.cs"))
            .Append(Path.Combine(api, "Internal", "CivisJsonContext.cs"))
            .Append(Path.Combine(api, "Internal", "CivisOperations.g.cs"));
        foreach (var path in paths)
        {
            files[Path.GetRelativePath(root, path).Replace('\\', '/')] = File.ReadAllBytes(path);
        }

        return files;
    }

    private static async Task<(int ExitCode, string Output)> RunGeneratorAsync(string root, string output)
    {
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList = { Path.Combine(root, "eng", "generate-api.py"), "--out", output },
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start.");
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"python3 is missing ({e.Message}): the generator's determinism test needs python3 on PATH. Install it; the test does not skip.");
            throw;
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            return (process.ExitCode, await stdout + await stderr);
        }
    }

    [Fact]
    public async Task Generator_RunIntoTempDirectory_ReproducesTheCommittedFilesByteForByte()
    {
        var root = RepositoryRoot();
        var output = Directory.CreateTempSubdirectory("aqueduct-generate-api-");
        try
        {
            var (exitCode, log) = await RunGeneratorAsync(root, output.FullName);
            Assert.True(exitCode == 0, $"eng/generate-api.py failed ({exitCode}): {log}");

            var committed = GeneratedFiles(root);
            var generated = GeneratedFiles(output.FullName);
            var missing = committed.Keys.Except(generated.Keys).ToList();
            var extra = generated.Keys.Except(committed.Keys).ToList();
            var changed = committed.Keys.Intersect(generated.Keys).Where(k => !committed[k].AsSpan().SequenceEqual(generated[k])).ToList();
            Assert.True(missing.Count + extra.Count + changed.Count == 0,
                $"Re-running eng/generate-api.py changes the committed files: not generated {string.Join(", ", missing)}; new {string.Join(", ", extra)}; different {string.Join(", ", changed)}. Run python3 eng/generate-api.py and commit.");
            Assert.True(committed.Count > 500, $"{committed.Count} generated files");
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Generator_UnwritableOutput_FailsWithAnError()
    {
        var root = RepositoryRoot();
        var blocker = Path.GetTempFileName();
        try
        {
            // A file where the output directory should be: the generator cannot create src/ under it.
            var (exitCode, log) = await RunGeneratorAsync(root, blocker);
            Assert.NotEqual(0, exitCode);
            Assert.False(string.IsNullOrWhiteSpace(log));
        }
        finally
        {
            File.Delete(blocker);
        }
    }
}
