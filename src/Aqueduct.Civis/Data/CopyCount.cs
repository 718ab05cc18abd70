namespace Aqueduct.Civis.Data;

/// <summary>The rows a COPY sent, and the rows the server reported taking (<c>COPY n</c>) when known.</summary>
internal readonly record struct CopyCount(long Sent, long? Taken);
