using System.Text;

namespace Aqueduct.Civis.Data;

/// <summary>
/// The CSV decisions both routes share, in one place: the gzip signature, the byte order mark, the header, and
/// an export to a file (written beside it, moved over it when complete, deleted when not).
/// </summary>
internal static class CsvFiles
{
    /// <summary>The longest header read: a header that does not end by then is not a header.</summary>
    public const int MaxHeaderBytes = 1 << 20;

    public static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static ReadOnlySpan<byte> GzipSignature => [0x1f, 0x8b];

    /// <summary>Whether data starts with the gzip signature.</summary>
    public static bool IsGzip(ReadOnlySpan<byte> start) => start.StartsWith(GzipSignature);

    /// <summary>
    /// Settles a source's compression, the one gzip decision of every route: <see cref="CsvCompression.Auto"/> looks for the
    /// gzip signature in the first bytes, which the returned stream still starts with. The returned stream owns
    /// <paramref name="raw"/>.
    /// </summary>
    public static async Task<(Stream Stream, bool Gzip)> DetectGzipAsync(Stream raw, CsvCompression compression, CancellationToken cancellationToken)
    {
        if (compression != CsvCompression.Auto)
        {
            return (raw, compression == CsvCompression.Gzip);
        }

        var (stream, start) = await PrefixedStream.PeekAsync(raw, GzipSignature.Length, cancellationToken).ConfigureAwait(false);
        return (stream, IsGzip(start.Span));
    }

    /// <summary>
    /// Opens a source's plain CSV: gzip settled by <see cref="DetectGzipAsync"/> and decompressed with its trailer checked
    /// (<see cref="GzipCheckedStream"/>). The returned stream owns <paramref name="raw"/>, which is disposed on failure.
    /// </summary>
    public static async Task<(Stream Plain, bool Gzip)> OpenPlainAsync(Stream raw, CsvCompression compression, CancellationToken cancellationToken)
    {
        try
        {
            var (stream, gzip) = await DetectGzipAsync(raw, compression, cancellationToken).ConfigureAwait(false);
            return (gzip ? new GzipCheckedStream(stream) : stream, gzip);
        }
        catch
        {
            await raw.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Reads from a plain stream of <see cref="OpenPlainAsync"/>; corrupt gzip is a <see cref="CsvDataException"/>.</summary>
    public static async ValueTask<int> ReadAsync(Stream plain, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await plain.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e) when (plain is GzipCheckedStream)
        {
            throw new CsvDataException(e.Message, e);
        }
    }

    /// <summary>The header's column names, from the header record's bytes (no line end, no byte order mark).</summary>
    public static List<string> SplitHeader(ReadOnlySpan<byte> header, char delimiter) =>
        CsvScanner.SplitRecord(Encoding.UTF8.GetString(header), delimiter);

    /// <summary>
    /// Finds the header record at the start of buffered data (after any byte order mark): the one header rule of every route.
    /// </summary>
    /// <param name="data">The data buffered so far.</param>
    /// <param name="final">Whether the stream has no more data.</param>
    /// <returns>The header's length and its line end's, or <see langword="null"/> when more data is needed.</returns>
    /// <exception cref="CsvDataException">The header is longer than <see cref="MaxHeaderBytes"/> or has an unclosed quote.</exception>
    public static (int End, int LineEnd)? FindHeader(ReadOnlySpan<byte> data, bool final)
    {
        // Only the first MaxHeaderBytes (and two more, for a CR LF right after them) are searched, so the outcome depends on
        // the data, not on how much of it a route happened to buffer.
        var window = data.Length > MaxHeaderBytes + 2 ? data[..(MaxHeaderBytes + 2)] : data;
        var end = CsvScanner.FindRecordEnd(window, final && window.Length == data.Length, out var lineEnd, out var inQuotes);
        if (end > MaxHeaderBytes)
        {
            throw new CsvDataException($"The header line is longer than {MaxHeaderBytes >> 20} MiB.");
        }

        if (end >= 0)
        {
            return (end, lineEnd);
        }

        if (window.Length > MaxHeaderBytes + 1)
        {
            throw new CsvDataException(
                $"The header line is longer than {MaxHeaderBytes >> 20} MiB" +
                (inQuotes ? ": it has an unclosed double quote." : ": no line end was found (set HasHeader = false for a CSV without a header)."));
        }

        if (!final)
        {
            return null;
        }

        return inQuotes ? throw new CsvDataException("The header line has an unclosed double quote.") : (data.Length, 0);
    }

    /// <summary>
    /// Reads the start of a plain CSV stream, the one header reader of every route: skips a byte order mark and, when the
    /// CSV has a header, reads it up to its record end (by <see cref="FindHeader"/>). The bytes read past it stay in the
    /// returned buffer, for a route that goes on reading.
    /// </summary>
    /// <param name="plain">The decompressed CSV (see <see cref="OpenPlainAsync"/>).</param>
    /// <param name="hasHeader">Whether the first record is a header.</param>
    /// <param name="delimiter">The field delimiter.</param>
    /// <param name="bufferSize">The buffer's first size; it grows for a longer header, up to <see cref="MaxHeaderBytes"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="CsvDataException">The CSV has no header line, or the header is too long or has an unclosed quote.</exception>
    public static async Task<CsvStart> ReadStartAsync(Stream plain, bool hasHeader, char delimiter, int bufferSize, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Max(bufferSize, 64)];
        var length = 0;
        var final = false;
        while (length < Utf8Bom.Length && !final)
        {
            var read = await ReadAsync(plain, buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            length += read;
            final = read == 0;
        }

        var start = buffer.AsSpan(0, length).StartsWith(Utf8Bom) ? Utf8Bom.Length : 0;
        if (!hasHeader)
        {
            return new CsvStart(null, 0, buffer, start, length);
        }

        while (true)
        {
            if (FindHeader(buffer.AsSpan(start, length - start), final) is { } found)
            {
                var bytes = buffer.AsSpan(start, found.End);
                if (bytes.IsEmpty)
                {
                    throw new CsvDataException("The CSV has no header line (set HasHeader = false for a CSV without one).");
                }

                var breaks = bytes.Count((byte)'\n');
                var lines = 1 + (breaks > 0 ? breaks : bytes.Count((byte)'\r'));
                return new CsvStart(SplitHeader(bytes, delimiter), lines, buffer, start + found.End + found.LineEnd, length);
            }

            if (length == buffer.Length)
            {
                // Only a header longer than the buffer gets here; FindHeader stops it past MaxHeaderBytes.
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var n = await ReadAsync(plain, buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            length += n;
            final = n == 0;
        }
    }

    /// <summary>The options with <see cref="CsvCompression.Auto"/> settled by the file name (<c>.gz</c> = gzip).</summary>
    public static CsvExportOptions ForPath(string path, CsvExportOptions? options)
    {
        options ??= new CsvExportOptions();
        if (options.Compression != CsvCompression.Auto)
        {
            return options;
        }

        return new CsvExportOptions
        {
            IncludeHeader = options.IncludeHeader,
            Delimiter = options.Delimiter,
            NullMarker = options.NullMarker,
            Compression = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? CsvCompression.Gzip : CsvCompression.None,
            CommandTimeout = options.CommandTimeout,
        };
    }

    /// <summary>
    /// Exports into a file through a stream export: written to a temporary file beside it and moved over it when
    /// complete, so a failed export leaves an existing file as it was and no half-written file behind.
    /// </summary>
    public static async Task<long> ExportToFileAsync(
        string path, CsvExportOptions? options, Func<Stream, CsvExportOptions, CancellationToken, Task<long>> export, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var settled = ForPath(path, options);
        var temporary = TemporaryPathBeside(path);
        try
        {
            var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous);
            long rows;
            await using (file.ConfigureAwait(false))
            {
                rows = await export(file, settled, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, path, overwrite: true);
            return rows;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>A new file name in the same directory as <paramref name="path"/> (so the final move is a rename).</summary>
    public static string TemporaryPathBeside(string path)
    {
        var full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.partial");
    }
}

/// <summary>The start of a plain CSV as <see cref="CsvFiles.ReadStartAsync"/> read it.</summary>
/// <param name="Header">The header's column names, or <see langword="null"/> for a CSV without a header.</param>
/// <param name="HeaderLines">The lines the header spans (0 without one).</param>
/// <param name="Buffer">The buffer read into.</param>
/// <param name="Start">Where the data after the byte order mark and the header starts in <paramref name="Buffer"/>.</param>
/// <param name="End">Where the bytes read end in <paramref name="Buffer"/>.</param>
internal sealed record CsvStart(List<string>? Header, int HeaderLines, byte[] Buffer, int Start, int End)
{
    /// <summary>The bytes read past the header.</summary>
    public ReadOnlyMemory<byte> Rest => Buffer.AsMemory(Start, End - Start);
}
