namespace Aqueduct.Civis.Internal;

/// <summary>
/// The base of the library's forward-only, read-only stream wrappers: it cannot seek, write or tell its length, and
/// the array overload of <see cref="ReadAsync(byte[], int, int, CancellationToken)"/> goes to the
/// <see cref="Memory{T}"/> one. A wrapper supplies its reads; the stream it owns (if any) is disposed with it, here, once.
/// </summary>
/// <param name="inner">The stream the wrapper reads from, or <see langword="null"/>.</param>
/// <param name="ownsInner">Whether disposing the wrapper disposes <paramref name="inner"/>.</param>
internal abstract class ReadOnlyStream(Stream? inner = null, bool ownsInner = false) : Stream
{
    private readonly Stream? _inner = inner;
    private Stream? _owned = ownsInner ? inner : null;

    /// <summary>The stream read from (for a wrapper that passed one).</summary>
    protected Stream Inner => _inner ?? throw new InvalidOperationException("This stream wraps no inner stream.");

    public sealed override bool CanRead => true;

    public sealed override bool CanSeek => false;

    public sealed override bool CanWrite => false;

    public sealed override long Length => throw new NotSupportedException();

    public sealed override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    public sealed override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public sealed override void Flush()
    {
    }

    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public sealed override void SetLength(long value) => throw new NotSupportedException();

    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Interlocked.Exchange(ref _owned, null)?.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _owned, null) is { } owned)
        {
            await owned.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }
}
