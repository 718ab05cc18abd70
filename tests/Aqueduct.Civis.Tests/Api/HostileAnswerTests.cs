using System.Globalization;
using System.Text;
using Aqueduct.Civis.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Aqueduct.Civis.Tests.Api;

/// <summary>The client against a server that lies: bodies too large, stalled downloads, lying pages, HTML with 200, echoed keys.</summary>
public sealed class HostileAnswerTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task WriteJsonAsync(HttpContext context, string json, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json, context.RequestAborted);
    }

    /// <summary>Writes a JSON user whose name is <paramref name="size"/> letters, with or without a Content-Length.</summary>
    private static async Task WriteHugeUserAsync(HttpContext context, long size, bool chunked)
    {
        var head = Encoding.UTF8.GetBytes("{\"id\":1,\"name\":\"");
        var tail = Encoding.UTF8.GetBytes("\"}");
        context.Response.ContentType = "application/json";
        if (!chunked)
        {
            context.Response.ContentLength = head.Length + size + tail.Length;
        }

        await context.Response.Body.WriteAsync(head, context.RequestAborted);
        var block = Enumerable.Repeat((byte)'a', 64 * 1024).ToArray();
        for (long written = 0; written < size; written += block.Length)
        {
            await context.Response.Body.WriteAsync(block.AsMemory(0, (int)Math.Min(block.Length, size - written)), context.RequestAborted);
        }

        await context.Response.Body.WriteAsync(tail, context.RequestAborted);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetAsync_BodyLargerThanDefaultCap_FailsSayingSoWithoutRetrying(bool chunked)
    {
        await using var server = await HostileServer.StartAsync(c => WriteHugeUserAsync(c, 65L * 1024 * 1024, chunked));
        var client = new CivisClient(server.CreateClientOptions());

        var e = await Assert.ThrowsAsync<CivisApiException>(() => client.Users.GetMeAsync(Cancel));

        Assert.Contains("GET /users/me", e.Message, StringComparison.Ordinal);
        Assert.Contains("67108864", e.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(CivisClientOptions.MaxResponseBodySize), e.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task GetAsync_BodyLargerThanConfiguredCap_Fails()
    {
        await using var server = await HostileServer.StartAsync(c => WriteHugeUserAsync(c, 5000, chunked: true));
        var options = server.CreateClientOptions();
        options.Transport.MaxResponseBodySize = 4096;
        var client = new CivisClient(options);

        var e = await Assert.ThrowsAsync<CivisApiException>(() => client.Users.GetMeAsync(Cancel));

        Assert.Contains("more than 4096 bytes", e.Message, StringComparison.Ordinal);
        Assert.Equal(200, e.StatusCode);
    }

    [Fact]
    public async Task GetAsync_BodyWithinConfiguredCap_Succeeds()
    {
        await using var server = await HostileServer.StartAsync(c => WriteHugeUserAsync(c, 4000, chunked: true));
        var options = server.CreateClientOptions();
        options.Transport.MaxResponseBodySize = 4096;

        var me = await new CivisClient(options).Users.GetMeAsync(Cancel);

        Assert.Equal(4000, me.Name!.Length);
    }

    [Fact]
    public void Constructor_MaxResponseBodySizeNotPositive_NamesTheSetting()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new CivisClient(new CivisClientOptions { ApiKey = "k", Transport = { MaxResponseBodySize = 0 } }));
        Assert.Equal("Transport.MaxResponseBodySize", e.ParamName);
    }

    private static RequestDelegate FileServer(Func<HttpContext, Task> download) => async context =>
    {
        if (context.Request.Path == "/files/5")
        {
            var url = $"{context.Request.Scheme}://{context.Request.Host}/storage/5?signature=s3cr3t";
            await WriteJsonAsync(context, $"{{\"id\":5,\"name\":\"a.csv\",\"fileUrl\":\"{url}\"}}");
        }
        else
        {
            await download(context);
        }
    };

    private static async Task StallAsync(HttpContext context)
    {
        context.Response.ContentLength = 1_000_000;
        await context.Response.Body.WriteAsync("id,name\n"u8.ToArray(), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [Fact]
    public async Task OpenReadAsync_DownloadStallsAsync_FailsAfterTheAttemptTimeout()
    {
        await using var server = await HostileServer.StartAsync(FileServer(StallAsync));
        var options = server.CreateClientOptions();
        options.Transport.AttemptTimeout = TimeSpan.FromSeconds(1);
        await using var stream = await new CivisClient(options).Files.OpenReadAsync(5, Cancel);

        var e = await Assert.ThrowsAsync<CivisApiException>(() => stream.CopyToAsync(Stream.Null, Cancel).WaitAsync(TimeSpan.FromSeconds(30), Cancel));

        Assert.Contains("GET /storage/5", e.Message, StringComparison.Ordinal);
        Assert.Contains("stalled", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenReadAsync_DownloadStallsSync_FailsAfterTheAttemptTimeout()
    {
        await using var server = await HostileServer.StartAsync(FileServer(StallAsync));
        var options = server.CreateClientOptions();
        options.Transport.AttemptTimeout = TimeSpan.FromSeconds(1);
        await using var stream = await new CivisClient(options).Files.OpenReadAsync(5, Cancel);

        var read = Task.Run(() => stream.CopyTo(Stream.Null), Cancel);
        var e = await Assert.ThrowsAsync<CivisApiException>(() => read.WaitAsync(TimeSpan.FromSeconds(30), Cancel));

        Assert.Contains("stalled", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenReadAsync_DownloadLargerThanBodyCap_IsNotCapped()
    {
        var content = Enumerable.Range(0, 200_000).Select(i => (byte)(i % 251)).ToArray();
        await using var server = await HostileServer.StartAsync(FileServer(c => c.Response.Body.WriteAsync(content, c.RequestAborted).AsTask()));
        var options = server.CreateClientOptions();
        options.Transport.MaxResponseBodySize = 1024;
        await using var stream = await new CivisClient(options).Files.OpenReadAsync(5, Cancel);
        using var copy = new MemoryStream();

        await stream.CopyToAsync(copy, Cancel);

        Assert.Equal(content, copy.ToArray());
    }

    private static void SetPaging(HttpContext context, int perPage, int currentPage, int totalPages, int totalEntries)
    {
        context.Response.Headers["X-Pagination-Per-Page"] = perPage.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["X-Pagination-Current-Page"] = currentPage.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["X-Pagination-Total-Pages"] = totalPages.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["X-Pagination-Total-Entries"] = totalEntries.ToString(CultureInfo.InvariantCulture);
    }

    private static int Page(HttpContext context) => int.Parse(context.Request.Query["page_num"].ToString(), CultureInfo.InvariantCulture);

    /// <summary>Walks the list, failing the test (instead of hanging) after far more items than the server has.</summary>
    private static async Task<int> WalkAsync(CivisClient client)
    {
        var count = 0;
        await foreach (var _ in client.ListAsync("things", pageSize: 2, cancellationToken: Cancel))
        {
            if (++count > 200)
            {
                Assert.Fail("The walk did not end.");
            }
        }

        return count;
    }

    [Fact]
    public async Task ListAsync_PageRepeatsThePreviousPage_FailsInsteadOfLooping()
    {
        // The server ignores page_num, and claims one more page each time.
        await using var server = await HostileServer.StartAsync(c =>
        {
            var page = Page(c);
            SetPaging(c, 2, page, page + 1, (page + 1) * 2);
            return WriteJsonAsync(c, "[{\"id\":1},{\"id\":2}]");
        });

        var e = await Assert.ThrowsAsync<CivisApiException>(() => WalkAsync(new CivisClient(server.CreateClientOptions())));

        Assert.Contains("GET /things", e.Message, StringComparison.Ordinal);
        Assert.Contains("page 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("repeats", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_EmptyPageBeforeTheLast_Fails()
    {
        await using var server = await HostileServer.StartAsync(c =>
        {
            var page = Page(c);
            SetPaging(c, 2, page, 3, 6);
            return WriteJsonAsync(c, page == 2 ? "[]" : $"[{{\"id\":{page * 2}}},{{\"id\":{(page * 2) + 1}}}]");
        });

        var e = await Assert.ThrowsAsync<CivisApiException>(() => WalkAsync(new CivisClient(server.CreateClientOptions())));

        Assert.Contains("page 2 of 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_TotalPagesThatCannotBeTrue_Fails()
    {
        // New items on every page, and a page count the entry count cannot give.
        await using var server = await HostileServer.StartAsync(c =>
        {
            var page = Page(c);
            SetPaging(c, 2, page, int.MaxValue, 4);
            return WriteJsonAsync(c, $"[{{\"id\":{page * 2}}},{{\"id\":{(page * 2) + 1}}}]");
        });

        var e = await Assert.ThrowsAsync<CivisApiException>(() => WalkAsync(new CivisClient(server.CreateClientOptions())));

        Assert.Contains("cannot be true", e.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task ListAsync_HonestPages_ReturnsEveryItem()
    {
        await using var server = await HostileServer.StartAsync(c =>
        {
            var page = Page(c);
            SetPaging(c, 2, page, 3, 5);
            return WriteJsonAsync(c, page == 3 ? "[{\"id\":5}]" : $"[{{\"id\":{(page * 2) - 1}}},{{\"id\":{page * 2}}}]");
        });

        Assert.Equal(5, await WalkAsync(new CivisClient(server.CreateClientOptions())));
    }

    [Fact]
    public async Task GetAsync_SuccessThatIsNotJson_ThrowsCivisApiExceptionNamingMethodAndPath()
    {
        await using var server = await HostileServer.StartAsync(c =>
        {
            c.Response.ContentType = "text/html";
            return c.Response.WriteAsync("<html><body>Proxy login</body></html>", c.RequestAborted);
        });
        var client = new CivisClient(server.CreateClientOptions());

        var typed = await Assert.ThrowsAsync<CivisApiException>(() => client.Users.GetMeAsync(Cancel));
        var raw = await Assert.ThrowsAsync<CivisApiException>(() => client.SendAsync(HttpMethod.Get, "users/me?x=1", cancellationToken: Cancel));

        Assert.Contains("GET /users/me", typed.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", typed.Message, StringComparison.Ordinal);
        Assert.Equal(200, typed.StatusCode);
        Assert.Contains("GET /users/me", raw.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", raw.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_SuccessThatIsJsonNull_ThrowsCivisApiExceptionNamingMethodAndPath()
    {
        await using var server = await HostileServer.StartAsync(c => WriteJsonAsync(c, "null"));

        var e = await Assert.ThrowsAsync<CivisApiException>(() => new CivisClient(server.CreateClientOptions()).Users.GetMeAsync(Cancel));

        Assert.Contains("GET /users/me", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(403)]
    [InlineData(500)]
    public async Task SendAsync_ErrorBodyEchoesTheAuthorizationHeader_MessageNeverCarriesTheKey(int status)
    {
        await using var server = await HostileServer.StartAsync(c =>
        {
            var authorization = c.Request.Headers.Authorization.ToString();
            var key = authorization["Bearer ".Length..];
            var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(key));
            c.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = "Rejected " + key;
            return WriteJsonAsync(
                c,
                $"{{\"error\":\"bad {key}\",\"errorDescription\":\"Header was Authorization: {authorization} ({Uri.EscapeDataString(key)}, {base64}, {key.ToUpperInvariant()})\"}}",
                status);
        });
        var options = server.CreateClientOptions();
        options.Retry.MaxRetryAttempts = 1;

        var e = await Assert.ThrowsAsync<CivisApiException>(() => new CivisClient(options).Users.GetMeAsync(Cancel));

        var everything = e.Message + e.Error + e.ErrorDescription + e;
        Assert.Contains("GET /users/me", e.Message, StringComparison.Ordinal);
        Assert.Contains("Header was Authorization: Bearer ***", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(HostileServer.ApiKey, everything, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Uri.EscapeDataString(HostileServer.ApiKey), everything, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(HostileServer.ApiKey)), everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UploadAsync_LowerPartFailsAfterAHigherOne_ReportsTheLowestFailedPartAndNeverCompletes()
    {
        await using var server = await HostileServer.StartAsync(async c =>
        {
            var path = c.Request.Path.Value!;
            if (path == "/files/multipart" && c.Request.Method == "POST")
            {
                var baseUrl = $"{c.Request.Scheme}://{c.Request.Host}";
                var urls = string.Join(',', Enumerable.Range(1, 5).Select(n => $"\"{baseUrl}/parts/{n}\""));
                await WriteJsonAsync(c, $"{{\"id\":7,\"name\":\"big.bin\",\"uploadUrls\":[{urls}]}}");
                return;
            }

            if (path.StartsWith("/parts/", StringComparison.Ordinal))
            {
                await c.Request.Body.CopyToAsync(Stream.Null, c.RequestAborted);
                var part = int.Parse(path["/parts/".Length..], CultureInfo.InvariantCulture);
                if (part == 2)
                {
                    // Part 2 fails, but only after part 3 has failed.
                    await Task.Delay(TimeSpan.FromSeconds(1), c.RequestAborted);
                }

                c.Response.StatusCode = part is 2 or 3 ? 400 : 200;
                return;
            }

            await WriteJsonAsync(c, "{}");
        });
        var options = server.CreateClientOptions();
        options.Uploads.MultipartThreshold = 8 * 1024;
        options.Uploads.MinPartSize = 1024;
        options.Uploads.MaxParallelUploads = 4;
        var content = new MemoryStream(new byte[20_000]);

        var e = await Assert.ThrowsAsync<CivisUploadException>(() => new CivisClient(options).Files.UploadAsync(content, "big.bin", cancellationToken: Cancel));

        Assert.Equal(2, e.PartNumber);
        Assert.Equal(5, e.PartCount);
        Assert.Contains("Part 2 of 5", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Requests, r => r.EndsWith("/complete", StringComparison.Ordinal));
    }
}
