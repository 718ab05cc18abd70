using System.Security.Cryptography;
using Aqueduct.Civis.Tool.Tests.Infrastructure;

namespace Aqueduct.Civis.Tool.Tests;

/// <summary><c>files upload</c> and <c>files download</c> against the fake's storage.</summary>
public sealed class FilesCommandsTests : IAsyncLifetime
{
    private FakePlatform platform = null!;

    public async ValueTask InitializeAsync() => platform = await FakePlatform.StartAsync();

    public async ValueTask DisposeAsync() => await platform.DisposeAsync();

    [Fact]
    public async Task Upload_SmallFile_PrintsTheIdAndTheFakeHoldsTheBytes()
    {
        var content = RandomNumberGenerator.GetBytes(100_000);
        await File.WriteAllBytesAsync(Path.Combine(platform.Directory, "trips.csv"), content, TestContext.Current.CancellationToken);

        var tool = await platform.RunAsync("files", "upload", "trips.csv", "--expires", "2d");

        Assert.True(tool.ExitCode == 0, tool.All);
        var id = int.Parse(tool.Output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(content, platform.Api.GetFileContent(id));
        Assert.Contains("\"expiresAt\":\"", Assert.Single(platform.Api.Requests, r => r is { Method: "POST", Path: "/files" }).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_LargeFile_GoesInParallelParts()
    {
        // 60 MB: over the 50 MB threshold, so a multipart upload of 5 MB+ parts.
        var path = Path.Combine(platform.Directory, "big.bin");
        var content = new byte[60 * 1024 * 1024];
        new Random(7).NextBytes(content);
        await File.WriteAllBytesAsync(path, content, TestContext.Current.CancellationToken);

        var tool = await platform.RunAsync("files", "upload", path);

        Assert.True(tool.ExitCode == 0, tool.All);
        var id = int.Parse(tool.Output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Single(platform.Api.Requests, r => r is { Method: "POST", Path: "/files/multipart" });
        Assert.True(platform.Api.Requests.Count(r => r.Method == "PUT" && r.Path.StartsWith("/_storage/parts/", StringComparison.Ordinal)) > 1);
        Assert.Equal(SHA256.HashData(content), SHA256.HashData(platform.Api.GetFileContent(id)!));
    }

    [Fact]
    public async Task Download_ById_WritesTheFileUnderItsName()
    {
        var id = platform.Api.AddFile("a,b\n1,2\n"u8.ToArray(), "export.csv");

        var tool = await platform.RunAsync("files", "download", id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(tool.ExitCode == 0, tool.All);
        Assert.Equal("a,b\n1,2\n", await File.ReadAllTextAsync(Path.Combine(platform.Directory, "export.csv"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Upload_MissingFile_Exits2()
    {
        var tool = await platform.RunAsync("files", "upload", "nope.csv");

        Assert.Equal(2, tool.ExitCode);
        Assert.Contains("nope.csv", tool.Error, StringComparison.Ordinal);
    }
}
