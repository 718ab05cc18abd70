using System.IO.Compression;

namespace Aqueduct.Civis.Data;

/// <summary>
/// Decompresses gzip and checks what <see cref="GZipStream"/> lets through: at the end of the data the last
/// eight bytes must be the trailer of the last member (its CRC-32 and length), so a file cut short or followed
/// by other bytes fails instead of ending early in silence. Concatenated members (<c>cat a.gz b.gz</c>, bgzip)
/// are fine: <see cref="GZipStream"/> checks each inner member's trailer itself.
/// </summary>
/// <remarks>
/// <see cref="GZipStream"/> returns the output of one member per read at most, so every member starts at a read
/// boundary: the CRC of the last member comes from the running CRC at the boundary its length points to.
/// </remarks>
internal sealed class GzipCheckedStream : ReadOnlyStream
{
    private const long Window = 1L << 32; // ISIZE is the length modulo 2^32: older boundaries cannot match.
    private const int TailLength = 64;
    private static readonly byte[] EmptyBlock = [0x03, 0x00];
    private static readonly byte[] Magic = [0x1f, 0x8b, 0x08];
    private readonly TailStream _raw;
    private readonly GZipStream _gzip;
    private readonly List<(long Position, uint Crc)> _boundaries = [(0, 0)];
    private long _position;
    private uint _crc;
    private bool _checked;

    /// <summary>Decompresses <paramref name="raw"/>, which the stream owns.</summary>
    public GzipCheckedStream(Stream raw)
        : this(new TailStream(raw))
    {
    }

    private GzipCheckedStream(TailStream raw)
        : this(raw, new GZipStream(raw, CompressionMode.Decompress))
    {
    }

    private GzipCheckedStream(TailStream raw, GZipStream gzip)
        : base(gzip, ownsInner: true)
    {
        _raw = raw;
        _gzip = gzip;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n;
        try
        {
            n = await _gzip.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException("The gzip data is corrupt (a CRC, length or format error).", e);
        }

        return Account(buffer.Span[..n]);
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n;
        try
        {
            n = _gzip.Read(buffer, offset, count);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException("The gzip data is corrupt (a CRC, length or format error).", e);
        }

        return Account(buffer.AsSpan(offset, n));
    }

    private int Account(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            if (!_checked)
            {
                _checked = true;
                CheckTrailer();
            }

            return 0;
        }

        _crc = Crc32.Append(_crc, data);
        _position += data.Length;
        _boundaries.Add((_position, _crc));
        if (_boundaries.Count > 4096 && _boundaries[1024].Position < _position - Window)
        {
            _boundaries.RemoveRange(0, 1024);
        }

        return data.Length;
    }

    private void CheckTrailer()
    {
        var tail = _raw.Tail;
        if (_raw.Total >= 20) // the smallest member: a 10-byte header, an empty block, the 8-byte trailer
        {
            var crc = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(TailLength - 8));
            var size = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(TailLength - 4));

            // An empty last member (bgzip ends with one) has a zero trailer, which zeros after the data would fake:
            // it must be a real member, a gzip header and the empty final block before the trailer.
            var empty = size == 0 && crc == 0;
            if (empty && !(tail.AsSpan(TailLength - 10, 2).SequenceEqual(EmptyBlock) && tail.AsSpan(0, TailLength - 10).IndexOf(Magic) >= 0))
            {
                throw Truncated();
            }

            // The last member's output is the last `size` bytes (modulo 2^32) of everything, starting at a read boundary.
            for (var start = _position - size; start >= 0; start -= Window)
            {
                var i = _boundaries.BinarySearch((start, 0), PositionComparer.Instance);
                if (i >= 0 && Crc32.Suffix(_crc, _boundaries[i].Crc, _position - start) == crc)
                {
                    return;
                }
            }
        }

        throw Truncated();
    }

    private static InvalidDataException Truncated() => new(
        "The gzip data ends without the trailer of its last member: the file is cut short, or has other bytes after its last member.");

    private sealed class PositionComparer : IComparer<(long Position, uint Crc)>
    {
        public static readonly PositionComparer Instance = new();

        public int Compare((long Position, uint Crc) x, (long Position, uint Crc) y) => x.Position.CompareTo(y.Position);
    }

    /// <summary>Passes reads through and keeps the last bytes read.</summary>
    private sealed class TailStream(Stream inner) : ReadOnlyStream(inner, ownsInner: true)
    {
        private readonly byte[] _tail = new byte[TailLength];
        private readonly byte[] _ordered = new byte[TailLength];
        private int _next;

        public long Total { get; private set; }

        /// <summary>The last bytes read, oldest first (zeros before the first ones when fewer were read).</summary>
        public byte[] Tail
        {
            get
            {
                for (var i = 0; i < TailLength; i++)
                {
                    _ordered[i] = _tail[(_next + i) % TailLength];
                }

                return _ordered;
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Keep(buffer.Span[..n]);
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Inner.Read(buffer, offset, count);
            Keep(buffer.AsSpan(offset, n));
            return n;
        }

        private void Keep(ReadOnlySpan<byte> data)
        {
            Total += data.Length;
            foreach (var b in data.Length > TailLength ? data[^TailLength..] : data)
            {
                _tail[_next] = b;
                _next = (_next + 1) % TailLength;
            }
        }
    }
}
