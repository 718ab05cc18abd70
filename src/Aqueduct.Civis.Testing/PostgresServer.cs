using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Aqueduct.Civis.Testing.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Aqueduct.Civis.Testing;

/// <summary>
/// A throwaway PostgreSQL server for tests and local runs, found or started from the first source that works: the server
/// named by <c>AQUEDUCT_TEST_POSTGRES_URI</c>, a Docker container (Testcontainers), or the machine's PostgreSQL binaries.
/// </summary>
/// <remarks>
/// Start one per test run and give each test class its own database with <see cref="CreateDatabaseAsync"/>.
/// Disposing stops a server this type started and removes its files; a server given by URI is left running and only the
/// databases created through this instance are dropped. The instance is thread-safe.
/// </remarks>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly PostgresServerSource[] FallbackOrder = [PostgresServerSource.Docker, PostgresServerSource.LocalBinaries];

    private readonly IServerInstance instance;
    private readonly NpgsqlDataSource adminDataSource;
    private readonly ILogger logger;
    private readonly string endpoint;
    private readonly ConcurrentDictionary<string, byte> createdDatabases = new(StringComparer.Ordinal);
    private int disposed;

    private PostgresServer(IServerInstance instance, NpgsqlDataSource adminDataSource, ILogger logger)
    {
        this.instance = instance;
        this.adminDataSource = adminDataSource;
        this.logger = logger;
        var builder = new NpgsqlConnectionStringBuilder(instance.ConnectionString);
        endpoint = string.Create(CultureInfo.InvariantCulture, $"{builder.Host}:{builder.Port}");
    }

    /// <summary>Where the server came from.</summary>
    public PostgresServerSource Source => instance.Source;

    /// <summary>
    /// A superuser connection string to the server's maintenance database (<c>postgres</c>, unless the URI named
    /// another). It contains the password: pass it to Npgsql, never to a log.
    /// </summary>
    public string ConnectionString => instance.ConnectionString;

    /// <summary>
    /// Finds or starts a server: <see cref="PostgresServerEnvironment.UriVariable"/> when set, else a Docker container
    /// when a Docker engine answers, else the machine's PostgreSQL binaries.
    /// </summary>
    /// <param name="options">Overrides for the source, image, binaries and timeout; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start; a server half started is cleaned up.</param>
    /// <returns>A server that answers queries.</returns>
    /// <exception cref="PostgresServerException">
    /// No source gave a server (the message lists what was tried and how to provide one), or the forced source, or the
    /// server given by URI, failed.
    /// </exception>
    public static async Task<PostgresServer> StartAsync(PostgresServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new PostgresServerOptions();
        if (options.StartTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.StartTimeout, "PostgresServerOptions.StartTimeout must be positive.");
        }

        var getVariable = options.GetEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        var logger = options.Logger ?? NullLogger.Instance;
        var forced = options.Source ?? ReadForcedSource(getVariable);
        var uri = getVariable(PostgresServerEnvironment.UriVariable);

        if (forced is { } only)
        {
            try
            {
                return await StartFromAsync(only, uri, options, getVariable, logger, cancellationToken).ConfigureAwait(false);
            }
            catch (SourceUnavailableException ex)
            {
                throw new PostgresServerException(
                    $"No PostgreSQL server for tests: the source was forced to '{SourceName(only)}' ({ForcedBy(options)}), and it failed: {ex.Message}{Environment.NewLine}{HowToProvide(options)}",
                    ex.InnerException);
            }
        }

        // A URI someone set on purpose is used or fails; silently starting another server would hide the mistake.
        if (!string.IsNullOrWhiteSpace(uri))
        {
            try
            {
                return await StartFromAsync(PostgresServerSource.ExistingServer, uri, options, getVariable, logger, cancellationToken).ConfigureAwait(false);
            }
            catch (SourceUnavailableException ex)
            {
                throw new PostgresServerException(
                    $"No PostgreSQL server for tests: {PostgresServerEnvironment.UriVariable} is set, but the server it names cannot be used: {ex.Message}{Environment.NewLine}Fix or unset {PostgresServerEnvironment.UriVariable}.",
                    ex.InnerException);
            }
        }

        var failures = new List<string> { $"{PostgresServerEnvironment.UriVariable}: not set" };
        foreach (var source in FallbackOrder)
        {
            try
            {
                return await StartFromAsync(source, uri, options, getVariable, logger, cancellationToken).ConfigureAwait(false);
            }
            catch (SourceUnavailableException ex)
            {
                Log.SourceSkipped(logger, source, ex.Message);
                failures.Add($"{Describe(source, options)}: {ex.Message}");
            }
        }

        var message = new StringBuilder("No PostgreSQL server for tests could be found or started. Tried, in order:").AppendLine();
        foreach (var failure in failures)
        {
            message.Append("  - ").AppendLine(failure);
        }

        throw new PostgresServerException(message.Append(HowToProvide(options)).ToString());
    }

    /// <summary>Creates a new, empty database with a unique lower-case name, owned by the superuser.</summary>
    /// <param name="namePrefix">
    /// The start of the name, reduced to letters, digits and underscores (for example the test class name);
    /// <see langword="null"/> for <c>test</c>.
    /// </param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <returns>A superuser connection string to the new database.</returns>
    public async Task<string> CreateDatabaseAsync(string? namePrefix = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        var name = DatabaseNames.Create(namePrefix);
        var command = adminDataSource.CreateCommand("CREATE DATABASE " + DatabaseNames.Quote(name));
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        createdDatabases.TryAdd(name, 0);
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database, closing any connection still open to it (<c>WITH (FORCE)</c>); a missing one is ignored.</summary>
    /// <param name="databaseName">The database's name, as in the connection string <see cref="CreateDatabaseAsync"/> returned.</param>
    /// <param name="cancellationToken">Cancels the drop.</param>
    /// <exception cref="ArgumentException">The name is empty or names the maintenance database.</exception>
    public async Task DropDatabaseAsync(string databaseName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseName);
        var maintenance = new NpgsqlConnectionStringBuilder(ConnectionString).Database;
        if (string.Equals(databaseName, maintenance, StringComparison.Ordinal) || databaseName is "template0" or "template1")
        {
            throw new ArgumentException($"The database '{databaseName}' belongs to the server and is not dropped.", nameof(databaseName));
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        await DropAsync(databaseName, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the server and removes its files, or, for a server given by URI, drops the databases this instance created
    /// and leaves the server running. Calling it again does nothing.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (Source == PostgresServerSource.ExistingServer)
            {
                foreach (var name in createdDatabases.Keys)
                {
                    try
                    {
                        await DropAsync(name, CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (NpgsqlException ex)
                    {
                        Log.CleanupFailed(logger, $"could not drop database {name}: {ex.Message}");
                    }
                }
            }

            await adminDataSource.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await instance.DisposeAsync().ConfigureAwait(false);
            if (Source == PostgresServerSource.ExistingServer)
            {
                // Not this process's server: it keeps running; only the databases created here are gone.
                Log.ServerLeftRunning(logger, endpoint, PostgresServerEnvironment.UriVariable);
            }
            else if (instance is LocalBinariesServer { Kept: true } kept)
            {
                Log.ServerKept(logger, endpoint, kept.RootDirectory);
            }
            else
            {
                Log.ServerStopped(logger, Source, endpoint);
            }
        }
    }

    /// <summary>Whether this is a kept server, which outlives the process (<c>AQUEDUCT_KEEP_LOCAL_WAREHOUSE=1</c>).</summary>
    internal bool IsKept => instance is LocalBinariesServer { Kept: true };

    /// <summary>
    /// Finds the kept server in <paramref name="directory"/> (starting it again when it was stopped) or creates it there,
    /// from the machine's PostgreSQL binaries. Disposing it leaves it running.
    /// </summary>
    /// <exception cref="PostgresServerException">The server could not be started; the message says why and what to do.</exception>
    internal static async Task<PostgresServer> StartKeptAsync(PostgresServerOptions options, string directory, CancellationToken cancellationToken)
    {
        var getVariable = options.GetEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        var logger = options.Logger ?? NullLogger.Instance;
        var stopwatch = Stopwatch.StartNew();
        IServerInstance? instance = null;
        try
        {
            var binDirectory = await PostgresBinaryLocator.LocateAsync(options.BinDirectory, getVariable, cancellationToken).ConfigureAwait(false);
            var ports = ReadPorts(options, getVariable);
            instance = await LocalBinariesServer.StartKeptAsync(binDirectory, directory, options.StartTimeout, logger, ports, cancellationToken).ConfigureAwait(false);
            var dataSource = await ConnectAsync(instance, cancellationToken).ConfigureAwait(false);
            var server = new PostgresServer(instance, dataSource, logger);
            Log.ServerReady(logger, PostgresServerSource.LocalBinaries, server.endpoint, stopwatch.ElapsedMilliseconds);
            return server;
        }
        catch (SourceUnavailableException ex)
        {
            throw new PostgresServerException(
                $"The kept local warehouse in {directory} ({PostgresServerEnvironment.KeptDirectoryVariable}) could not be started from the machine's PostgreSQL binaries: {ex.Message}{Environment.NewLine}" +
                $"Remove it with `dotnet civis local-warehouse remove`, or unset AQUEDUCT_KEEP_LOCAL_WAREHOUSE.",
                ex.InnerException);
        }
    }

    /// <summary>Creates a database of the given name unless it exists; it is not dropped when this instance is disposed.</summary>
    internal async Task EnsureDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        var exists = adminDataSource.CreateCommand("SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1");
        await using (exists.ConfigureAwait(false))
        {
            exists.Parameters.Add(new NpgsqlParameter { Value = name });
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                return;
            }
        }

        var create = adminDataSource.CreateCommand("CREATE DATABASE " + DatabaseNames.Quote(name));
        await using (create.ConfigureAwait(false))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static PortRange? ReadPorts(PostgresServerOptions options, Func<string, string?> getVariable) =>
        options.Ports is { } fromOptions
            ? PortRange.Parse(fromOptions, "PostgresServerOptions.Ports")
            : PortRange.Parse(getVariable(PostgresServerEnvironment.PortVariable), PostgresServerEnvironment.PortVariable);

    /// <summary>Names the source and the endpoint; never the password.</summary>
    public override string ToString() => $"PostgreSQL server ({Source}) at {endpoint}";

    private async Task DropAsync(string name, CancellationToken cancellationToken)
    {
        var command = adminDataSource.CreateCommand($"DROP DATABASE IF EXISTS {DatabaseNames.Quote(name)} WITH (FORCE)");
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        createdDatabases.TryRemove(name, out _);
    }

    private static async Task<PostgresServer> StartFromAsync(
        PostgresServerSource source,
        string? uri,
        PostgresServerOptions options,
        Func<string, string?> getVariable,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.StartTimeout);
        IServerInstance? instance = null;
        try
        {
            instance = source switch
            {
                PostgresServerSource.ExistingServer => string.IsNullOrWhiteSpace(uri)
                    ? throw new SourceUnavailableException($"{PostgresServerEnvironment.UriVariable} is not set.")
                    : ExistingServer.FromVariable(uri),
                PostgresServerSource.Docker => await DockerServer.StartAsync(options.ImageName, logger, timeout.Token).ConfigureAwait(false),
                PostgresServerSource.LocalBinaries => await StartLocalBinariesAsync(options, getVariable, logger, timeout.Token).ConfigureAwait(false),
                _ => throw new ArgumentOutOfRangeException(nameof(source), source, "Unknown PostgreSQL server source."),
            };

            var dataSource = await ConnectAsync(instance, timeout.Token).ConfigureAwait(false);
            var server = new PostgresServer(instance, dataSource, logger);
            Log.ServerReady(logger, source, server.endpoint, stopwatch.ElapsedMilliseconds);
            return server;
        }
        catch (Exception ex)
        {
            if (instance is not null)
            {
                await instance.DisposeAsync().ConfigureAwait(false);
            }

            if (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new SourceUnavailableException(
                    string.Create(CultureInfo.InvariantCulture, $"did not start within {options.StartTimeout.TotalSeconds:0} s (PostgresServerOptions.StartTimeout)."),
                    ex);
            }

            throw;
        }
    }

    private static async Task<IServerInstance> StartLocalBinariesAsync(
        PostgresServerOptions options,
        Func<string, string?> getVariable,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var binDirectory = await PostgresBinaryLocator.LocateAsync(options.BinDirectory, getVariable, cancellationToken).ConfigureAwait(false);
        Log.UsingBinaries(logger, binDirectory);
        var ports = ReadPorts(options, getVariable);
        return await LocalBinariesServer.StartAsync(binDirectory, options.StartTimeout, logger, ports, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks that the server answers and that its user may create databases.</summary>
    private static async Task<NpgsqlDataSource> ConnectAsync(IServerInstance instance, CancellationToken cancellationToken)
    {
        var dataSource = NpgsqlDataSource.Create(instance.ConnectionString);
        try
        {
            var command = dataSource.CreateCommand(
                "SELECT rolsuper OR rolcreatedb FROM pg_catalog.pg_roles WHERE rolname = current_user");
            await using var commandScope = command.ConfigureAwait(false);
            var mayCreate = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (mayCreate is not true)
            {
                throw new SourceUnavailableException(
                    "the server's user may not create databases; give a superuser (or a role with CREATEDB).");
            }

            return dataSource;
        }
        catch (Exception ex)
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            if (ex is NpgsqlException or TimeoutException)
            {
                var builder = new NpgsqlConnectionStringBuilder(instance.ConnectionString);
                throw new SourceUnavailableException(
                    $"connecting to {builder.Host}:{builder.Port} as '{builder.Username}' failed: {ex.Message}", ex);
            }

            throw;
        }
    }

    private static PostgresServerSource? ReadForcedSource(Func<string, string?> getVariable)
    {
        var value = getVariable(PostgresServerEnvironment.SourceVariable)?.Trim();
        return value?.ToLowerInvariant() switch
        {
            null or "" => null,
            "uri" or "existing" or "existingserver" => PostgresServerSource.ExistingServer,
            "docker" => PostgresServerSource.Docker,
            "binaries" or "localbinaries" => PostgresServerSource.LocalBinaries,
            _ => throw new PostgresServerException(
                $"{PostgresServerEnvironment.SourceVariable} is '{value}'; use 'uri', 'docker' or 'binaries', or unset it to try each in turn."),
        };
    }

    private static string SourceName(PostgresServerSource source) => source switch
    {
        PostgresServerSource.ExistingServer => "uri",
        PostgresServerSource.Docker => "docker",
        _ => "binaries",
    };

    private static string ForcedBy(PostgresServerOptions options) =>
        options.Source is null ? PostgresServerEnvironment.SourceVariable : "PostgresServerOptions.Source";

    private static string Describe(PostgresServerSource source, PostgresServerOptions options) => source switch
    {
        PostgresServerSource.Docker => $"Docker (Testcontainers, image {options.ImageName})",
        PostgresServerSource.LocalBinaries => "the machine's PostgreSQL binaries (initdb, pg_ctl)",
        _ => PostgresServerEnvironment.UriVariable,
    };

    private static string HowToProvide(PostgresServerOptions options) =>
        $"""
        Provide a server in one of these ways:
          - set {PostgresServerEnvironment.UriVariable} to a superuser connection, e.g. postgres://postgres:PASSWORD@localhost:5432/postgres or Host=localhost;Username=postgres;Password=PASSWORD;
          - start a Docker engine, so that Testcontainers can run {options.ImageName};
          - install the PostgreSQL server binaries (e.g. `apt-get install postgresql` on Debian/Ubuntu, `brew install postgresql@15` on macOS), or point {PostgresServerEnvironment.BinDirectoryVariable} at their bin directory.
        """;
}
