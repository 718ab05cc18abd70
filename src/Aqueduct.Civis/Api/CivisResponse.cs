using System.Net;
using System.Text.Json;

namespace Aqueduct.Civis.Api;

/// <summary>The answer to a raw call (<see cref="CivisClient.SendAsync"/>): status, JSON body and the headers that matter.</summary>
public sealed class CivisResponse
{
    /// <summary>Creates a response.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="content">The JSON body, or <see langword="null"/> when the body was empty.</param>
    /// <param name="pagination">The paging headers, when present.</param>
    /// <param name="rateLimit">The rate limit headers, when present.</param>
    public CivisResponse(HttpStatusCode statusCode, JsonElement? content, CivisPagination? pagination, CivisRateLimit? rateLimit)
    {
        StatusCode = statusCode;
        Content = content;
        Pagination = pagination;
        RateLimit = rateLimit;
    }

    /// <summary>The HTTP status.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The JSON body, or <see langword="null"/> when the body was empty (204, 202 without body).</summary>
    public JsonElement? Content { get; }

    /// <summary>The paging headers, when the response had them.</summary>
    public CivisPagination? Pagination { get; }

    /// <summary>The rate limit headers, when the response had them.</summary>
    public CivisRateLimit? RateLimit { get; }
}
