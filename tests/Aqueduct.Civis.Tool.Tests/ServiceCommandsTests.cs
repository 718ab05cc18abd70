using System.Text.Json;
using Aqueduct.Civis.Tool.Tests.Infrastructure;

namespace Aqueduct.Civis.Tool.Tests;

/// <summary><c>service share / unshare / shares</c> against the fake's service tokens.</summary>
public sealed class ServiceCommandsTests : IAsyncLifetime
{
    private FakePlatform platform = null!;

    public async ValueTask InitializeAsync() => platform = await FakePlatform.StartAsync();

    public async ValueTask DisposeAsync() => await platform.DisposeAsync();

    [Fact]
    public async Task Share_ByName_PrintsTheLinkWithAnExpiringToken()
    {
        var tool = await platform.RunAsync("service", "share", "Service #16", "--expires", "7d");

        Assert.True(tool.ExitCode == 0, tool.All);
        var link = tool.Output.Trim();
        Assert.StartsWith(new Uri(platform.Api.BaseAddress, "_services/16/").AbsoluteUri + "?civis_service_token=svc-", link, StringComparison.Ordinal);
        var post = Assert.Single(platform.Api.Requests, r => r is { Method: "POST", Path: "/services/16/tokens" });
        using var body = JsonDocument.Parse(post.Body);
        Assert.Equal("dotnet-civis-share", body.RootElement.GetProperty("name").GetString());
        Assert.Equal(7 * 24 * 3600, body.RootElement.GetProperty("expiresIn").GetInt32());
    }

    [Fact]
    public async Task SharesThenUnshare_Service_ListsTheShareThenRevokesIt()
    {
        Assert.Equal(0, (await platform.RunAsync("service", "share", "16", "--token-name", "for-council")).ExitCode);

        var listed = await platform.RunAsync("service", "shares", "16");
        Assert.True(listed.ExitCode == 0, listed.All);
        Assert.Contains("for-council", listed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("svc-", listed.Output, StringComparison.Ordinal);

        var unshared = await platform.RunAsync("service", "unshare", "16", "--token-name", "for-council");
        Assert.True(unshared.ExitCode == 0, unshared.All);
        Assert.Single(platform.Api.Requests, r => r.Method == "DELETE" && r.Path.StartsWith("/services/16/tokens/", StringComparison.Ordinal));

        var after = await platform.RunAsync("--json", "service", "shares", "16");
        Assert.Equal("[]", after.Output.Trim());
    }

    [Fact]
    public async Task Share_TwiceWithTheSameName_Exits1SayingItExists()
    {
        Assert.Equal(0, (await platform.RunAsync("service", "share", "16")).ExitCode);

        var again = await platform.RunAsync("service", "share", "16");

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already has a share named 'dotnet-civis-share'", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Share_UnknownServiceName_Exits78()
    {
        var tool = await platform.RunAsync("service", "share", "No such service");

        Assert.Equal(78, tool.ExitCode);
        Assert.DoesNotContain(platform.Api.Requests, r => r.Method != "GET");
    }

    [Fact]
    public async Task Unshare_NoSuchShare_Exits1()
    {
        var tool = await platform.RunAsync("service", "unshare", "16", "--token-name", "never-made");

        Assert.Equal(1, tool.ExitCode);
        Assert.Contains("no share named 'never-made'", tool.Error, StringComparison.Ordinal);
    }
}
