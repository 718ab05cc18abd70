namespace Aqueduct.Civis;

/// <summary>Options of a <see cref="WarehouseLoader"/>; see <see cref="CivisWarehouseOptions"/>, which replaces them.</summary>
[Obsolete("Use CivisWarehouseOptions with the front door, CivisWarehouse.")]
public sealed class WarehouseLoaderOptions
{
    /// <summary>The schema of a table name that has none: <c>public</c>.</summary>
    public const string DefaultSchema = "public";

    /// <summary>The name of the Redshift database on the platform, looked up once through <c>GET /databases</c>.</summary>
    /// <value>The default value is <see langword="null"/>: <c>REDSHIFT_ID</c>, else <c>AQUEDUCT_REDSHIFT_DATABASE_NAME</c> (see <see cref="CivisWarehouseOptions.RedshiftDatabaseName"/>).</value>
    public string? RedshiftDatabaseName { get; set; }

    /// <summary>The Redshift database's id on the platform, which skips the lookup by name.</summary>
    /// <value>The default value is <see langword="null"/>: looked up from <see cref="RedshiftDatabaseName"/>.</value>
    public int? RedshiftDatabaseId { get; set; }

    /// <summary>The id of the database credential imports and exports run with, which skips the lookup.</summary>
    /// <value>The default value is <see langword="null"/>: the user's default database credential.</value>
    public int? CredentialId { get; set; }

    /// <summary>How long a CSV uploaded for an import stays on the platform before it may be deleted.</summary>
    /// <value>The default value is one day.</value>
    public TimeSpan UploadLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The time source for upload expiry.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// How long any one SQL statement the loader runs may wait for the server: loads and exports on the COPY
    /// route (see <see cref="TableLoadOptions.CommandTimeout"/>) and the platform route's own SQL (the InsertIgnore
    /// merge, the staging table's clean-up). <see cref="TimeSpan.Zero"/> turns the bound off.
    /// </summary>
    /// <value>The default value is <see cref="TableLoadOptions.DefaultCommandTimeout"/> (30 minutes).</value>
    public TimeSpan CommandTimeout { get; set; } = TableLoadOptions.DefaultCommandTimeout;
}
