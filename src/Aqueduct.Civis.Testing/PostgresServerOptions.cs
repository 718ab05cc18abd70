using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis.Testing;

/// <summary>How <see cref="PostgresServer.StartAsync"/> finds or starts a server.</summary>
public sealed class PostgresServerOptions
{
    /// <summary>The Docker image used when no other image is given.</summary>
    public const string DefaultImageName = "postgres:15-alpine";

    /// <summary>The start timeout used when no other timeout is given.</summary>
    public static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The one source to use, with no fallback; <see langword="null"/> reads <c>AQUEDUCT_TEST_POSTGRES_SOURCE</c>
    /// (<c>uri</c>, <c>docker</c> or <c>binaries</c>) and, when that is unset too, tries every source in turn.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public PostgresServerSource? Source { get; set; }

    /// <summary>The Docker image started by the <see cref="PostgresServerSource.Docker"/> source.</summary>
    /// <value>The default value is <see cref="DefaultImageName"/> (<c>postgres:15-alpine</c>).</value>
    public string ImageName { get; set; } = DefaultImageName;

    /// <summary>
    /// The directory holding <c>initdb</c> and <c>pg_ctl</c>; when set, no other place is searched.
    /// <see langword="null"/> reads <c>AQUEDUCT_POSTGRES_BIN</c>, then searches <c>PATH</c>, <c>pg_config --bindir</c>
    /// and the usual install locations.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? BinDirectory { get; set; }

    /// <summary>
    /// The port (<c>5500</c>) or range of ports (<c>5500-5599</c>) a server started from the binaries listens on, for
    /// shared CI machines; <see langword="null"/> reads <c>AQUEDUCT_LOCAL_WAREHOUSE_PORT</c>, and when that is unset too
    /// any free port is taken. A port that is taken is skipped; a range with none free fails naming it.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Ports { get; set; }

    /// <summary>
    /// How long starting a server (including pulling a Docker image) or reaching an existing one may take.
    /// </summary>
    /// <value>The default value is <see cref="DefaultStartTimeout"/> (two minutes).</value>
    public TimeSpan StartTimeout { get; set; } = DefaultStartTimeout;

    /// <summary>Receives progress messages: which sources were tried, why one was skipped, how long a start took.</summary>
    /// <value>The default value is <see langword="null"/> (no logging).</value>
    public ILogger? Logger { get; set; }

    /// <summary>
    /// Reads an environment variable by name; tests inject their own to avoid changing the process environment.
    /// </summary>
    /// <value>The default value is <see langword="null"/>, which reads the process environment.</value>
    public Func<string, string?>? GetEnvironmentVariable { get; set; }
}
