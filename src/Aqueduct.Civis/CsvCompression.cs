namespace Aqueduct.Civis;

/// <summary>Whether a CSV file or stream is compressed.</summary>
public enum CsvCompression
{
    /// <summary>Reading: gzip when the data starts with gzip's signature. Writing: gzip when the file name ends in <c>.gz</c>.</summary>
    Auto,

    /// <summary>Plain CSV.</summary>
    None,

    /// <summary>Gzip-compressed CSV.</summary>
    Gzip,
}
