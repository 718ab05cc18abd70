using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization.Metadata;

namespace Aqueduct.Civis.Api.Internal;

/// <summary>Walks <c>page_num</c> of a list endpoint, one retried request per page.</summary>
internal static class CivisPager
{
    /// <summary>
    /// Yields every item of every page. Stops at the page the <c>X-Pagination-Total-Pages</c> header
    /// names as the last, so no empty page is ever asked for; an endpoint without paging headers
    /// is a single page. Headers are not trusted blindly: a page that repeats the previous one, an
    /// empty page before the last, another page than the one asked for, or totals that cannot be
    /// true end the walk with a <see cref="CivisApiException"/>.
    /// </summary>
    public static async IAsyncEnumerable<T> ListAsync<T>(
        CivisPipeline pipeline,
        string path,
        string? query,
        int endpointMaximum,
        JsonTypeInfo<List<T>> typeInfo,
        [EnumeratorCancellation] CancellationToken cancellationToken,
        bool ignorePageSizeOption = false)
    {
        if (endpointMaximum <= 0)
        {
            // Not a paged endpoint: one request answers with every item.
            var unpaged = string.IsNullOrEmpty(query) ? path : path + "?" + query;
            foreach (var item in await pipeline.GetAsync(unpaged, typeInfo, cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }

            yield break;
        }

        var limit = ignorePageSizeOption ? endpointMaximum : Math.Min(pipeline.Options.Transport.PageSize ?? endpointMaximum, endpointMaximum);
        byte[]? previousBody = null;
        for (var page = 1; ; page++)
        {
            var pathAndQuery = string.Create(CultureInfo.InvariantCulture, $"{path}?{(string.IsNullOrEmpty(query) ? "" : query + "&")}limit={limit}&page_num={page}");
            var request = pipeline.Request(HttpMethod.Get, pathAndQuery);
            List<T> items;
            int? totalPages;
            byte[] body;
            using (var response = await pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false))
            {
                body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                items = CivisPipeline.Deserialize(body, request, response, typeInfo);
                totalPages = CheckPage(request, response, page, items.Count, body, previousBody);
            }

            foreach (var item in items)
            {
                yield return item;
            }

            if (totalPages is not { } total || page >= total || items.Count == 0)
            {
                yield break;
            }

            previousBody = body;
        }
    }

    /// <summary>
    /// Checks one page against its headers and the page before, so a server that ignores <c>page_num</c> or
    /// misreports its totals ends the walk with an error instead of looping or silently dropping items.
    /// </summary>
    /// <returns>The page count the headers report, or <see langword="null"/> for an unpaged answer.</returns>
    private static int? CheckPage(CivisRequest request, HttpResponseMessage response, int page, int count, byte[] body, byte[]? previousBody)
    {
        if (CivisPipeline.ReadInt(response, "X-Pagination-Total-Pages") is not { } totalPages)
        {
            return null;
        }

        var perPage = CivisPipeline.ReadInt(response, "X-Pagination-Per-Page");
        var entries = CivisPipeline.ReadInt(response, "X-Pagination-Total-Entries");
        var current = CivisPipeline.ReadInt(response, "X-Pagination-Current-Page");
        string? problem = null;
        if (totalPages < 0 || perPage < 0 || entries < 0)
        {
            problem = string.Create(CultureInfo.InvariantCulture,
                $"reports {totalPages} pages of {perPage?.ToString(CultureInfo.InvariantCulture) ?? "?"} items, {entries?.ToString(CultureInfo.InvariantCulture) ?? "?"} in all, which cannot be true");
        }
        else if (perPage > 0 && entries is { } total
            && totalPages != (int)((total + (long)perPage.Value - 1) / perPage.Value) && !(total == 0 && totalPages <= 1))
        {
            problem = string.Create(CultureInfo.InvariantCulture,
                $"reports {totalPages} pages for {total} items of {perPage} per page, which cannot be true");
        }
        else if (current is { } currentPage && currentPage != page)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"answered with page {currentPage} when page {page} was asked for");
        }
        else if (count == 0 && page < totalPages)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"page {page} of {totalPages} is empty");
        }
        else if (count > 0 && previousBody is not null && body.AsSpan().SequenceEqual(previousBody))
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"page {page} repeats the items of page {page - 1}");
        }

        if (problem is null)
        {
            return totalPages;
        }

        throw new CivisApiException(
            string.Create(CultureInfo.InvariantCulture, $"{request.Method.Method} {request.DisplayPath} {problem}; the listing was stopped rather than trust its paging."),
            (int)response.StatusCode, null, null, request.Method.Method, request.DisplayPath);
    }
}
