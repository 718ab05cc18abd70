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
        // Gzip, the byte order mark and the header: the shared readers the platform route uses too.
        (_stream, _) = await CsvFiles.OpenPlainAsync(csv.OpenRaw(), csv.Compression, cancellationToken).ConfigureAwait(false);
        var start = await CsvFiles.ReadStartAsync(_stream, csv.HasHeader, csv.Delimiter, BufferSize, cancellationToken).ConfigureAwait(false);
        (_buffer, _start, _end, _headerLines) = (start.Buffer, start.Start, start.End, start.HeaderLines);
        return LoadDecisions.SourceColumns(start.Header, table, definition);
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

    /// <summary>Reads more bytes after those buffered; returns false at the end of the data.</summary>
    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        var n = await CsvFiles.ReadAsync(_stream!, _buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        _end += n;
        return n > 0;
    }
}
