namespace Aqueduct.Civis;

/// <summary>
/// A Civis API call failed: the API answered with an error status, or no answer came after every
/// allowed attempt. Carries the status, the API's <c>error</c> and <c>errorDescription</c>, and the
/// method and path of the call; never the API key.
/// </summary>
public class CivisApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="statusCode">The HTTP status, or 0 when no response arrived.</param>
    /// <param name="error">The API's <c>error</c> code, such as <c>not_found</c>.</param>
    /// <param name="errorDescription">The API's <c>errorDescription</c>.</param>
    /// <param name="method">The HTTP method of the call.</param>
    /// <param name="path">The path of the call, without its query.</param>
    /// <param name="innerException">The cause, when no response arrived.</param>
    public CivisApiException(string message, int statusCode, string? error, string? errorDescription, string method, string path, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Error = error;
        ErrorDescription = errorDescription;
        Method = method;
        Path = path;
    }

    /// <summary>The HTTP status of the response, or 0 when no response arrived (connection failure or timeout).</summary>
    public int StatusCode { get; }

    /// <summary>The API's error code (<c>error</c>), such as <c>not_found</c> or <c>conflict</c>.</summary>
    public string? Error { get; }

    /// <summary>The API's explanation (<c>errorDescription</c>).</summary>
    public string? ErrorDescription { get; }

    /// <summary>The HTTP method of the failed call.</summary>
    public string Method { get; }

    /// <summary>The path of the failed call, without its query string.</summary>
    public string Path { get; }

    /// <summary>The rate limit the failed response reported, when it did.</summary>
    public Api.CivisRateLimit? RateLimit { get; init; }

    /// <summary>
    /// Whether the same call may succeed later: no response, or 408, 429, 500, 502, 503 or 504, the statuses the
    /// client's retry predicate retries (one list serves both). By the time the exception is thrown the client's own
    /// retries are spent.
    /// </summary>
    public bool IsTransient => Api.Internal.TransientStatusCodes.IsTransient(StatusCode);
}
