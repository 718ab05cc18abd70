namespace Aqueduct.Civis;

/// <summary>
/// Options of the warehouses' front door (<see cref="CivisWarehouse"/>). Every value left unset is read from the job's
/// configuration (environment variables, <c>.env</c>, <c>appsettings.json</c>): see each property for its key.
/// </summary>
public sealed class CivisWarehouseOptions
{
    /// <summary>The configuration key that chooses the route: <c>AQUEDUCT_WAREHOUSE_ROUTE</c> (<c>platform</c>, <c>direct</c> or <c>auto</c>).</summary>
    public const string RouteVariable = "AQUEDUCT_WAREHOUSE_ROUTE";

    /// <summary>The configuration key of the Postgres warehouse's name on the platform: <c>AQUEDUCT_POSTGRES_DATABASE_NAME</c>.</summary>
    public const string PostgresDatabaseNameVariable = "AQUEDUCT_POSTGRES_DATABASE_NAME";

    /// <summary>The configuration key of the Redshift warehouse's name on the platform: <c>AQUEDUCT_REDSHIFT_DATABASE_NAME</c>.</summary>
    public const string RedshiftDatabaseNameVariable = "AQUEDUCT_REDSHIFT_DATABASE_NAME";

    /// <summary>The schema of a table name that has none, on the platform route: <c>public</c>.</summary>
    public const string DefaultSchema = "public";

    /// <summary>
    /// The route every warehouse takes, or <see langword="null"/> to read <c>AQUEDUCT_WAREHOUSE_ROUTE</c> and, when that is
    /// unset or <c>auto</c>, to choose: the platform for Redshift in production, direct COPY otherwise.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public WarehouseRoute? Route { get; set; }

    /// <summary>
    /// The Postgres warehouse's id on the platform (a remote host id). When unset: the variable <c>NAME_ID</c> of the
    /// database parameter (<c>POSTGRES_ID</c>), else a lookup of <see cref="PostgresDatabaseName"/>.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? PostgresDatabaseId { get; set; }

    /// <summary>The Redshift warehouse's id on the platform; when unset, <c>REDSHIFT_ID</c>, else a lookup of <see cref="RedshiftDatabaseName"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? RedshiftDatabaseId { get; set; }

    /// <summary>
    /// The Postgres warehouse's name on the platform (<c>GET /databases</c>), looked up once when no id is known; when unset,
    /// <c>AQUEDUCT_POSTGRES_DATABASE_NAME</c>. The library has no default: the names are the City's, not the library's.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? PostgresDatabaseName { get; set; }

    /// <summary>The Redshift warehouse's name on the platform; when unset, <c>AQUEDUCT_REDSHIFT_DATABASE_NAME</c>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? RedshiftDatabaseName { get; set; }

    /// <summary>
    /// The database credential the platform's imports and exports run with. When unset: the database parameter's
    /// <c>NAME_CREDENTIAL_ID</c> (<c>REDSHIFT_CREDENTIAL_ID</c>), else the user's default database credential.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? CredentialId { get; set; }

    /// <summary>How long a CSV uploaded for an import stays on the platform before it may be deleted.</summary>
    /// <value>The default value is one day.</value>
    public TimeSpan UploadLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The time source for upload expiry.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>How long any one SQL statement may wait for the server, on either route; <see cref="TimeSpan.Zero"/> turns the bound off.</summary>
    /// <value>The default value is <see cref="TableLoadOptions.DefaultCommandTimeout"/> (30 minutes).</value>
    public TimeSpan CommandTimeout { get; set; } = TableLoadOptions.DefaultCommandTimeout;

    internal int? GetDatabaseId(Warehouse warehouse) => warehouse == Warehouse.Redshift ? RedshiftDatabaseId : PostgresDatabaseId;

    internal string? GetDatabaseName(Warehouse warehouse) => warehouse == Warehouse.Redshift ? RedshiftDatabaseName : PostgresDatabaseName;

    internal static string DatabaseNameVariable(Warehouse warehouse) =>
        warehouse == Warehouse.Redshift ? RedshiftDatabaseNameVariable : PostgresDatabaseNameVariable;

    /// <summary>The route of a warehouse: the option, else the configuration, else the warehouse and DEV decide.</summary>
    internal WarehouseRoute ResolveRoute(Warehouse warehouse, CivisEnvironment environment)
    {
        if (Route is { } chosen)
        {
            return chosen;
        }

        var text = environment.GetString(RouteVariable)?.Trim();
        return text?.ToUpperInvariant() switch
        {
            null or "" or "AUTO" => warehouse == Warehouse.Redshift && !environment.IsDev ? WarehouseRoute.CivisPlatform : WarehouseRoute.Copy,
            "PLATFORM" => WarehouseRoute.CivisPlatform,
            "DIRECT" or "COPY" => WarehouseRoute.Copy,
            _ => throw new CivisEnvironmentException(
                $"Variable '{RouteVariable}' must be 'platform', 'direct' or 'auto', not '{text}'.", [RouteVariable]),
        };
    }
}
