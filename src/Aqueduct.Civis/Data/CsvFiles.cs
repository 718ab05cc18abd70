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

    public static int GzipSignatureLength => GzipSignature.Length;

    /// <summary>Whether data starts with the gzip signature.</summary>
    public static bool IsGzip(ReadOnlySpan<byte> start) => start.StartsWith(GzipSignature);

    /// <summary>Whether a seekable stream starts with the gzip signature; its position is left where it was.</summary>
    public static async Task<bool> StartsWithGzipAsync(Stream stream, CancellationToken cancellationToken)
    {
        var position = stream.Position;
        var start = new byte[GzipSignature.Length];
        var read = await stream.ReadAtLeastAsync(start, start.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        stream.Position = position;
        return IsGzip(start.AsSpan(0, read));
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
        var end = CsvScanner.FindRecordEnd(data, final, out var lineEnd, out var inQuotes);
        if (end < 0)
        {
            if (data.Length > MaxHeaderBytes)
            {
                throw new CsvDataException(
                    $"The header line is longer than {MaxHeaderBytes >> 20} MiB" +
                    (inQuotes ? ": it has an unclosed double quote." : ": no line end was found (set HasHeader = false for a CSV without a header)."));
            }

            if (!final)
            {
                return null;
            }

            if (inQuotes)
            {
                throw new CsvDataException("The header line has an unclosed double quote.");
            }

            (end, lineEnd) = (data.Length, 0);
        }

        if (end > MaxHeaderBytes)
        {
            throw new CsvDataException($"The header line is longer than {MaxHeaderBytes >> 20} MiB.");
        }

        return (end, lineEnd);
    }

    /// <summary>Reads the header of a plain (decompressed) CSV stream: skips a byte order mark, stops at the first record end.</summary>
    /// <returns>The column names, or <see langword="null"/> for an empty stream.</returns>
    /// <exception cref="CsvDataException">The header is too long or has an unclosed quote (see <see cref="FindHeader"/>).</exception>
    public static async Task<List<string>?> ReadHeaderAsync(Stream plain, char delimiter, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxHeaderBytes + 64 * 1024];
        var length = 0;
        var final = false;
        while (true)
        {
            var start = buffer.AsSpan(0, length).StartsWith(Utf8Bom) ? Utf8Bom.Length : 0;
            if (FindHeader(buffer.AsSpan(start, length - start), final) is { } found)
            {
                return final && length == start ? null : SplitHeader(buffer.AsSpan(start, found.End), delimiter);
            }

            var read = await plain.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            length += read;
            final = read == 0;
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
