using System.Globalization;

namespace Aqueduct.Civis.Testing.Internal;

/// <summary>Finds the directory holding the PostgreSQL server binaries (<c>initdb</c> and <c>pg_ctl</c>).</summary>
internal static class PostgresBinaryLocator
{
    /// <summary>
    /// Returns the bin directory: an explicit one (option, then <c>AQUEDUCT_POSTGRES_BIN</c>) is used as is; otherwise
    /// <c>PATH</c>, <c>pg_config --bindir</c> and the usual install locations are searched in that order.
    /// </summary>
    /// <exception cref="SourceUnavailableException">No usable directory; the message lists where it looked.</exception>
    public static async Task<string> LocateAsync(
        string? explicitDirectory,
        Func<string, string?> getEnvironmentVariable,
        CancellationToken cancellationToken = default)
    {
        if (!string.IsNullOrWhiteSpace(explicitDirectory))
        {
            return HasServerBinaries(explicitDirectory)
                ? Path.GetFullPath(explicitDirectory)
                : throw new SourceUnavailableException(
                    $"PostgresServerOptions.BinDirectory '{explicitDirectory}' does not contain {Executable("initdb")} and {Executable("pg_ctl")}.");
        }

        var fromVariable = getEnvironmentVariable(PostgresServerEnvironment.BinDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(fromVariable))
        {
            return HasServerBinaries(fromVariable)
                ? Path.GetFullPath(fromVariable)
                : throw new SourceUnavailableException(
                    $"{PostgresServerEnvironment.BinDirectoryVariable} is '{fromVariable}', which does not contain {Executable("initdb")} and {Executable("pg_ctl")}.");
        }

        var pathDirectories = (getEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var directory in pathDirectories)
        {
            if (HasServerBinaries(directory))
            {
                return ResolveLinkedDirectory(directory);
            }
        }

        var pgConfigNote = "pg_config is not on PATH";
        var pgConfig = pathDirectories.Select(d => Path.Combine(d, Executable("pg_config"))).FirstOrDefault(File.Exists);
        if (pgConfig is not null)
        {
            var result = await ProcessRunner.RunAsync(pgConfig, ["--bindir"], cancellationToken: cancellationToken).ConfigureAwait(false);
            var bindir = result.Output.Trim();
            if (result.Succeeded && HasServerBinaries(bindir))
            {
                return bindir;
            }

            pgConfigNote = result.Succeeded
                ? $"pg_config --bindir names {bindir}, which has no {Executable("initdb")} (only the client may be installed)"
                : $"pg_config --bindir failed: {result.Output}";
        }

        var candidates = WellKnownDirectories().ToList();
        foreach (var directory in candidates)
        {
            if (HasServerBinaries(directory))
            {
                return directory;
            }
        }

        throw new SourceUnavailableException(string.Create(
            CultureInfo.InvariantCulture,
            $"{Executable("initdb")} and {Executable("pg_ctl")} were not found: {PostgresServerEnvironment.BinDirectoryVariable} is not set, they are not on PATH, {pgConfigNote}, and they are not in {string.Join(", ", WellKnownPatterns())}."));
    }

    /// <summary>The file name of a PostgreSQL program on this operating system.</summary>
    public static string Executable(string name) => OperatingSystem.IsWindows() ? name + ".exe" : name;

    private static bool HasServerBinaries(string directory) =>
        File.Exists(Path.Combine(directory, Executable("initdb"))) && File.Exists(Path.Combine(directory, Executable("pg_ctl")));

    /// <summary>
    /// Follows a symbolic link such as <c>/usr/local/bin/initdb</c> to the real bin directory, so that error messages
    /// and the server's own paths name where PostgreSQL is installed.
    /// </summary>
    private static string ResolveLinkedDirectory(string directory)
    {
        var initdb = Path.Combine(directory, Executable("initdb"));
        var target = File.ResolveLinkTarget(initdb, returnFinalTarget: true);
        var targetDirectory = target is null ? null : Path.GetDirectoryName(target.FullName);
        return targetDirectory is not null && HasServerBinaries(targetDirectory) ? targetDirectory : Path.GetFullPath(directory);
    }

    private static IEnumerable<string> WellKnownDirectories()
    {
        if (OperatingSystem.IsWindows())
        {
            var programFiles = Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles);
            return VersionedDirectories(Path.Combine(programFiles, "PostgreSQL"), "bin");
        }

        return VersionedDirectories("/usr/lib/postgresql", "bin")
            .Append("/usr/local/pgsql/bin")
            .Concat(HomebrewDirectories("/opt/homebrew"))
            .Concat(HomebrewDirectories("/usr/local"))
            .Concat(HomebrewDirectories("/home/linuxbrew/.linuxbrew"));
    }

    private static IEnumerable<string> WellKnownPatterns() =>
        OperatingSystem.IsWindows()
            ? [@"%ProgramFiles%\PostgreSQL\<version>\bin"]
            : ["/usr/lib/postgresql/<version>/bin", "/usr/local/pgsql/bin", "the Homebrew locations (postgresql@<version>, postgresql)"];

    private static IEnumerable<string> HomebrewDirectories(string prefix)
    {
        // Homebrew installs postgresql@15 keg-only under opt/; the plain formula links into bin/.
        var versioned = Directory.Exists(Path.Combine(prefix, "opt"))
            ? Directory.EnumerateDirectories(Path.Combine(prefix, "opt"), "postgresql@*")
                .Select(d => (Directory: d, Version: ParseVersion(Path.GetFileName(d)["postgresql@".Length..])))
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Directory, "bin"))
            : [];
        return versioned
            .Append(Path.Combine(prefix, "opt", "postgresql", "bin"))
            .Append(Path.Combine(prefix, "bin"));
    }

    /// <summary>The <c>bin</c> directories under each version directory of <paramref name="root"/>, highest version first.</summary>
    private static IEnumerable<string> VersionedDirectories(string root, string bin) =>
        Directory.Exists(root)
            ? Directory.EnumerateDirectories(root)
                .Select(d => (Directory: d, Version: ParseVersion(Path.GetFileName(d))))
                .Where(d => d.Version > 0)
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Directory, bin))
            : [];

    private static double ParseVersion(string text) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var version) ? version : 0;
}
