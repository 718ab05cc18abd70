using System.Text;

namespace Aqueduct.Civis.Tests.Data;

/// <summary>A CSV stream made up row by row, which can run an action when it reaches a given row (mid-load).</summary>
internal sealed class GeneratedCsvStream(int rows, Func<int, string> row, int triggerAt = -1, Func<Task>? trigger = null) : Stream
{
    private readonly byte[] header = Encoding.UTF8.GetBytes("trip_id,bike_type,distance\n");
    private ReadOnlyMemory<byte> pending;
    private int next = -1;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (pending.IsEmpty)
        {
            if (next >= rows)
            {
                return 0;
            }

            var text = new StringBuilder();
            if (next < 0)
            {
                text.Append(Encoding.UTF8.GetString(header));
                next = 0;
            }

            // A few thousand rows per chunk, so the trigger happens while the COPY is under way.
            for (var end = Math.Min(rows, next + 5000); next < end; next++)
            {
                if (next == triggerAt && trigger is not null)
                {
                    await trigger();
                }

                text.Append(row(next)).Append('\n');
            }

            pending = Encoding.UTF8.GetBytes(text.ToString());
        }

        var n = Math.Min(buffer.Length, pending.Length);
        pending.Span[..n].CopyTo(buffer.Span);
        pending = pending[n..];
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
