namespace Aqueduct.Civis.Api.Internal;

/// <summary>
/// Every default of the API client in one place: the options groups, <see cref="CivisClientOptions"/> and
/// <see cref="CivisEnvironment"/> read them from here, so a default is changed once.
/// </summary>
internal static class CivisDefaults
{
    /// <summary>The platform's API address, for the client and for <c>CIVIS_API_ENDPOINT</c> when it is unset.</summary>
    public static readonly Uri ApiEndpoint = new("https://api.civisanalytics.com/");

    // ---- transport
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(100);
    public const long MaxResponseBodySize = 64L * 1024 * 1024;

    // ---- retry
    public const int MaxRetryAttempts = 8;
    public static readonly TimeSpan RetryBaseDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan RetryMaxDelay = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan RetryBudget = TimeSpan.FromMinutes(10);

    // ---- polling
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    public const double PollBackoffFactor = 1.2;
    public static readonly TimeSpan PollMaxInterval = TimeSpan.FromSeconds(15);

    /// <summary>How long the one best-effort request to cancel a remote run may take once the caller gave up.</summary>
    public static readonly TimeSpan CancelRunTimeout = TimeSpan.FromSeconds(30);

    // ---- uploads
    public const long MultipartThreshold = 50L * 1024 * 1024;
    public const long MinPartSize = 5L * 1024 * 1024;
    public const int MaxParallelUploads = 4;
}
