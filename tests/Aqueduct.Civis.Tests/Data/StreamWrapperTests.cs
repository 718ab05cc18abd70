using System.IO.Compression;
using Aqueduct.Civis.Data;

namespace Aqueduct.Civis.Tests.Data;

/// <summary>The read-only stream wrappers dispose what they own once, in one place (ReadOnlyStream), and nothing they do not own.</summary>
public sealed class StreamWrapperTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Dispose_PrefixedStream_DisposesInnerOnceEvenWhenDisposedTwice(bool async)
    {
        var inner = new CountingStream([1, 2, 3]);
        var (stream, start) = await PrefixedStream.PeekAsync(inner, 2, Ct);

        await DisposeTwiceAsync(stream, async);

        Assert.Equal([1, 2], start.ToArray());
        Assert.Equal((1, async ? 1 : 0), (inner.Disposals, inner.AsyncDisposals));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Dispose_GzipCheckedStream_DisposesRawOnce(bool async)
    {
        var raw = new CountingStream(Gzip([7, 8, 9]));
        var gzip = new GzipCheckedStream(raw);
        var read = new byte[3];
        await gzip.ReadExactlyAsync(read, Ct);

        await DisposeTwiceAsync(gzip, async);

        Assert.Equal([7, 8, 9], read);
        Assert.Equal(1, raw.Disposals);
    }

    [Fact]
    public async Task DisposeAsync_CopyingReadStream_LeavesBothStreamsOpen()
    {
        var inner = new CountingStream([1, 2]);
        var copy = new CountingStream();
        var tee = new CopyingReadStream(inner, copy);
        await tee.CopyToAsync(Stream.Null, Ct);

        await tee.DisposeAsync();
        tee.Dispose();

        Assert.Equal((0, 0), (inner.Disposals, copy.Disposals));
        Assert.Equal([1, 2], copy.ToArray());
    }

    [Fact]
    public async Task DisposeAsync_NonClosingStream_LeavesInnerOpen()
    {
        var inner = new CountingStream([1]);
        var wrapper = new NonClosingStream(inner);

        await wrapper.DisposeAsync();

        Assert.Equal(0, inner.Disposals);
        Assert.Equal(1, inner.ReadByte());
    }

    [Fact]
    public async Task ReadAsync_PrefixedStreamAfterPeek_ReturnsPeekedBytesThenRest()
    {
        var (stream, _) = await PrefixedStream.PeekAsync(new CountingStream([1, 2, 3, 4]), 3, Ct);
        await using (stream)
        {
            var all = new MemoryStream();
            await stream.CopyToAsync(all, Ct);

            Assert.Equal([1, 2, 3, 4], all.ToArray());
            Assert.Throws<NotSupportedException>(() => stream.Position);
            Assert.False(stream.CanSeek);
        }
    }

    private static async Task DisposeTwiceAsync(Stream stream, bool async)
    {
        if (async)
        {
            await stream.DisposeAsync();
            await stream.DisposeAsync();
        }
        else
        {
            stream.Dispose();
            stream.Dispose();
        }
    }

    private static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var zip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            zip.Write(data);
        }

        return buffer.ToArray();
    }

    /// <summary>A memory stream that counts how often it is disposed (ToArray still works after).</summary>
    private sealed class CountingStream : MemoryStream
    {
        public CountingStream()
        {
        }

        public CountingStream(byte[] data)
            : base(data)
        {
        }

        public int Disposals { get; private set; }

        public int AsyncDisposals { get; private set; }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Disposals++;
            }

            base.Dispose(disposing);
        }

        public override ValueTask DisposeAsync()
        {
            AsyncDisposals++;
            return base.DisposeAsync(); // MemoryStream's calls Dispose(true), which counts it
        }
    }
}
