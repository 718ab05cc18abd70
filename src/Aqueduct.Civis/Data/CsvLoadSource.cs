using System.Text;
using Npgsql;

namespace Aqueduct.Civis.Data;

/// <summary>
/// Loads a CSV by handing its bytes, unparsed, to PostgreSQL's CSV parser (<c>COPY … FROM STDIN (FORMAT csv)</c>).
/// Only the header is parsed here; the rest is scanned for record ends (as PostgreSQL finds them) to count rows
/// and to catch a <c>\.</c> line, which COPY would take for the end of the data.
/// </summary>
internal sealed class CsvLoadSource(CsvSource csv) : ILoadSource
{
    /// <summary>The longest header read: a header that does not end by then is not a header.</summary>
    internal const int MaxHeaderBytes = CsvFiles.MaxHeaderBytes;

    private const int BufferSize = 256 * 1024;

    private Stream? _stream;
    private byte[] _buffer = [];
    private int _start;
    private int _end;
    private int _headerLines;
    private CsvScanner _scanner;

    public string Description => csv.ToString();

    // COPY numbers records, not lines: map back through the line breaks inside quoted fields.
    public long LineOf(long copyLine) => (_scanner.LineOf(copyLine) ?? copyLine) + _headerLines;

    public async ValueTask<IReadOnlyList<SourceColumn>> GetColumnsAsync(TableShape table, TableDefinition? definition, CancellationToken cancellationToken)
    {
        _stream = await OpenAsync(cancellationToken).ConfigureAwait(false);
        _buffer = new byte[BufferSize];
        while (_end - _start < CsvFiles.Utf8Bom.Length && await FillAsync(cancellationToken).ConfigureAwait(false))
        {
        }

        if (_buffer.AsSpan(_start, _end - _start).StartsWith(CsvFiles.Utf8Bom))
        {
            _start += CsvFiles.Utf8Bom.Length;
        }

        if (!csv.HasHeader)
        {
            return definition is not null
                ? [.. definition.Columns.Select(c => new SourceColumn(c.Name, null))]
                : [.. table.Columns.Select(c => new SourceColumn(c.Name, null))];
        }

        var final = false;
        (int End, int LineEnd)? found;
        while ((found = CsvFiles.FindHeader(_buffer.AsSpan(_start, _end - _start), final)) is null)
        {
            final = !await FillAsync(cancellationToken).ConfigureAwait(false);
        }

        var (end, lineEnd) = found.Value;
        var bytes = _buffer.AsSpan(_start, end);
        var breaks = bytes.Count((byte)'\n');
        _headerLines = 1 + (breaks > 0 ? breaks : bytes.Count((byte)'\r'));
        var empty = bytes.IsEmpty;
        var header = CsvFiles.SplitHeader(bytes, csv.Delimiter);
        _start += end + lineEnd;
        if (empty)
        {
            throw new CsvDataException("The CSV has no header line (set HasHeader = false for a CSV without one).");
        }

        return [.. header.Select(name => new SourceColumn(name, null))];
    }

    public async Task<CopyCount> CopyAsync(
        NpgsqlConnection connection, string target, IReadOnlyList<CatalogColumn> columns, int timeoutMilliseconds, CancellationToken cancellationToken)
    {
        var sql = $"COPY {target} ({CopySql.Columns(columns.Select(c => c.Name))}) FROM STDIN {CopySql.CsvOptions(csv.Delimiter, csv.NullMarker, header: false)}";
        var writer = await connection.BeginTextImportAsync(sql, cancellationToken).ConfigureAwait(false);
        if (writer is NpgsqlCopyTextWriter copyWriter)
        {
            copyWriter.Timeout = timeoutMilliseconds;
        }

        _scanner = default;
        try
        {
            // NpgsqlCopyTextWriter is a StreamWriter over the raw COPY stream: writing the bytes to it
            // directly skips decoding and re-encoding the whole file.
            var sink = writer is StreamWriter { BaseStream: { CanWrite: true } raw } ? raw : null;
            var decoder = sink is null ? Encoding.UTF8.GetDecoder() : null;
            var chars = sink is null ? new char[BufferSize] : [];
            while (true)
            {
                var chunk = _buffer.AsMemory(_start, _end - _start);
                if (!chunk.IsEmpty)
                {
                    _scanner.Scan(chunk.Span);
                    if (_scanner.FirstEndOfDataMarker != 0)
                    {
                        // COPY would stop there and report fewer rows: fail now, before sending more.
                        throw new EndOfDataMarkerException(_scanner.FirstEndOfDataMarker);
                    }

                    if (sink is not null)
                    {
                        await sink.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        var n = decoder!.GetChars(chunk.Span, chars, flush: false);
                        await writer.WriteAsync(chars.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                    }
                }

                _start = _end = 0;
                if (!await FillAsync(cancellationToken).ConfigureAwait(false))
                {
                    break;
                }
            }

            // Completes the COPY: a bad row surfaces here as a PostgresException.
            await writer.DisposeAsync().ConfigureAwait(false);
        }
        catch
        {
            await CancelQuietlyAsync(writer).ConfigureAwait(false);
            throw;
        }

        // Npgsql's text import does not hand out the server's "COPY n": the loader counts what the server took.
        return new CopyCount(_scanner.Records, null);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stream is not null)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            await csv.ReleaseUnopenedAsync().ConfigureAwait(false);
        }
    }

    internal static async Task CancelQuietlyAsync(TextWriter writer)
    {
        try
        {
            if (writer is NpgsqlCopyTextWriter copy)
            {
                await copy.CancelAsync().ConfigureAwait(false);
            }

            await writer.DisposeAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The original failure is what the caller needs; the transaction rolls back either way.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private async Task<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        var raw = csv.OpenRaw();
        try
        {
            var gzip = csv.Compression == CsvCompression.Gzip;
            if (csv.Compression == CsvCompression.Auto)
            {
                (raw, var start) = await PrefixedStream.PeekAsync(raw, CsvFiles.GzipSignatureLength, cancellationToken).ConfigureAwait(false);
                gzip = CsvFiles.IsGzip(start.Span);
            }

            return gzip ? new GzipCheckedStream(raw) : raw;
        }
        catch
        {
            await raw.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Reads more bytes after those buffered; returns false at the end of the data.</summary>
    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0 && _start == _end)
        {
            _start = _end = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }
            else
            {
                // Only a header longer than the buffer gets here, and only up to MaxHeaderBytes.
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
        }

        int n;
        try
        {
            n = await _stream!.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e) when (_stream is GzipCheckedStream)
        {
            throw new CsvDataException(e.Message, e);
        }

        _end += n;
        return n > 0;
    }
}
