
namespace Aqueduct.Civis.Api;

/// <summary>How <see cref="FilesClient.UploadAsync(Stream, string, DateTimeOffset?, CancellationToken)"/> sends a file: in one form post, or in parts sent side by side.</summary>
public sealed class CivisUploadOptions
{
    /// <summary>Files at least this large are uploaded in parts (multipart upload).</summary>
    /// <value>The default value is 50 MiB.</value>
    public long MultipartThreshold { get; set; } = CivisDefaults.MultipartThreshold;

    /// <summary>The smallest part of a multipart upload.</summary>
    /// <value>The default value is 5 MiB (the storage service's minimum).</value>
    public long MinPartSize { get; set; } = CivisDefaults.MinPartSize;

    /// <summary>How many parts of a multipart upload are sent at the same time.</summary>
    /// <value>The default value is 4.</value>
    public int MaxParallelUploads { get; set; } = CivisDefaults.MaxParallelUploads;

    internal CivisUploadOptions Clone() => (CivisUploadOptions)MemberwiseClone();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MultipartThreshold, 1, "Uploads." + nameof(MultipartThreshold));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinPartSize, 1, "Uploads." + nameof(MinPartSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxParallelUploads, 1, "Uploads." + nameof(MaxParallelUploads));
    }
}
