using System.Collections.Concurrent;
using System.Globalization;
using Npgsql;

namespace Aqueduct.Civis;

/// <summary>
/// Hands out <see cref="NpgsqlDataSource"/>s for the City's warehouses: the mock servers of
/// <c>POSTGRES_URI</c> / <c>REDSHIFT_URI</c> in DEV, the database parameter's injected credentials
/// in production.
/// </summary>
/// <remarks>
/// <para>
/// In DEV the URI is used, falling back to the database parameter's variables; in production the
/// database parameter's variables are used, falling back to the URI. The connection is built from
/// parts, never by gluing strings, so any password works.
/// </para>
/// <para>
/// Redshift connections use port 5439 when none is given, require TLS in production, and load no
/// types from the server's catalogs (Npgsql's type loading is off, as its Redshift notes advise),
/// in DEV too, so a job sees the same types locally as on Redshift.
/// </para>
/// <para>
/// Data sources are created on first use, shared, and disposed with the factory. Connections
/// work with Dapper as they are.
/// </para>
/// </remarks>
public sealed class WarehouseConnectionFactory : IAsyncDisposable, IDisposable
{
    private readonly WarehouseOptions _options;
    private readonly ConcurrentDictionary<Warehouse, Lazy<NpgsqlDataSource>> _dataSources = new();
    private readonly ConcurrentDictionary<Warehouse, string> _settingsSources = new();
    private bool _disposed;

    /// <summary>Creates a factory for the given environment.</summary>
    /// <param name="environment">The job's environment.</param>
    /// <param name="options">Options, or <see langword="null"/> for the defaults.</param>
    public WarehouseConnectionFactory(CivisEnvironment environment, WarehouseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        Environment = environment;
        _options = options ?? new WarehouseOptions();
    }

    /// <summary>Creates a factory that reads the process environment (see <see cref="CivisEnvironment.FromProcessEnvironment(bool)"/>).</summary>
    /// <returns>The factory.</returns>
    public static WarehouseConnectionFactory FromProcessEnvironment() => new(CivisEnvironment.FromProcessEnvironment());

    /// <summary>The environment the connection settings come from.</summary>
    public CivisEnvironment Environment { get; }

    /// <summary>Gets the shared data source of a warehouse, creating it on first use.</summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <returns>The data source.</returns>
    /// <exception cref="CivisEnvironmentException">No connection settings for the warehouse; the message names every variable looked for.</exception>
    public NpgsqlDataSource GetDataSource(Warehouse warehouse)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var lazy = _dataSources.GetOrAdd(warehouse, w => new Lazy<NpgsqlDataSource>(() => BuildDataSource(w)));
        try
        {
            return lazy.Value;
        }
        catch (Exception)
        {
            // Let a later call try again (for example after the job sets the missing variable).
            _dataSources.TryRemove(new KeyValuePair<Warehouse, Lazy<NpgsqlDataSource>>(warehouse, lazy));
            throw;
        }
    }

    /// <summary>
    /// Gets the front door of a warehouse: loads, exports and queries that choose their route (direct COPY, or the
    /// Civis API where the job cannot COPY, as into Redshift in production).
    /// </summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <param name="client">The Civis API client the platform route uses, or <see langword="null"/> when there is none (the
    /// platform route then fails naming <c>CIVIS_API_KEY</c>).</param>
    /// <param name="options">The front door's options, or <see langword="null"/> to read them all from the environment.</param>
    /// <returns>A new front door over this factory's data source; it owns nothing.</returns>
    public CivisWarehouse GetWarehouse(Warehouse warehouse, CivisClient? client = null, CivisWarehouseOptions? options = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new CivisWarehouse(this, warehouse, client, options ?? new CivisWarehouseOptions());
    }

    /// <summary>Opens a connection to a warehouse.</summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <param name="cancellationToken">Cancels opening the connection.</param>
    /// <returns>The open connection; dispose it to return it to the pool.</returns>
    /// <exception cref="CivisEnvironmentException">No connection settings for the warehouse; the message names every variable looked for.</exception>
    /// <exception cref="PostgresException">
    /// The server refused the connection (a wrong password, a missing database): the same <c>SqlState</c>, with a message
    /// that names the warehouse, the mode, the variables the settings came from, the host, database and user, and the
    /// server's reason, never the password.
    /// </exception>
    /// <exception cref="NpgsqlException">
    /// The connection failed otherwise (an unreachable host, TLS, a timeout): the same message; the inner exception is
    /// Npgsql's.
    /// </exception>
    public async ValueTask<NpgsqlConnection> OpenConnectionAsync(Warehouse warehouse, CancellationToken cancellationToken = default)
    {
        var dataSource = GetDataSource(warehouse);
        try
        {
            return await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            // A server's refusal stays a PostgresException with its SqlState (28P01 for a wrong password), so code that
            // tells refusals apart still can; anything else (no answer, TLS) is an NpgsqlException around Npgsql's.
            var message = DescribeConnectionFailure(warehouse, dataSource, e);
            throw e is PostgresException refused
                ? new PostgresException(message, refused.Severity, refused.InvariantSeverity, refused.SqlState, refused.Detail, refused.Hint)
                : new NpgsqlException(message, e);
        }
    }

    /// <summary>
    /// Says which connection failed and where its settings came from: the warehouse, the mode, the variables, the
    /// endpoint and user, and the reason; never the password.
    /// </summary>
    internal string DescribeConnectionFailure(Warehouse warehouse, NpgsqlDataSource dataSource, Exception failure)
    {
        var settings = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        var mode = Environment.IsDev ? "DEV mode (DEV is set)" : "production mode (DEV is not set)";
        var route = Environment.GetString("AQUEDUCT_WAREHOUSE_ROUTE");
        if (!string.IsNullOrWhiteSpace(route))
        {
            mode += $", AQUEDUCT_WAREHOUSE_ROUTE={route.Trim()}";
        }

        var source = _settingsSources.TryGetValue(warehouse, out var from) ? from : "the environment";
        var reason = ConnectionFailureReason(failure, settings);
        var message = string.Create(
            CultureInfo.InvariantCulture,
            $"Could not connect to the {warehouse} warehouse in {mode}, with the settings from {source}: host {settings.Host}, port {settings.Port}, database '{settings.Database}', user '{settings.Username}', TLS {settings.SslMode}. {reason}");
        return string.IsNullOrEmpty(settings.Password) ? message : new SecretRedactor([settings.Password]).Redact(message);
    }

    private static string ConnectionFailureReason(Exception failure, NpgsqlConnectionStringBuilder settings)
    {
        var innermost = failure;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        var hint = failure switch
        {
            PostgresException { SqlState: "28P01" or "28000" } => " Check the user name and password.",
            PostgresException { SqlState: "3D000" } => " Check the database name.",
            _ when innermost is System.Net.Sockets.SocketException => " Check the host and port, and that the server is running and reachable from here.",
            _ when innermost is System.Security.Authentication.AuthenticationException || failure.Message.Contains("SSL", StringComparison.OrdinalIgnoreCase)
                => $" Check the TLS settings (sslmode; TLS {settings.SslMode} here): the server and the client must agree on TLS.",
            TimeoutException or NpgsqlException { InnerException: TimeoutException } => " Check the host and port: the server did not answer in time.",
            _ => string.Empty,
        };
        var why = failure.Message == innermost.Message ? failure.Message : $"{failure.Message} ({innermost.Message})";
        return $"Reason: {why}{hint}";
    }

    /// <summary>
    /// Resolves the connection settings of a warehouse (a new builder on each call). It holds the
    /// password: pass it to tools, never print its <c>ConnectionString</c>.
    /// </summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="CivisEnvironmentException">No connection settings for the warehouse; the message names every variable looked for.</exception>
    public NpgsqlConnectionStringBuilder GetConnectionSettings(Warehouse warehouse)
    {
        var parameter = _options.GetParameterName(warehouse);
        var uriVariable = warehouse == Warehouse.Redshift ? PlatformVariables.RedshiftUri : PlatformVariables.PostgresUri;

        var p = parameter.ToUpperInvariant();
        var fromUri = $"{uriVariable}";
        var fromParameter = $"the database parameter '{parameter}' ({p}_HOST, {p}_PORT, {p}_DATABASE, {p}_CREDENTIAL_USERNAME, {p}_CREDENTIAL_PASSWORD)";
        NpgsqlConnectionStringBuilder? settings;
        string source;
        if (Environment.IsDev)
        {
            settings = FromUri(uriVariable);
            source = fromUri;
            if (settings is null)
            {
                settings = FromParameter(warehouse, parameter);
                source = fromParameter;
            }
        }
        else
        {
            settings = FromParameter(warehouse, parameter);
            source = fromParameter;
            if (settings is null)
            {
                settings = FromUri(uriVariable);
                source = fromUri;
            }
        }

        if (settings is null)
        {
            throw NoSettings(warehouse, parameter, uriVariable);
        }

        _settingsSources[warehouse] = source;

        if (warehouse == Warehouse.Redshift)
        {
            if (!Environment.IsDev && settings.SslMode is SslMode.Disable or SslMode.Allow or SslMode.Prefer)
            {
                settings.SslMode = SslMode.Require;
            }
        }

        settings.ApplicationName ??= _options.ApplicationName ?? DefaultApplicationName();
        return settings;
    }

    /// <summary>The name of a warehouse's database parameter (<c>POSTGRES</c>, <c>REDSHIFT</c> by default).</summary>
    internal string ParameterName(Warehouse warehouse) => _options.GetParameterName(warehouse);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var lazy in _dataSources.Values.Where(l => l.IsValueCreated))
        {
            lazy.Value.Dispose();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var lazy in _dataSources.Values.Where(l => l.IsValueCreated))
        {
            await lazy.Value.DisposeAsync().ConfigureAwait(false);
        }
    }

    private NpgsqlDataSource BuildDataSource(Warehouse warehouse)
    {
        var builder = new NpgsqlDataSourceBuilder(GetConnectionSettings(warehouse).ConnectionString);
        if (warehouse == Warehouse.Redshift)
        {
            // Redshift's catalogs cannot describe types the way PostgreSQL's do: use Npgsql's built-in set.
            builder.ConfigureTypeLoading(static t => t.EnableTypeLoading(false));
        }

        if (_options.LoggerFactory is not null)
        {
            builder.UseLoggerFactory(_options.LoggerFactory);
        }

        _options.ConfigureDataSource?.Invoke(warehouse, builder);
        var dataSource = builder.Build();
        if (warehouse == Warehouse.Redshift)
        {
            RedshiftGuard.Mark(dataSource);
        }

        return dataSource;
    }

    private NpgsqlConnectionStringBuilder? FromUri(string variable)
    {
        var text = Environment.GetString(variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            // Also accept a key=value connection string, for people who have one at hand.
            return PostgresUri.IsUri(text) ? PostgresUri.Parse(text.Trim()) : new NpgsqlConnectionStringBuilder(text);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            // The parser's messages never contain the password; Npgsql's might, so they are not passed on.
            var reason = e is FormatException ? e.Message : "it is neither a postgres:// URI nor a valid connection string.";
            throw new CivisEnvironmentException($"Variable '{variable}' is not a valid PostgreSQL URI: {reason}", [variable]);
        }
    }

    private NpgsqlConnectionStringBuilder? FromParameter(Warehouse warehouse, string parameter)
    {
        if (Environment.GetDatabase(parameter) is not { } credential)
        {
            return null;
        }

        return new NpgsqlConnectionStringBuilder
        {
            Host = credential.Host,
            Port = credential.Port ?? (warehouse == Warehouse.Redshift ? WarehouseOptions.DefaultRedshiftPort : PostgresUri.DefaultPort),
            Database = credential.Database,
            Username = credential.Username,
            Password = credential.Password,
        };
    }

    private string DefaultApplicationName() => Environment.IsOnPlatform
        ? string.Create(CultureInfo.InvariantCulture, $"aqueduct-civis job {Environment.JobId} run {Environment.RunId}")
        : "aqueduct-civis";

    private CivisEnvironmentException NoSettings(Warehouse warehouse, string parameter, string uriVariable)
    {
        var p = parameter.ToUpperInvariant();
        string[] parts = [p + "_HOST", p + "_PORT", p + "_DATABASE", p + "_CREDENTIAL_USERNAME", p + "_CREDENTIAL_PASSWORD"];
        var parameterText = $"the database parameter '{parameter}' ({string.Join(", ", parts)})";
        var message = Environment.IsDev
            ? $"No connection settings for the {warehouse} warehouse. In DEV mode (DEV is set) it looked for {uriVariable}, " +
              $"then for {parameterText}, and none is set. Set {uriVariable}, for example in .env: " +
              $"{uriVariable}=postgres://user:password@localhost:5432/database."
            : $"No connection settings for the {warehouse} warehouse. In production mode (DEV is not set) it looked for " +
              $"{parameterText}, then for {uriVariable}, and none is set. Add a database parameter named '{parameter}' " +
              "to the script, or set DEV=1 for a local run.";
        return new CivisEnvironmentException(message, Environment.IsDev ? [uriVariable, .. parts] : [.. parts, uriVariable]);
    }
}
