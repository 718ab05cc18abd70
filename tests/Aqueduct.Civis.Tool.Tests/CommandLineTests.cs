using Aqueduct.Civis.Tool.Tests.Infrastructure;

namespace Aqueduct.Civis.Tool.Tests;

/// <summary>The tool's exit codes for usage and configuration errors, and its raw <c>api</c> command.</summary>
public sealed class CommandLineTests : IAsyncLifetime
{
    private FakePlatform platform = null!;

    public async ValueTask InitializeAsync() => platform = await FakePlatform.StartAsync();

    public async ValueTask DisposeAsync() => await platform.DisposeAsync();

    [Fact]
    public async Task Main_UnknownOption_Exits2WithTheError()
    {
        var tool = await platform.RunAsync("runs", "--no-such-option");

        Assert.Equal(2, tool.ExitCode);
        Assert.Contains("--no-such-option", tool.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsTheCommands_Exits0()
    {
        var tool = await platform.RunAsync("--help");

        Assert.Equal(0, tool.ExitCode);
        foreach (var command in new[] { "deploy", "run", "logs", "runs", "cancel", "env", "local", "service", "files", "api" })
        {
            Assert.Contains(command, tool.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Api_MissingKey_Exits78NamingTheVariable()
    {
        var tool = await ToolProcess.RunAsync(platform.Directory, new Dictionary<string, string?> { ["CIVIS_API_ENDPOINT"] = platform.Api.BaseAddress.AbsoluteUri }, "api", "GET", "/users/me");

        Assert.Equal(78, tool.ExitCode);
        Assert.Contains("CIVIS_API_KEY", tool.Error, StringComparison.Ordinal);
        Assert.Empty(platform.Api.Requests);
    }

    [Fact]
    public async Task Api_KeyFromDotEnv_CallsTheOperationAndPrintsItsJson()
    {
        platform.Write(".env", $"CIVIS_API_KEY={platform.Api.ApiKey}\n");
        var tool = await ToolProcess.RunAsync(platform.Directory, new Dictionary<string, string?> { ["CIVIS_API_ENDPOINT"] = platform.Api.BaseAddress.AbsoluteUri }, "api", "GET", "/databases");

        Assert.True(tool.ExitCode == 0, tool.All);
        Assert.Contains("\"redshift the first\"", tool.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(platform.Api.ApiKey, tool.All, StringComparison.Ordinal);
        Assert.All(platform.Api.Requests, r => Assert.True(r.Authorized));
    }

    [Fact]
    public async Task Api_PostWithBody_SendsTheBody()
    {
        var tool = await platform.RunAsync("api", "POST", "/scripts/containers", """{"name":"raw","requiredResources":{"cpu":1000,"memory":512}}""");

        Assert.True(tool.ExitCode == 0, tool.All);
        var post = Assert.Single(platform.Api.Requests, r => r.Method == "POST");
        Assert.Contains("\"raw\"", post.Body, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"raw\"", tool.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_WrongKey_Exits1SayingTheKeyIsWrongOrExpired()
    {
        var tool = await ToolProcess.RunAsync(platform.Directory, new Dictionary<string, string?>
        {
            ["CIVIS_API_KEY"] = "wrong-key-123",
            ["CIVIS_API_ENDPOINT"] = platform.Api.BaseAddress.AbsoluteUri,
        }, "api", "GET", "/users/me");

        Assert.Equal(1, tool.ExitCode);
        Assert.Contains("expired", tool.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-key-123", tool.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_BadJsonBody_Exits2BeforeAnyRequest()
    {
        var tool = await platform.RunAsync("api", "POST", "/scripts/containers", "{not json");

        Assert.Equal(2, tool.ExitCode);
        Assert.Empty(platform.Api.Requests);
    }
}
