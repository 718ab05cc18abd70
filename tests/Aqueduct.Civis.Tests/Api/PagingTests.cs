using Aqueduct.Civis.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Aqueduct.Civis.Tests.Api;

public sealed class PagingTests : IAsyncLifetime
{
    private FakeCivisApi _api = null!;
    private readonly FakeTimeProvider _time = new();

    public async ValueTask InitializeAsync() => _api = await FakeCivisApi.StartAsync();

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    private CivisClient Client(int pageSize)
    {
        var options = _api.CreateClientOptions();
        options.Transport.PageSize = pageSize;
        options.TimeProvider = _time;
        options.Transport.AttemptTimeout = TimeSpan.FromDays(1);
        return new CivisClient(options);
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    [Fact]
    public async Task ListAsync_SeveralPages_StopsAtLastPageWithoutExtraRequest()
    {
        var script = _api.AddContainerScript();
        _api.AddRuns(script, 250);
        var runs = await ToListAsync(Client(100).Scripts.ListContainerRunsAsync(script, TestContext.Current.CancellationToken));
        Assert.Equal(250, runs.Count);
        var pages = _api.Requests.Where(r => r.Path == $"/scripts/containers/{script}/runs").Select(r => r.Query).ToList();
        Assert.Equal(["?limit=100&page_num=1", "?limit=100&page_num=2", "?limit=100&page_num=3"], pages);
    }

    [Fact]
    public async Task ListAsync_FaultOnMiddlePage_ReturnsEveryItemExactlyOnce()
    {
        var script = _api.AddContainerScript();
        _api.AddRuns(script, 250);
        _api.Faults.Enqueue(FakeFault.Status(503).For("GET", $"/scripts/containers/{script}/runs").After(1));
        _api.Faults.Enqueue(FakeFault.DropConnection().For("GET", $"/scripts/containers/{script}/runs").After(3));
        var runs = await FakeTime.DriveAsync(_time, ToListAsync(Client(100).Scripts.ListContainerRunsAsync(script, TestContext.Current.CancellationToken)));
        Assert.Equal(250, runs.Count);
        Assert.Equal(250, runs.Select(r => r.Id).Distinct().Count());
        Assert.Equal(5, _api.Requests.Count(r => r.Path == $"/scripts/containers/{script}/runs"));
    }

    [Fact]
    public async Task ListAsync_PageSizeAboveEndpointMaximum_AsksForTheMaximum()
    {
        var script = _api.AddContainerScript();
        _api.AddRuns(script, 5);
        await ToListAsync(Client(5000).Scripts.ListContainerRunsAsync(script, TestContext.Current.CancellationToken));
        Assert.Equal("?limit=100&page_num=1", _api.Requests[^1].Query);
    }

    [Fact]
    public async Task ListAsync_RawList_PagesLikeTypedLists()
    {
        var script = _api.AddContainerScript();
        _api.AddRuns(script, 30);
        var items = await ToListAsync(Client(10).ListAsync($"scripts/containers/{script}/runs", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(30, items.Count);
        Assert.Equal(3, _api.Requests.Count(r => r.Path == $"/scripts/containers/{script}/runs"));
    }
}
