using System.Diagnostics;
using Aqueduct.Civis.Testing;

namespace Aqueduct.Civis.Bench;

/// <summary>
/// The API client's two scaling claims, measured against the fake Civis API on loopback:
/// listing 10,000 items makes exactly as many page requests as the paging headers call for, and
/// 100 concurrent GETs held 50 ms each by the server finish in a small multiple of 50 ms.
/// </summary>
internal static class ApiBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        const int Items = 10_000;
        const int Concurrent = 100;
        var hold = TimeSpan.FromMilliseconds(50);

        await using var api = await FakeCivisApi.StartAsync();
        var client = new CivisClient(api.CreateClientOptions());
        var failures = 0;

        // 1. Paging: 10,000 runs, listed at the endpoint's maximum page size.
        var script = api.AddContainerScript("bench");
        api.AddRuns(script, Items);
        var path = $"scripts/containers/{script}/runs";
        var first = await client.SendAsync(HttpMethod.Get, path + "?limit=100&page_num=1");
        var expectedPages = first.Pagination!.Value.TotalPages;
        var before = api.Requests.Count;
        var watch = Stopwatch.StartNew();
        var count = 0;
        await foreach (var _ in client.Scripts.ListContainerRunsAsync(script))
        {
            count++;
        }

        watch.Stop();
        var pageRequests = api.Requests.Count - before;
        Console.WriteLine($"paging:      {count} items in {pageRequests} page requests (X-Pagination-Total-Pages: {expectedPages}), {watch.ElapsedMilliseconds} ms");
        if (count != Items || pageRequests != expectedPages)
        {
            Console.WriteLine("paging:      FAILED: every item once, and exactly the pages the headers call for, was expected");
            failures++;
        }

        // 2. Concurrency: 100 GETs at once, each held 50 ms by the server.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.Users.GetMeAsync())); // warm up connections and JIT
        api.ResponseDelay = hold;
        watch.Restart();
        await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(_ => client.Users.GetMeAsync()));
        watch.Stop();
        var multiple = watch.Elapsed / hold;
        Console.WriteLine($"concurrency: {Concurrent} GETs held {hold.TotalMilliseconds:0} ms each took {watch.ElapsedMilliseconds} ms = {multiple:0.0} x 50 ms (serialised: {Concurrent} x)");
        if (multiple > 10)
        {
            Console.WriteLine("concurrency: FAILED: expected a small multiple of 50 ms");
            failures++;
        }

        return failures == 0 ? 0 : 1;
    }
}
