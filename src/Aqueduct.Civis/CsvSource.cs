namespace Aqueduct.Civis;

/// <summary>
/// A CSV file or stream to load. The bytes go to PostgreSQL's own CSV parser (<c>COPY … FROM STDIN (FORMAT csv)</c>)
/// as they are read, so a load is as fast as <c>psql \copy</c> and its memory does not grow with the file.
/// </summary>
/// <remarks>
/// The CSV is UTF-8 (a byte order mark is skipped). With the default <see cref="NullMarker"/> an empty unquoted
/// field is NULL and a quoted empty field (<c>""</c>) is an empty string, as in PostgreSQL. A stream source can
/// be loaded once.
/// </remarks>
/// <example>
/// <code>
/// var source = new CsvSource("trips.csv.gz") { Delimiter = ';' };
/// </code>
/// </example>
public sealed class CsvSource
{
    private readonly Stream? _stream;
    private readonly bool _leaveOpen;
    private bool _opened;

    /// <summary>A CSV file.</summary>
    /// <param name="path">The file's path.</param>
    public CsvSource(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
    }

    /// <summary>A CSV stream, read from its current position.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="leaveOpen">Whether the stream stays open after the load; by default the load disposes it.</param>
    public CsvSource(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
    }

    /// <summary>The file's path, or <see langword="null"/> for a stream.</summary>
    public string? Path { get; }

    /// <summary>Whether the first line names the columns.</summary>
    /// <value>The default value is <see langword="true"/>. Without a header the fields are, in order, the
    /// <see cref="TableDefinition"/>'s columns when one is given, otherwise the table's columns.</value>
    public bool HasHeader { get; init; } = true;

    /// <summary>The field delimiter, a single-byte character.</summary>
    /// <value>The default value is a comma.</value>
    public char Delimiter { get; init; } = ',';

    /// <summary>The unquoted text that stands for NULL.</summary>
    /// <value>The default value is the empty string: an empty unquoted field is NULL, <c>""</c> is an empty string.</value>
    public string NullMarker { get; init; } = string.Empty;

    /// <summary>Whether the data is gzip-compressed.</summary>
    /// <value>The default value is <see cref="CsvCompression.Auto"/>: gzip when the data starts with gzip's signature.</value>
    public CsvCompression Compression { get; init; } = CsvCompression.Auto;

    /// <summary>A short description for messages: the path, or "a stream".</summary>
    /// <returns>The description.</returns>
    public override string ToString() => Path is null ? "CSV stream" : $"CSV file '{Path}'";

    /// <summary>Disposes a stream source that a failed load never opened (unless it is to stay open).</summary>
    internal async ValueTask ReleaseUnopenedAsync()
    {
        if (_stream is not null && !_opened)
        {
            _opened = true;
            if (!_leaveOpen)
            {
                await _stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Opens the raw (possibly compressed) bytes; the caller disposes the result.</summary>
    internal Stream OpenRaw()
    {
        if (Path is not null)
        {
            return new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }

        if (_opened)
        {
            throw new InvalidOperationException("This CSV stream has already been loaded; a stream source can be read once.");
        }

        _opened = true;
        return _leaveOpen ? new NonClosingStream(_stream!) : _stream!;
    }
}
