namespace Aqueduct.Civis.Testing;

/// <summary>A request the fake Civis API received. The Authorization header is not kept, only whether it held the key.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, without the query.</param>
/// <param name="Query">The query string, with its leading <c>?</c>, or empty.</param>
/// <param name="Body">The body as text (empty when none; binary bodies of uploads are not kept).</param>
/// <param name="Authorized">Whether the request carried the fake's API key.</param>
/// <param name="Headers">The other request headers.</param>
public sealed record FakeCivisRequest(string Method, string Path, string Query, string Body, bool Authorized, IReadOnlyDictionary<string, string> Headers);
