using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis;

/// <summary>
/// Settings of a <see cref="CivisClient"/>: where the API is, the key, the run it works for, and how
/// it times out, retries, pages and polls. Defaults are documented on each property.
/// </summary>
public sealed class CivisClientOptions
{
    /// <summary>The default API address, <c>https://api.civisanalytics.com/</c>.</summary>
    public static readonly Uri DefaultBaseAddress = new("https://api.civisanalytics.com/");

    /// <summary>
    /// Options for the run the environment describes: the API key (<c>CIVIS_API_KEY</c>), the address
    /// (<c>CIVIS_API_ENDPOINT</c>) and the job and run ids (<c>CIVIS_JOB_ID</c>, <c>CIVIS_RUN_ID</c>).
    /// </summary>
    /// <param name="environment">The job's environment.</param>
    /// <returns>New options; the other settings keep their defaults.</returns>
    public static CivisClientOptions FromEnvironment(CivisEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return new CivisClientOptions().ApplyEnvironment(environment);
    }

    internal CivisClientOptions ApplyEnvironment(CivisEnvironment environment)
    {
        ApiKey = environment.ApiKey;
        BaseAddress = environment.ApiEndpoint;
        JobId = environment.JobId;
        RunId = environment.RunId;
        return this;
    }

    /// <summary>The API key, sent as a Bearer token. It never appears in a message, log or <c>ToString()</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The API's base address.</summary>
    /// <value>The default value is <see cref="DefaultBaseAddress"/>.</value>
    public Uri BaseAddress { get; set; } = DefaultBaseAddress;

    /// <summary>The job this process runs for, sent as <c>X-Civis-Job-ID</c> when set.</summary>
    public int? JobId { get; set; }

    /// <summary>The run this process is, sent as <c>X-Civis-Run-ID</c> when set.</summary>
    public int? RunId { get; set; }

    /// <summary>How long one attempt of a request may take before it is abandoned (and retried when that is safe).</summary>
    /// <value>The default value is 100 seconds.</value>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>How many times a failed request is retried at most.</summary>
    /// <value>The default value is 8.</value>
    public int MaxRetryAttempts { get; set; } = 8;

    /// <summary>The first backoff delay; each retry doubles it, with jitter, up to <see cref="RetryMaxDelay"/>.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest computed backoff delay. A longer <c>Retry-After</c> from the server is still honoured.</summary>
    /// <value>The default value is 60 seconds.</value>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The total time budget of one call, retries and waits included: no retry is started whose wait
    /// would end past it.
    /// </summary>
    /// <value>The default value is 10 minutes.</value>
    public TimeSpan RetryBudget { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Items asked for per page by list calls; <see langword="null"/> asks for each endpoint's maximum.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? PageSize { get; set; }

    /// <summary>The first wait between two polls of a run.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The factor by which the wait between polls grows.</summary>
    /// <value>The default value is 1.2.</value>
    public double PollBackoffFactor { get; set; } = 1.2;

    /// <summary>The longest wait between two polls of a run.</summary>
    /// <value>The default value is 15 seconds.</value>
    public TimeSpan PollMaxInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Files at least this large are uploaded in parts (multipart upload).</summary>
    /// <value>The default value is 50 MiB.</value>
    public long MultipartThreshold { get; set; } = 50L * 1024 * 1024;

    /// <summary>The smallest part of a multipart upload.</summary>
    /// <value>The default value is 5 MiB (the storage service's minimum).</value>
    public long MinPartSize { get; set; } = 5L * 1024 * 1024;

    /// <summary>How many parts of a multipart upload are sent at the same time.</summary>
    /// <value>The default value is 4.</value>
    public int MaxParallelUploads { get; set; } = 4;

    /// <summary>
    /// The largest response body, in bytes, the client reads into memory (every JSON answer); a larger one fails
    /// with a <see cref="CivisApiException"/> saying so, without a retry. File downloads
    /// (<see cref="Api.FilesClient.OpenReadAsync"/>) are streams and are not capped.
    /// </summary>
    /// <value>The default value is 64 MiB (<see cref="DefaultMaxResponseBodySize"/>); at most <see cref="Array.MaxLength"/>.</value>
    public long MaxResponseBodySize { get; set; } = DefaultMaxResponseBodySize;

    /// <summary>The default of <see cref="MaxResponseBodySize"/>: 64 MiB.</summary>
    public const long DefaultMaxResponseBodySize = 64L * 1024 * 1024;

    /// <summary>The clock used for backoff, timeouts and polling; tests pass a fake one.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where the client logs (category <c>Aqueduct.Civis.CivisClient</c>); <see langword="null"/> logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>A copy of these options, so a client is not affected by later changes.</summary>
    internal CivisClientOptions Clone() => (CivisClientOptions)MemberwiseClone();

    /// <summary>Checks the settings and names the one at fault.</summary>
    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(BaseAddress, nameof(BaseAddress));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        if (!BaseAddress.IsAbsoluteUri)
        {
            throw new ArgumentException($"{nameof(BaseAddress)} must be an absolute URI.", nameof(BaseAddress));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetryAttempts, nameof(MaxRetryAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(AttemptTimeout, TimeSpan.Zero, nameof(AttemptTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryBaseDelay, TimeSpan.Zero, nameof(RetryBaseDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryMaxDelay, TimeSpan.Zero, nameof(RetryMaxDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryBudget, TimeSpan.Zero, nameof(RetryBudget));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero, nameof(PollInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(PollBackoffFactor, 1.0, nameof(PollBackoffFactor));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxParallelUploads, 1, nameof(MaxParallelUploads));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinPartSize, 1, nameof(MinPartSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxResponseBodySize, 1, nameof(MaxResponseBodySize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxResponseBodySize, Array.MaxLength, nameof(MaxResponseBodySize));
        if (PageSize is { } pageSize)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1, nameof(PageSize));
        }
    }
}
