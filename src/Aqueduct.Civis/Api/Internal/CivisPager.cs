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
    /// is a single page.
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

        var limit = ignorePageSizeOption ? endpointMaximum : Math.Min(pipeline.Options.PageSize ?? endpointMaximum, endpointMaximum);
        for (var page = 1; ; page++)
        {
            var pathAndQuery = string.Create(CultureInfo.InvariantCulture, $"{path}?{(string.IsNullOrEmpty(query) ? "" : query + "&")}limit={limit}&page_num={page}");
            List<T> items;
            CivisPagination? pagination;
            using (var response = await pipeline.SendAsync(pipeline.Request(HttpMethod.Get, pathAndQuery), cancellationToken).ConfigureAwait(false))
            {
                pagination = CivisPipeline.ReadPagination(response);
                items = await CivisPipeline.ReadAsync(response, typeInfo, cancellationToken).ConfigureAwait(false);
            }

            foreach (var item in items)
            {
                yield return item;
            }

            if (pagination is not { } p || page >= p.TotalPages || items.Count == 0)
            {
                yield break;
            }
        }
    }
}
