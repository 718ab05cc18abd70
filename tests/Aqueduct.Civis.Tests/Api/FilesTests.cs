using Aqueduct.Civis.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Aqueduct.Civis.Tests.Api;

public sealed class FilesTests : IAsyncLifetime
{
    private FakeCivisApi _api = null!;
    private readonly FakeTimeProvider _time = new();

    public async ValueTask InitializeAsync() => _api = await FakeCivisApi.StartAsync();

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    private CivisClient Client(Action<CivisClientOptions>? configure = null)
    {
        var options = _api.CreateClientOptions();
        options.TimeProvider = _time;
        options.Transport.AttemptTimeout = TimeSpan.FromDays(1);
        configure?.Invoke(options);
        return new CivisClient(options);
    }

    private static byte[] Content(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 31 % 251))];

    [Fact]
    public async Task UploadAsync_SmallContent_PostsOneUnauthorizedForm()
    {
        var client = Client();
        var content = Content(10_000);
        var id = await client.Files.UploadAsync(new MemoryStream(content), "small.csv", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(content, _api.GetFileContent(id));
        var upload = Assert.Single(_api.Requests, r => r.Path == $"/_storage/upload/{id}");
        Assert.False(upload.Authorized);
        Assert.DoesNotContain(_api.Requests, r => r.Path.StartsWith("/_storage/parts/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OpenReadAsync_UploadedFile_DownloadsTheSameBytesFromStorage()
    {
        var client = Client();
        var content = Content(10_000);
        var id = await client.Files.UploadAsync(new MemoryStream(content), "small.csv", cancellationToken: TestContext.Current.CancellationToken);

        await using var stream = await client.Files.OpenReadAsync(id, TestContext.Current.CancellationToken);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, TestContext.Current.CancellationToken);

        Assert.Equal(content, copy.ToArray());
        var download = Assert.Single(_api.Requests, r => r.Method == "GET" && r.Path == $"/_storage/files/{id}");
        Assert.False(download.Authorized);
    }

    [Fact]
    public async Task UploadAsync_UnseekableStream_IsSpooledAndUploaded()
    {
        var content = Content(5000);
        var id = await Client().Files.UploadAsync(new UnseekableStream(new MemoryStream(content)), "pipe.bin", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(content, _api.GetFileContent(id));
    }

    [Fact]
    public async Task UploadAsync_LargeContent_UploadsPartsAndCompletes()
    {
        var client = Client(o => { o.Uploads.MultipartThreshold = 8 * 1024; o.Uploads.MinPartSize = 1024; });
        var content = Content(20_000);
        var id = await client.Files.UploadAsync(new MemoryStream(content), "big.bin", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(content, _api.GetFileContent(id));
        var parts = _api.Requests.Count(r => r.Method == "PUT" && r.Path.StartsWith($"/_storage/parts/{id}/", StringComparison.Ordinal));
        Assert.True(parts > 1, $"{parts} parts");
        Assert.Single(_api.Requests, r => r.Path == $"/files/multipart/{id}/complete");
    }

    [Fact]
    public async Task UploadAsync_PartFailsOnceThenSucceeds_IsRetried()
    {
        var client = Client(o => { o.Uploads.MultipartThreshold = 8 * 1024; o.Uploads.MinPartSize = 1024; });
        _api.Faults.Enqueue(FakeFault.Status(500).For("PUT", "/_storage/parts/*/3"));
        var content = Content(20_000);
        var id = await FakeTime.DriveAsync(_time, client.Files.UploadAsync(new MemoryStream(content), "big.bin", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(content, _api.GetFileContent(id));
    }

    [Fact]
    public async Task UploadAsync_PartFailsBeyondRetries_FailsNamingThePartAndCompletesNothing()
    {
        var client = Client(o => { o.Uploads.MultipartThreshold = 8 * 1024; o.Uploads.MinPartSize = 1024; o.Retry.MaxRetryAttempts = 2; });
        _api.Faults.Enqueue(FakeFault.Status(503).For("PUT", "/_storage/parts/*/2").Repeat(100));
        var task = client.Files.UploadAsync(new MemoryStream(Content(20_000)), "big.bin", cancellationToken: TestContext.Current.CancellationToken);
        await FakeTime.DriveAsync(_time, (Task)task, TimeSpan.FromSeconds(1));
        var e = await Assert.ThrowsAsync<CivisUploadException>(() => task);
        Assert.Equal(2, e.PartNumber);
        Assert.Contains("Part 2 of", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, _api.Requests.Count(r => r.Method == "PUT" && r.Path == $"/_storage/parts/{e.FileId}/2"));
        Assert.DoesNotContain(_api.Requests, r => r.Path.EndsWith("/complete", StringComparison.Ordinal));
        Assert.Null(_api.GetFileContent(e.FileId));
    }

    [Fact]
    public void PartSize_Always_FollowsPlatformFormula()
    {
        const long MiB = 1024 * 1024;
        Assert.Equal(5 * MiB, Aqueduct.Civis.Api.FilesClient.PartSize(1 * MiB, 5 * MiB));
        Assert.Equal(10 * MiB, Aqueduct.Civis.Api.FilesClient.PartSize(20 * MiB, 5 * MiB));
        var huge = 5L * 1024 * 1024 * MiB;
        Assert.True(huge / Aqueduct.Civis.Api.FilesClient.PartSize(huge, 5 * MiB) <= 10_000);
    }

    private sealed class UnseekableStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
