
namespace Aqueduct.Civis.Api;

/// <summary>How each HTTP call of a <see cref="CivisClient"/> goes over the wire: its timeout, the largest body read, the page size.</summary>
public sealed class CivisTransportOptions
{
    /// <summary>How long one attempt of a request may take before it is abandoned (and retried when that is safe).</summary>
    /// <value>The default value is 100 seconds.</value>
    public TimeSpan AttemptTimeout { get; set; } = CivisDefaults.AttemptTimeout;

    /// <summary>
    /// The largest response body, in bytes, the client reads into memory (every JSON answer); a larger one fails
    /// with a <see cref="CivisApiException"/> saying so, without a retry. File downloads
    /// (<see cref="FilesClient.OpenReadAsync"/>) are streams and are not capped.
    /// </summary>
    /// <value>The default value is 64 MiB; at most <see cref="Array.MaxLength"/>.</value>
    public long MaxResponseBodySize { get; set; } = CivisDefaults.MaxResponseBodySize;

    /// <summary>Items asked for per page by list calls; <see langword="null"/> asks for each endpoint's maximum.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? PageSize { get; set; }

    internal CivisTransportOptions Clone() => (CivisTransportOptions)MemberwiseClone();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(AttemptTimeout, TimeSpan.Zero, "Transport." + nameof(AttemptTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxResponseBodySize, 1, "Transport." + nameof(MaxResponseBodySize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxResponseBodySize, Array.MaxLength, "Transport." + nameof(MaxResponseBodySize));
        if (PageSize is { } pageSize)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1, "Transport." + nameof(PageSize));
        }
    }
}
