using System.ComponentModel;
using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis;

/// <summary>
/// Settings of a <see cref="CivisClient"/>: where the API is, the key and the run it works for, then one group per
/// concern: <see cref="Transport"/> (timeouts, body cap, page size), <see cref="Retry"/>, <see cref="Polling"/> and
/// <see cref="Uploads"/>. Defaults are documented on each property.
/// </summary>
/// <example>
/// <code>
/// var options = CivisClientOptions.FromEnvironment(environment);
/// options.Retry.MaxRetryAttempts = 3;
/// options.Polling.MaxInterval = TimeSpan.FromSeconds(5);
/// </code>
/// </example>
public sealed class CivisClientOptions
{
    /// <summary>The default API address, <c>https://api.civisanalytics.com/</c> (also <see cref="CivisEnvironment.DefaultApiEndpoint"/>).</summary>
    public static readonly Uri DefaultBaseAddress = CivisDefaults.ApiEndpoint;

    /// <summary>The default of <see cref="CivisTransportOptions.MaxResponseBodySize"/>: 64 MiB.</summary>
    public const long DefaultMaxResponseBodySize = CivisDefaults.MaxResponseBodySize;

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

    /// <summary>How each call goes over the wire: the per-attempt timeout, the largest body read, the page size.</summary>
    public CivisTransportOptions Transport { get; private set; } = new();

    /// <summary>How failed calls are retried: attempts, backoff, jitter and the total budget.</summary>
    public CivisRetryOptions Retry { get; private set; } = new();

    /// <summary>How runs, queries and live logs are polled until they end.</summary>
    public CivisPollingOptions Polling { get; private set; } = new();

    /// <summary>How files are uploaded: when in parts, how large, how many at once.</summary>
    public CivisUploadOptions Uploads { get; private set; } = new();

    /// <summary>The clock used for backoff, timeouts and polling; tests pass a fake one.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where the client logs (category <c>Aqueduct.Civis.CivisClient</c>); <see langword="null"/> logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    // ---- The flat forms of the grouped settings, kept so settings written before the groups keep working.

    /// <summary>Same as <see cref="CivisTransportOptions.AttemptTimeout"/> of <see cref="Transport"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public TimeSpan AttemptTimeout { get => Transport.AttemptTimeout; set => Transport.AttemptTimeout = value; }

    /// <summary>Same as <see cref="CivisTransportOptions.MaxResponseBodySize"/> of <see cref="Transport"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public long MaxResponseBodySize { get => Transport.MaxResponseBodySize; set => Transport.MaxResponseBodySize = value; }

    /// <summary>Same as <see cref="CivisTransportOptions.PageSize"/> of <see cref="Transport"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public int? PageSize { get => Transport.PageSize; set => Transport.PageSize = value; }

    /// <summary>Same as <see cref="CivisRetryOptions.MaxRetryAttempts"/> of <see cref="Retry"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public int MaxRetryAttempts { get => Retry.MaxRetryAttempts; set => Retry.MaxRetryAttempts = value; }

    /// <summary>Same as <see cref="CivisRetryOptions.BaseDelay"/> of <see cref="Retry"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public TimeSpan RetryBaseDelay { get => Retry.BaseDelay; set => Retry.BaseDelay = value; }

    /// <summary>Same as <see cref="CivisRetryOptions.MaxDelay"/> of <see cref="Retry"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public TimeSpan RetryMaxDelay { get => Retry.MaxDelay; set => Retry.MaxDelay = value; }

    /// <summary>Same as <see cref="CivisRetryOptions.Budget"/> of <see cref="Retry"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public TimeSpan RetryBudget { get => Retry.Budget; set => Retry.Budget = value; }

    /// <summary>Same as <see cref="CivisPollingOptions.Interval"/> of <see cref="Polling"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public TimeSpan PollInterval { get => Polling.Interval; set => Polling.Interval = value; }

    /// <summary>Same as <see cref="CivisPollingOptions.BackoffFactor"/> of <see cref="Polling"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public double PollBackoffFactor { get => Polling.BackoffFactor; set => Polling.BackoffFactor = value; }

    /// <summary>Same as <see cref="CivisPollingOptions.MaxInterval"/> of <see cref="Polling"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public TimeSpan PollMaxInterval { get => Polling.MaxInterval; set => Polling.MaxInterval = value; }

    /// <summary>Same as <see cref="CivisUploadOptions.MultipartThreshold"/> of <see cref="Uploads"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public long MultipartThreshold { get => Uploads.MultipartThreshold; set => Uploads.MultipartThreshold = value; }

    /// <summary>Same as <see cref="CivisUploadOptions.MinPartSize"/> of <see cref="Uploads"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public long MinPartSize { get => Uploads.MinPartSize; set => Uploads.MinPartSize = value; }

    /// <summary>Same as <see cref="CivisUploadOptions.MaxParallelUploads"/> of <see cref="Uploads"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public int MaxParallelUploads { get => Uploads.MaxParallelUploads; set => Uploads.MaxParallelUploads = value; }

    /// <summary>A deep copy of these options, so a client is not affected by later changes, to a group either.</summary>
    internal CivisClientOptions Clone()
    {
        var copy = (CivisClientOptions)MemberwiseClone();
        copy.Transport = Transport.Clone();
        copy.Retry = Retry.Clone();
        copy.Polling = Polling.Clone();
        copy.Uploads = Uploads.Clone();
        return copy;
    }

    /// <summary>Checks the settings and names the one at fault (<c>Retry.MaxRetryAttempts</c>, say).</summary>
    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(BaseAddress, nameof(BaseAddress));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        if (!BaseAddress.IsAbsoluteUri)
        {
            throw new ArgumentException($"{nameof(BaseAddress)} must be an absolute URI.", nameof(BaseAddress));
        }

        Transport.Validate();
        Retry.Validate();
        Polling.Validate();
        Uploads.Validate();
    }
}
