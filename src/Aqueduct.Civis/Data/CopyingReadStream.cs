
namespace Aqueduct.Civis.Data;

/// <summary>
/// A read-only stream that writes every byte it reads to a second stream (a tee), so one pass both passes data on and inspects it.
/// It owns neither stream.
/// </summary>
internal sealed class CopyingReadStream(Stream inner, Stream copy) : ReadOnlyStream
{
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read > 0)
        {
            await copy.WriteAsync(buffer[..read], cancellationToken).ConfigureAwait(false);
        }

        return read;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        copy.Write(buffer, offset, read);
        return read;
    }
}
