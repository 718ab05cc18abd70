using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Aqueduct.Civis.Testing.Internal;

/// <summary>
/// A server started from the machine's PostgreSQL binaries in a new temporary directory: <c>initdb</c>, then
/// <c>pg_ctl start</c> on a free port bound to 127.0.0.1 only, with password authentication. Dispose (or process exit)
/// stops it with <c>pg_ctl stop -m immediate</c> and removes the directory.
/// </summary>
internal sealed class LocalBinariesServer : IServerInstance
{
    private const string SuperUser = "postgres";

    /// <summary>The OS account that runs PostgreSQL when this process is root, since the server refuses to run as root.</summary>
    private const string ServerOsUser = "postgres";

    private const string DirectoryPrefix = "aqueduct-pg-";

    /// <summary>The file in the temporary directory that names the process owning the server.</summary>
    private const string OwnerFileName = "owner.pid";

    private const int MaxPortAttempts = 5;
    private const int LogTailLines = 30;
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly string binDirectory;
    private readonly string rootDirectory;
    private readonly bool runAsServerUser;
    private readonly ILogger logger;
    private readonly PortRange? ports;
    private readonly bool kept;
    private int stopped;

    private LocalBinariesServer(string binDirectory, string rootDirectory, bool runAsServerUser, ILogger logger, PortRange? ports = null, bool kept = false)
    {
        this.binDirectory = binDirectory;
        this.rootDirectory = rootDirectory;
        this.runAsServerUser = runAsServerUser;
        this.logger = logger;
        this.ports = ports;
        this.kept = kept;
        ConnectionString = string.Empty;
    }

    /// <summary>The name of the file in a kept server's directory that records its port, password and binaries.</summary>
    public const string StateFileName = "warehouse.json";

    /// <summary>Whether this server outlives the process (a kept local warehouse): disposing it leaves it running.</summary>
    public bool Kept => kept;

    /// <summary>The server's directory (its data, log and, when kept, its state file).</summary>
    public string RootDirectory => rootDirectory;

    /// <inheritdoc />
    public string ConnectionString { get; private set; }

    /// <inheritdoc />
    public PostgresServerSource Source => PostgresServerSource.LocalBinaries;

    private string DataDirectory => Path.Combine(rootDirectory, "data");

    private string LogFile => Path.Combine(rootDirectory, "server.log");

    /// <summary>Creates, starts and returns a server; on failure nothing is left running or on disk.</summary>
    /// <exception cref="SourceUnavailableException">The server could not be created or started.</exception>
    public static async Task<LocalBinariesServer> StartAsync(
        string binDirectory,
        TimeSpan startTimeout,
        ILogger logger,
        PortRange? ports = null,
        CancellationToken cancellationToken = default)
    {
        var runAsServerUser = !OperatingSystem.IsWindows() && Environment.IsPrivilegedProcess;
        await RemoveOrphansAsync(binDirectory, runAsServerUser, logger, cancellationToken).ConfigureAwait(false);
        var root = CreatePrivateDirectory();
        var server = new LocalBinariesServer(binDirectory, root, runAsServerUser, logger, ports);
        AppDomain.CurrentDomain.ProcessExit += server.OnProcessExit;
        try
        {
            var password = RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 32);
            await server.InitializeDataDirectoryAsync(password, cancellationToken).ConfigureAwait(false);
            var port = await server.StartServerAsync(startTimeout, cancellationToken).ConfigureAwait(false);
            server.ConnectionString = new NpgsqlConnectionStringBuilder
            {
                Host = IPAddress.Loopback.ToString(),
                Port = port,
                Username = SuperUser,
                Password = password,
                Database = "postgres",
            }.ConnectionString;
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Reuses the kept server in <paramref name="root"/> (started again if it was stopped, on its recorded port when that
    /// is free), or creates it there. It is never stopped by this process: <see cref="RemoveKeptAsync"/> removes it.
    /// </summary>
    /// <exception cref="SourceUnavailableException">The server could not be created or started.</exception>
    public static async Task<LocalBinariesServer> StartKeptAsync(
        string binDirectory,
        string root,
        TimeSpan startTimeout,
        ILogger logger,
        PortRange? ports,
        CancellationToken cancellationToken)
    {
        var runAsServerUser = !OperatingSystem.IsWindows() && Environment.IsPrivilegedProcess;
        var server = new LocalBinariesServer(binDirectory, root, runAsServerUser, logger, ports, kept: true);
        var state = KeptState.Read(Path.Combine(root, StateFileName));
        if (state is not null && Directory.Exists(server.DataDirectory))
        {
            var binaries = new LocalBinariesServer(state.BinDirectory, root, runAsServerUser, logger, ports, kept: true);
            if (!File.Exists(Path.Combine(server.DataDirectory, "postmaster.pid")))
            {
                var port = await binaries.StartServerAsync(startTimeout, cancellationToken, state.Port).ConfigureAwait(false);
                state = state with { Port = port };
                state.Write(Path.Combine(root, StateFileName));
            }

            binaries.ConnectionString = state.ConnectionString;
            return binaries;
        }

        // Nothing usable there: start afresh.
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        CreatePrivateDirectory(root);
        try
        {
            var password = RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 32);
            await server.InitializeDataDirectoryAsync(password, cancellationToken).ConfigureAwait(false);
            var port = await server.StartServerAsync(startTimeout, cancellationToken).ConfigureAwait(false);
            var created = new KeptState(port, password, binDirectory);
            created.Write(Path.Combine(root, StateFileName));
            server.ConnectionString = created.ConnectionString;
            return server;
        }
        catch
        {
            await RemoveKeptAsync(root, logger, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops the kept server in <paramref name="root"/> and removes the directory.</summary>
    /// <returns>Whether there was a kept server to remove.</returns>
    public static async Task<bool> RemoveKeptAsync(string root, ILogger logger, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(root))
        {
            return false;
        }

        var state = KeptState.Read(Path.Combine(root, StateFileName));
        var runAsServerUser = !OperatingSystem.IsWindows() && Environment.IsPrivilegedProcess;
        var server = new LocalBinariesServer(state?.BinDirectory ?? string.Empty, root, runAsServerUser, logger);
        if (state is not null)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            server.DeleteRootDirectory();
        }

        cancellationToken.ThrowIfCancellationRequested();
        return true;
    }

    /// <summary>Stops the server and removes its directory, unless it is kept; later calls do nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (kept || Interlocked.Exchange(ref stopped, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            var (fileName, arguments) = Command("pg_ctl", ["stop", "-D", DataDirectory, "-m", "immediate", "-w"]);
            using var timeout = new CancellationTokenSource(StopTimeout);
            try
            {
                var result = await ProcessRunner.RunAsync(fileName, arguments, rootDirectory, timeout.Token).ConfigureAwait(false);
                if (!result.Succeeded)
                {
                    Log.CleanupFailed(logger, "pg_ctl stop failed: " + result.Output);
                }
            }
            catch (OperationCanceledException)
            {
                Log.CleanupFailed(logger, string.Create(CultureInfo.InvariantCulture, $"pg_ctl stop did not finish within {StopTimeout.TotalSeconds:0} s"));
            }
        }

        DeleteRootDirectory();
    }

    /// <summary>Stops the server when the process ends without disposing it (a crashed or aborted test run).</summary>
    private void OnProcessExit(object? sender, EventArgs e)
    {
        if (Interlocked.Exchange(ref stopped, 1) != 0)
        {
            return;
        }

        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            var (fileName, arguments) = Command("pg_ctl", ["stop", "-D", DataDirectory, "-m", "immediate", "-w"]);
            ProcessRunner.Run(fileName, arguments, StopTimeout);
        }

        DeleteRootDirectory();
    }

    /// <summary>
    /// Stops and removes the servers of earlier runs whose process was killed before its exit hook could run, so a
    /// crashed run leaves nothing behind for longer than the next start.
    /// </summary>
    private static async Task RemoveOrphansAsync(string binDirectory, bool runAsServerUser, ILogger logger, CancellationToken cancellationToken)
    {
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*").ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (var root in candidates)
        {
            if (!IsOrphan(root))
            {
                continue;
            }

            var orphan = new LocalBinariesServer(binDirectory, root, runAsServerUser, logger);
            await orphan.DisposeAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Whether the directory belongs to a process that no longer runs.</summary>
    private static bool IsOrphan(string root)
    {
        try
        {
            var ownerText = File.ReadAllText(Path.Combine(root, OwnerFileName)).Trim();
            if (!int.TryParse(ownerText, NumberStyles.None, CultureInfo.InvariantCulture, out var owner))
            {
                return false;
            }

            using var process = System.Diagnostics.Process.GetProcessById(owner);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            // No process with that id: the owner is gone.
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // No owner file yet (being created right now) or not ours to read: leave it alone.
            return false;
        }
    }

    private static string CreatePrivateDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), DirectoryPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        CreatePrivateDirectory(path);
        File.WriteAllText(Path.Combine(path, OwnerFileName), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return path;
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            // The socket and the password file live here: only the server's account may look inside.
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private async Task InitializeDataDirectoryAsync(string password, CancellationToken cancellationToken)
    {
        var passwordFile = Path.Combine(rootDirectory, "pwfile");
        await File.WriteAllTextAsync(passwordFile, password + "\n", cancellationToken).ConfigureAwait(false);
        try
        {
            if (runAsServerUser)
            {
                await GiveDirectoryToServerUserAsync(cancellationToken).ConfigureAwait(false);
            }

            var (fileName, arguments) = Command("initdb",
            [
                "-D", DataDirectory,
                "-U", SuperUser,
                "--pwfile=" + passwordFile,
                "--auth-host=scram-sha-256",
                "--auth-local=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            ]);
            var result = await ProcessRunner.RunAsync(fileName, arguments, rootDirectory, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                throw new SourceUnavailableException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"initdb in {binDirectory} failed (exit code {result.ExitCode}){RootHint()}:{Environment.NewLine}{Tail(result.Output)}"));
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }

        // Appended settings override initdb's defaults: the server listens on loopback only, keeps its socket in the
        // private directory, and trades durability for speed since its data is thrown away.
        var settings = new StringBuilder()
            .AppendLine()
            .AppendLine("# Aqueduct.Civis.Testing: a throwaway server")
            .AppendLine("listen_addresses = '127.0.0.1'")
            .AppendLine(CultureInfo.InvariantCulture, $"unix_socket_directories = '{rootDirectory.Replace("'", "''", StringComparison.Ordinal)}'")
            .AppendLine("fsync = off")
            .AppendLine("synchronous_commit = off")
            .AppendLine("full_page_writes = off")
            .AppendLine("max_connections = 200");
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), settings.ToString(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts the server on a free port, picking another one when the port is taken in between.</summary>
    private async Task<int> StartServerAsync(TimeSpan startTimeout, CancellationToken cancellationToken, int? preferredPort = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = attempt == 1 && preferredPort is { } preferred && IsFree(preferred) && (ports is not { } r || (preferred >= r.First && preferred <= r.Last))
                ? preferred
                : FindFreePort(ports);
            var logLength = File.Exists(LogFile) ? new FileInfo(LogFile).Length : 0;
            var (fileName, arguments) = Command("pg_ctl",
            [
                "start",
                "-D", DataDirectory,
                "-l", LogFile,
                "-w",
                "-t", ((int)Math.Ceiling(startTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
                "-o", "-p " + port.ToString(CultureInfo.InvariantCulture),
            ]);
            var result = await ProcessRunner.RunAsync(fileName, arguments, rootDirectory, cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                return port;
            }

            var log = ReadLog(logLength);
            if (attempt < MaxPortAttempts && log.Contains("Address already in use", StringComparison.Ordinal))
            {
                Log.PortClash(logger, port);
                continue;
            }

            throw new SourceUnavailableException(string.Create(
                CultureInfo.InvariantCulture,
                $"pg_ctl start in {binDirectory} failed on port {port} (exit code {result.ExitCode}): {result.Output.Trim()}{Environment.NewLine}Last lines of the server log (removed with {rootDirectory}):{Environment.NewLine}{Tail(log)}"));
        }
    }

    /// <summary>A free port on 127.0.0.1: any, or the first free one of the range from a random start.</summary>
    /// <exception cref="SourceUnavailableException">Every port of the range is taken.</exception>
    private static int FindFreePort(PortRange? ports)
    {
        if (ports is not { } range)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var count = range.Last - range.First + 1;
        var start = RandomNumberGenerator.GetInt32(count);
        for (var i = 0; i < count; i++)
        {
            var port = range.First + ((start + i) % count);
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new SourceUnavailableException(
            $"every port of {range} ({PostgresServerEnvironment.PortVariable}) is taken on 127.0.0.1; give a wider range, or free one.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private async Task GiveDirectoryToServerUserAsync(CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync("chown", ["-R", ServerOsUser + ":", rootDirectory], cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new SourceUnavailableException(string.Create(
                CultureInfo.InvariantCulture,
                $"this process runs as root, and PostgreSQL refuses to; giving {rootDirectory} to the '{ServerOsUser}' OS user failed (create that user, or run the tests as another user): {result.Output}"));
        }
    }

    /// <summary>The command line for a PostgreSQL program, run as the server's OS account when this process is root.</summary>
    private (string FileName, IReadOnlyList<string> Arguments) Command(string program, IReadOnlyList<string> arguments)
    {
        var executable = Path.Combine(binDirectory, PostgresBinaryLocator.Executable(program));
        return runAsServerUser
            ? ("runuser", ["-u", ServerOsUser, "--", executable, .. arguments])
            : (executable, arguments);
    }

    private string RootHint() =>
        runAsServerUser ? $" (run as the '{ServerOsUser}' OS user through runuser, because this process is root)" : string.Empty;

    private string ReadLog(long from)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Min(from, stream.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (IOException ex)
        {
            return "(the server log could not be read: " + ex.Message + ")";
        }
    }

    private static string Tail(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join(Environment.NewLine, lines.Skip(Math.Max(0, lines.Length - LogTailLines)).Select(l => "    " + l.TrimEnd('\r')));
    }

    internal void DeleteRootDirectory()
    {
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                if (Directory.Exists(rootDirectory))
                {
                    Directory.Delete(rootDirectory, recursive: true);
                }

                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                if (attempt == 3)
                {
                    Log.CleanupFailed(logger, $"could not remove {rootDirectory}: {ex.Message}");
                    return;
                }

                // A process that has just exited may still be releasing files.
                Thread.Sleep(100 * attempt);
            }
        }
    }
}
