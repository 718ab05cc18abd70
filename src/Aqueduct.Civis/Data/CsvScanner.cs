namespace Aqueduct.Civis.Data;

/// <summary>
/// Finds record ends in CSV bytes the way PostgreSQL's CSV parser does: a line feed, a carriage return or the
/// pair outside double quotes (a doubled quote inside a quoted field toggles twice, so it needs no special case).
/// Vectorised through <see cref="MemoryExtensions.IndexOfAny{T}(ReadOnlySpan{T}, T, T, T)"/>, so counting costs
/// little next to the copy. It also notes the first record that is just <c>\.</c>, which <c>COPY … FROM STDIN</c>
/// reads as the end of the data.
/// </summary>
internal struct CsvScanner
{
    private const byte Quote = (byte)'"';
    private const byte LineFeed = (byte)'\n';
    private const byte CarriageReturn = (byte)'\r';

    // Where the scan is relative to the end-of-data marker: at a record's start, after its '\', after "\.", or past it.
    private const int AtStart = 0;
    private const int AfterBackslash = 1;
    private const int AfterDot = 2;
    private const int Past = 3;

    // Records that spanned several lines, so that a record number maps back to the line a person sees.
    private const int MaxMarks = 1 << 20;
    private List<(long Record, long Breaks)>? _marks;
    private long _breaks;
    private long _breaksAtRecordStart;
    private bool _marksLost;

    private bool _inQuotes;
    private bool _afterCarriageReturn;
    private bool _open;
    private int _marker;
    private long _firstMarker;

    /// <summary>The record ends seen so far.</summary>
    public long LineEnds { get; private set; }

    /// <summary>The records seen so far, counting a last record without a line end.</summary>
    public readonly long Records => LineEnds + (_open ? 1 : 0);

    /// <summary>Whether the data ends inside a quoted field.</summary>
    public readonly bool InQuotes => _inQuotes;

    /// <summary>The number (first = 1) of the first record that is just <c>\.</c>, or 0 when there is none.</summary>
    public readonly long FirstEndOfDataMarker => _firstMarker;

    /// <summary>
    /// The line (first = 1) on which a record (first = 1) starts, counting the line breaks inside quoted fields of
    /// the records before it; <see langword="null"/> when too many records spanned lines to keep track.
    /// </summary>
    public readonly long? LineOf(long record)
    {
        if (_marksLost)
        {
            return null;
        }

        var breaks = 0L;
        if (_marks is not null)
        {
            // The last record before this one that ended having seen breaks inside quotes.
            var (lo, hi) = (0, _marks.Count - 1);
            while (lo <= hi)
            {
                var mid = (lo + hi) / 2;
                if (_marks[mid].Record < record)
                {
                    breaks = _marks[mid].Breaks;
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }
        }

        return record + breaks;
    }

    /// <summary>Scans a chunk and counts its record ends.</summary>
    public void Scan(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_afterCarriageReturn)
            {
                _afterCarriageReturn = false;
                if (data[0] == LineFeed)
                {
                    data = data[1..];
                    continue;
                }
            }

            if (_marker != Past && !_inQuotes)
            {
                var b = data[0];
                var afterDot = _marker == AfterDot;
                _marker = (_marker, b) switch
                {
                    (AtStart, (byte)'\\') => AfterBackslash,
                    (AfterBackslash, (byte)'.') => AfterDot,
                    _ => Past,
                };
                if (_marker != Past)
                {
                    _open = true;
                    data = data[1..];
                    continue;
                }

                if (afterDot && b is LineFeed or CarriageReturn && _firstMarker == 0)
                {
                    _firstMarker = LineEnds + 1;
                }
            }

            var i = _inQuotes ? data.IndexOf(Quote) : data.IndexOfAny(Quote, LineFeed, CarriageReturn);
            if (_inQuotes)
            {
                var quoted = i < 0 ? data : data[..i];
                var feeds = quoted.Count(LineFeed);
                _breaks += feeds > 0 ? feeds : quoted.Count(CarriageReturn);
            }

            if (i < 0)
            {
                _open = true;
                return;
            }

            var c = data[i];
            if (c == Quote)
            {
                _inQuotes = !_inQuotes;
                _open = true;
            }
            else
            {
                if (i > 0)
                {
                    _open = true;
                }

                LineEnds++;
                if (_breaks != _breaksAtRecordStart)
                {
                    Mark();
                }

                _open = false;
                _marker = AtStart;
                _afterCarriageReturn = c == CarriageReturn;
            }

            data = data[(i + 1)..];
        }
    }

    private void Mark()
    {
        _breaksAtRecordStart = _breaks;
        if (_marksLost)
        {
            return;
        }

        _marks ??= [];
        if (_marks.Count == MaxMarks)
        {
            _marksLost = true;
            _marks = null;
            return;
        }

        _marks.Add((LineEnds, _breaks));
    }

    /// <summary>
    /// Finds the end of the first record: the index of its line end and the line end's length (1, or 2 for CR LF),
    /// or -1 when the chunk holds no whole record (<paramref name="final"/>: no more bytes will come).
    /// </summary>
    public static int FindRecordEnd(ReadOnlySpan<byte> data, bool final, out int lineEndLength, out bool inQuotes)
    {
        inQuotes = false;
        lineEndLength = 0;
        var offset = 0;
        while (offset < data.Length)
        {
            var rest = data[offset..];
            var i = inQuotes ? rest.IndexOf(Quote) : rest.IndexOfAny(Quote, LineFeed, CarriageReturn);
            if (i < 0)
            {
                return -1;
            }

            if (rest[i] != Quote)
            {
                var end = offset + i;
                if (data[end] == CarriageReturn)
                {
                    if (end + 1 == data.Length && !final)
                    {
                        return -1; // a line feed may follow
                    }

                    lineEndLength = end + 1 < data.Length && data[end + 1] == LineFeed ? 2 : 1;
                }
                else
                {
                    lineEndLength = 1;
                }

                return end;
            }

            inQuotes = !inQuotes;
            offset += i + 1;
        }

        return -1;
    }

    /// <summary>Splits one CSV record (without its line end) into fields, undoing quotes.</summary>
    public static List<string> SplitRecord(string line, char delimiter) => SplitRecord(line, delimiter, quoted: null);

    /// <summary>Splits one CSV record into fields, undoing quotes; <paramref name="quoted"/> gets, per field, whether it was quoted
    /// (an unquoted empty field is NULL, a quoted one the empty string).</summary>
    public static List<string> SplitRecord(string line, char delimiter, List<bool>? quoted)
    {
        var fields = new List<string>();
        var wasQuoted = false;
        var field = new System.Text.StringBuilder();
        var inQuotes = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < line.Length && line[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                inQuotes = wasQuoted = true;
            }
            else if (c == delimiter)
            {
                fields.Add(field.ToString());
                quoted?.Add(wasQuoted);
                field.Clear();
                wasQuoted = false;
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        quoted?.Add(wasQuoted);
        return fields;
    }
}
