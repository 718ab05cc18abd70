using System.Globalization;
using Aqueduct.Civis.Testing.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Aqueduct.Civis.Testing;

/// <summary>
/// The local stand-in for the City's warehouses: a mock Postgres and a mock Redshift, two databases on one throwaway
/// <see cref="PostgresServer"/> (PostgreSQL standing in for both), or the servers <c>POSTGRES_URI</c> and
/// <c>REDSHIFT_URI</c> already name.
/// </summary>
/// <remarks>
/// A URI that is set is used as it is; a database is created only for a warehouse without one, so with both set no
/// server is started. Disposing drops the databases it created and stops a server it started, unless
/// <see cref="LocalWarehouseOptions.Keep"/> is set: then the server (from the machine's PostgreSQL binaries, in
/// <see cref="GetKeptDirectory"/>) keeps running with its two databases, the next run reuses them, and
/// <see cref="RemoveKeptAsync"/> (<c>dotnet civis local-warehouse remove</c>) removes them.
/// </remarks>
public sealed class LocalWarehouse : IAsyncDisposable
{
    private readonly PostgresServer? server;
    private readonly bool ownsServer;
    private readonly List<string> createdDatabases;
    private readonly ILogger logger;
    private int disposed;

    private LocalWarehouse(string postgresUri, string redshiftUri, PostgresServer? server, List<string> createdDatabases, bool keep, ILogger logger, bool ownsServer = true)
    {
        PostgresUri = postgresUri;
        RedshiftUri = redshiftUri;
        this.server = server;
        this.ownsServer = ownsServer;
        this.createdDatabases = createdDatabases;
        Keep = keep;
        this.logger = logger;
    }

    /// <summary>The mock Postgres warehouse as a <c>postgres://</c> URI (the value of <c>POSTGRES_URI</c>); open it with <c>psql</c>.</summary>
    public string PostgresUri { get; }

    /// <summary>The mock Redshift warehouse as a <c>postgres://</c> URI (the value of <c>REDSHIFT_URI</c>); open it with <c>psql</c>.</summary>
    public string RedshiftUri { get; }

    /// <summary>The server the databases were created on, or <see langword="null"/> when both URIs were already set.</summary>
    public PostgresServer? Server => server;

    /// <summary>Whether the databases are kept when this instance is disposed.</summary>
    public bool Keep { get; }

    /// <summary>The variables a job needs to run on this warehouse: <c>DEV=1</c>, <c>POSTGRES_URI</c> and <c>REDSHIFT_URI</c>.</summary>
    public IReadOnlyDictionary<string, string> Variables => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [PlatformVariables.Dev] = "1",
        [PlatformVariables.PostgresUri] = PostgresUri,
        [PlatformVariables.RedshiftUri] = RedshiftUri,
    };

    /// <summary>
    /// Uses <c>POSTGRES_URI</c> and <c>REDSHIFT_URI</c> when set, and creates a database on a throwaway server for each
    /// one that is not.
    /// </summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start; what was started is cleaned up.</param>
    /// <returns>The warehouse.</returns>
    /// <exception cref="PostgresServerException">No server could be found or started; the message says how to provide one.</exception>
    public static async Task<LocalWarehouse> StartAsync(LocalWarehouseOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LocalWarehouseOptions();
        var getVariable = options.GetEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        var logger = options.Logger ?? NullLogger.Instance;
        var keep = options.Keep ?? getVariable(LocalWarehouseOptions.KeepVariable)?.Trim().ToUpperInvariant() is "1" or "TRUE" or "YES" or "ON";
        var postgresUri = NullIfBlank(getVariable(PlatformVariables.PostgresUri));
        var redshiftUri = NullIfBlank(getVariable(PlatformVariables.RedshiftUri));
        if (postgresUri is not null && redshiftUri is not null)
        {
            return new LocalWarehouse(postgresUri, redshiftUri, null, [], keep, logger);
        }

        options.Server.Logger ??= options.Logger;
        options.Server.GetEnvironmentVariable ??= options.GetEnvironmentVariable;
        if (keep)
        {
            return await StartKeptAsync(options, getVariable, postgresUri, redshiftUri, logger, cancellationToken).ConfigureAwait(false);
        }

        var server = await PostgresServer.StartAsync(options.Server, cancellationToken).ConfigureAwait(false);
        var created = new List<string>();
        try
        {
            postgresUri ??= await CreateAsync(server, "postgres", created, cancellationToken).ConfigureAwait(false);
            redshiftUri ??= await CreateAsync(server, "redshift", created, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new LocalWarehouse(postgresUri, redshiftUri, server, created, keep, logger);
    }

    /// <summary>The names of the kept warehouse's two databases, the same on every run.</summary>
    internal const string KeptPostgresDatabase = "mock_postgres";

    /// <inheritdoc cref="KeptPostgresDatabase"/>
    internal const string KeptRedshiftDatabase = "mock_redshift";

    /// <summary>
    /// The directory of the kept warehouse: <c>AQUEDUCT_LOCAL_WAREHOUSE_DIR</c>, else
    /// <c>aqueduct-local-warehouse-USER</c> in the temporary directory.
    /// </summary>
    /// <param name="getEnvironmentVariable">Reads a variable; <see langword="null"/> reads the process environment.</param>
    /// <returns>The directory's full path.</returns>
    public static string GetKeptDirectory(Func<string, string?>? getEnvironmentVariable = null)
    {
        var configured = (getEnvironmentVariable ?? Environment.GetEnvironmentVariable)(PostgresServerEnvironment.KeptDirectoryVariable);
        return Path.GetFullPath(string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(Path.GetTempPath(), "aqueduct-local-warehouse-" + Environment.UserName)
            : configured.Trim());
    }

    /// <summary>
    /// Stops the kept warehouse's server and removes its directory (what <c>dotnet civis local-warehouse remove</c> does).
    /// </summary>
    /// <param name="getEnvironmentVariable">Reads a variable (<c>AQUEDUCT_LOCAL_WAREHOUSE_DIR</c>); <see langword="null"/> reads the process environment.</param>
    /// <param name="logger">Receives what was done; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>Whether there was a kept warehouse to remove.</returns>
    public static Task<bool> RemoveKeptAsync(Func<string, string?>? getEnvironmentVariable = null, ILogger? logger = null, CancellationToken cancellationToken = default) =>
        LocalBinariesServer.RemoveKeptAsync(GetKeptDirectory(getEnvironmentVariable), logger ?? NullLogger.Instance, cancellationToken);

    private static async Task<LocalWarehouse> StartKeptAsync(
        LocalWarehouseOptions options,
        Func<string, string?> getVariable,
        string? postgresUri,
        string? redshiftUri,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        // A server someone else runs keeps the databases by itself; a server from the binaries lives in the kept
        // directory and outlives this process.
        var server = string.IsNullOrWhiteSpace(getVariable(PostgresServerEnvironment.UriVariable))
            ? await PostgresServer.StartKeptAsync(options.Server, GetKeptDirectory(getVariable), cancellationToken).ConfigureAwait(false)
            : await PostgresServer.StartAsync(options.Server, cancellationToken).ConfigureAwait(false);
        try
        {
            postgresUri ??= await EnsureAsync(server, KeptPostgresDatabase, cancellationToken).ConfigureAwait(false);
            redshiftUri ??= await EnsureAsync(server, KeptRedshiftDatabase, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new LocalWarehouse(postgresUri, redshiftUri, server, [], keep: true, logger);
    }

    private static async Task<string> EnsureAsync(PostgresServer server, string name, CancellationToken cancellationToken)
    {
        await server.EnsureDatabaseAsync(name, cancellationToken).ConfigureAwait(false);
        return Civis.PostgresUri.Format(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name });
    }

    /// <summary>
    /// Creates the two databases on a server that belongs to someone else (the test run's one server, from
    /// <see cref="LocalWarehouseFixture"/>); disposing drops them and leaves the server running.
    /// </summary>
    internal static async Task<LocalWarehouse> CreateOnServerAsync(PostgresServer server, string? prefix, CancellationToken cancellationToken)
    {
        var created = new List<string>();
        var stem = string.IsNullOrWhiteSpace(prefix) ? string.Empty : prefix + "_";
        try
        {
            var postgresUri = await CreateAsync(server, stem + "postgres", created, cancellationToken).ConfigureAwait(false);
            var redshiftUri = await CreateAsync(server, stem + "redshift", created, cancellationToken).ConfigureAwait(false);
            return new LocalWarehouse(postgresUri, redshiftUri, server, created, keep: false, NullLogger.Instance, ownsServer: false);
        }
        catch
        {
            foreach (var name in created)
            {
                await server.DropDatabaseAsync(name, CancellationToken.None).ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>
    /// Creates a DEV environment on this warehouse (<see cref="Variables"/>) with the job's other variables, for
    /// running a job's logic in a test.
    /// </summary>
    /// <param name="variables">The job's other variables (for example its credentials); they may override these.</param>
    /// <returns>The environment.</returns>
    public CivisEnvironment CreateEnvironment(IEnumerable<KeyValuePair<string, string?>>? variables = null) =>
        new(new ConfigurationBuilder()
            .AddInMemoryCollection(Variables.Select(static v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .AddInMemoryCollection(variables ?? [])
            .Build());

    /// <summary>
    /// Drops the databases created for this warehouse and stops the server started for it, unless it is kept. Calling it
    /// again does nothing.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0 || server is null)
        {
            return;
        }

        if (Keep)
        {
            // The databases stay; a kept server keeps running, and one of AQUEDUCT_TEST_POSTGRES_URI is not ours to stop
            // (it created no database that would be dropped).
            await server.DisposeAsync().ConfigureAwait(false);
            LocalWarehouseLog.Kept(logger, server.IsKept ? "the next run reuses it; `dotnet civis local-warehouse remove` removes it" : "on the server of " + PostgresServerEnvironment.UriVariable);
            return;
        }

        foreach (var name in createdDatabases)
        {
            try
            {
                await server.DropDatabaseAsync(name).ConfigureAwait(false);
            }
            catch (NpgsqlException ex)
            {
                LocalWarehouseLog.CleanupFailed(logger, name, ex.Message);
            }
        }

        if (ownsServer)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }

        LocalWarehouseLog.Removed(logger);
    }

    /// <summary>Names the two warehouses' endpoints; never a password.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"LocalWarehouse {{ Postgres = {Describe(PostgresUri)}, Redshift = {Describe(RedshiftUri)} }}");

    private static string Describe(string uri) =>
        Civis.PostgresUri.TryParse(uri, out var s) ? string.Create(CultureInfo.InvariantCulture, $"{s.Host}:{s.Port}/{s.Database}") : "(set)";

    private static async Task<string> CreateAsync(PostgresServer server, string prefix, List<string> created, CancellationToken cancellationToken)
    {
        var settings = new NpgsqlConnectionStringBuilder(await server.CreateDatabaseAsync(prefix, cancellationToken).ConfigureAwait(false));
        created.Add(settings.Database!);
        return Civis.PostgresUri.Format(settings);
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
