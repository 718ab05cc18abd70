namespace Aqueduct.Civis;

/// <summary>
/// A part of a multipart file upload failed after all its retries. The upload was abandoned and not
/// completed, so no partial file exists on the platform.
/// </summary>
public class CivisUploadException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message, naming the part.</param>
    /// <param name="fileId">The file whose upload failed.</param>
    /// <param name="partNumber">The failed part, 1-based.</param>
    /// <param name="partCount">How many parts the upload had.</param>
    /// <param name="innerException">Why the part failed.</param>
    public CivisUploadException(string message, int fileId, int partNumber, int partCount, Exception innerException)
        : base(message, innerException)
    {
        FileId = fileId;
        PartNumber = partNumber;
        PartCount = partCount;
    }

    /// <summary>The file whose upload failed.</summary>
    public int FileId { get; }

    /// <summary>The failed part, 1-based.</summary>
    public int PartNumber { get; }

    /// <summary>How many parts the upload had.</summary>
    public int PartCount { get; }
}
