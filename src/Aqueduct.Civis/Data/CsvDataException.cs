namespace Aqueduct.Civis.Data;

/// <summary>The CSV's bytes are malformed where only this library reads them (the header, the gzip framing).</summary>
internal sealed class CsvDataException(string message, Exception? innerException = null) : Exception(message, innerException);
