using System.Globalization;
using System.Runtime.CompilerServices;
using Aqueduct.Civis.Api.Models;

namespace Aqueduct.Civis.Api.Internal;

/// <summary>Reads run logs by <c>last_id</c>, following a live run and dropping entries already seen.</summary>
internal static class LogReader
{
    public const int PageSize = 1000;

    public static async IAsyncEnumerable<RunLogEntry> ReadAsync(CivisPipeline pipeline, string path, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = new HashSet<long>();
        long? cursor = null;
        var delay = pipeline.Options.Polling.Interval;
        while (true)
        {
            var maxBefore = seen.Count == 0 ? (long?)null : seen.Max();
            var query = cursor is { } c ? string.Create(CultureInfo.InvariantCulture, $"?last_id={c}&limit={PageSize}") : $"?limit={PageSize}";
            List<RunLogEntry> entries;
            bool live;
            var request = pipeline.Request(HttpMethod.Get, path + query);
            using (var response = await pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false))
            {
                live = CivisPipeline.ReadHeader(response, "Civis-Cache-Control")?.Contains("no-store", StringComparison.OrdinalIgnoreCase) == true;
                entries = await CivisPipeline.ReadAsync(response, request, CivisJsonContext.Default.ListRunLogEntry, cancellationToken).ConfigureAwait(false);
            }

            entries.Sort((a, b) => (a.Id ?? 0).CompareTo(b.Id ?? 0));
            foreach (var entry in entries)
            {
                if (entry.Id is not { } id || seen.Add(id))
                {
                    yield return entry;
                }
            }

            if (entries.Count >= PageSize)
            {
                // A full page: more is waiting right now.
                cursor = seen.Count == 0 ? null : seen.Max();
                continue;
            }

            if (!follow || !live)
            {
                yield break;
            }

            // Entries can arrive late and out of id order, so the next read starts from the highest id
            // known before this one rather than the highest now: what came in between is read again
            // and de-duplicated by id.
            cursor = maxBefore;
            await Task.Delay(delay, pipeline.TimeProvider, cancellationToken).ConfigureAwait(false);
            delay = pipeline.Options.Polling.Next(delay);
        }
    }
}
