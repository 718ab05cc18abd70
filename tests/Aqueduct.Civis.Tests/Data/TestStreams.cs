namespace Aqueduct.Civis.Tests.Data;

/// <summary>A forward-only stream that hands out one byte per read, as a slow network would: every boundary is a read boundary.</summary>
internal sealed class TrickleStream(byte[] data) : MemoryStream(data)
{
    public override bool CanSeek => false;

    public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));

    public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 1)]);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        base.ReadAsync(buffer[..Math.Min(buffer.Length, 1)], cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        base.ReadAsync(buffer, offset, Math.Min(count, 1), cancellationToken);
}

/// <summary>A stream of one byte repeated without end, counting what was read.</summary>
internal sealed class EndlessStream(byte value) : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        // Far past any sane header: a reader that gets here has no cap (and would exhaust memory).
        if (BytesRead > 64 << 20)
        {
            throw new InvalidOperationException("The reader read 64 MiB looking for the end of the header.");
        }

        buffer.AsSpan(offset, count).Fill(value);
        BytesRead += count;
        return count;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
