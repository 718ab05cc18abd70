using System.Globalization;
using System.Text.Json;
using Aqueduct.Civis.Api.Models;
using Aqueduct.Civis.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Aqueduct.Civis.Tests.Api;

/// <summary>A sample of the generated calls end to end over HTTP against the fake, which answers from the spec's recorded examples.</summary>
public sealed class GeneratedEndpointTests : IAsyncLifetime
{
    private FakeCivisApi _api = null!;
    private readonly FakeTimeProvider _time = new();
    private CivisClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _api = await FakeCivisApi.StartAsync();
        var options = _api.CreateClientOptions();
        options.TimeProvider = _time;
        options.Transport.AttemptTimeout = TimeSpan.FromDays(1);
        _client = new CivisClient(options);
    }

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetAsync_GroupById_SendsGetAndReadsRecordedGroup()
    {
        var group = await _client.Groups.GetAsync(7, Ct);

        Assert.NotNull(group.Id);
        Assert.False(string.IsNullOrEmpty(group.Name));
        var call = Assert.Single(_api.Requests);
        Assert.Equal("GET", call.Method);
        Assert.Equal("/groups/7", call.Path);
        Assert.Equal("", call.Query);
    }

    [Fact]
    public async Task ListAsync_GroupsWithFilters_WalksPagesAndSendsEveryFilter()
    {
        var items = new List<GroupSummary>();
        await foreach (var item in _client.Groups.ListAsync(query: "a b", includeMembers: true, userIds: [3, 5], cancellationToken: Ct))
        {
            items.Add(item);
        }

        Assert.NotEmpty(items);
        Assert.All(items, g => Assert.NotNull(g.Id));
        var first = _api.Requests[0];
        Assert.Equal("/groups", first.Path);
        Assert.Equal("?query=a%20b&include_members=true&user_ids=3&user_ids=5&limit=1000&page_num=1", first.Query);
        Assert.All(_api.Requests, r => Assert.Contains("page_num=", r.Query, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListAsync_SmallPageSize_FetchesEveryPage()
    {
        var options = _api.CreateClientOptions();
        options.Transport.PageSize = 2;
        var client = new CivisClient(options);
        var all = new List<GroupSummary>();
        await foreach (var item in client.Groups.ListAsync(cancellationToken: Ct))
        {
            all.Add(item);
        }

        Assert.True(all.Count > 2, $"{all.Count} groups");
        Assert.Equal((all.Count + 1) / 2, _api.Requests.Count);
        Assert.All(_api.Requests, r => Assert.Contains("limit=2&", r.Query, StringComparison.Ordinal));
        Assert.Equal(all.Count, all.Select(g => g.Id).Distinct().Count());
    }

    [Fact]
    public async Task PostAsync_GroupWithBody_SendsOnlyTheSetPropertiesAndReadsTheGroup()
    {
        var group = await _client.Groups.PostAsync(new GroupCreateRequest { Name = "Analysts", Description = "Team" }, Ct);

        Assert.NotNull(group.Id);
        var call = Assert.Single(_api.Requests);
        Assert.Equal("POST", call.Method);
        Assert.Equal("/groups", call.Path);
        using var body = JsonDocument.Parse(call.Body);
        Assert.Equal(["name", "description"], body.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Analysts", body.RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public async Task PostAsync_NullBody_ThrowsBeforeSending()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => _client.Groups.PostAsync(null!, Ct));
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task DeleteMembersAsync_GroupMember_SendsDeleteWithBothIds()
    {
        await _client.Groups.DeleteMembersAsync(7, 42, Ct);

        var call = Assert.Single(_api.Requests);
        Assert.Equal("DELETE", call.Method);
        Assert.Equal("/groups/7/members/42", call.Path);
    }

    [Fact]
    public async Task GetAsync_ServerError_IsRetriedThroughTheSharedPipeline()
    {
        var options = _api.CreateClientOptions();
        options.Retry.BaseDelay = TimeSpan.FromMilliseconds(1);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(1);
        _api.Faults.Enqueue(FakeFault.Status(503));

        var group = await new CivisClient(options).Groups.GetAsync(7, Ct);

        Assert.NotNull(group.Id);
        Assert.Equal(2, _api.Requests.Count(r => r.Path == "/groups/7"));
    }

    [Fact]
    public async Task GetAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _client.Groups.GetAsync(7, cancelled.Token));
    }

    [Fact]
    public async Task GetKubernetesAsync_StringFreePath_EscapesNothingAndFormatsInvariantly()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("ar-SA");
        try
        {
            await _client.Clusters.GetKubernetesAsync(1234567, cancellationToken: Ct);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }

        Assert.Equal("/clusters/kubernetes/1234567", Assert.Single(_api.Requests).Path);
    }
}
