namespace Aqueduct.Civis;

/// <summary>
/// Finds record ends in CSV bytes the way PostgreSQL's CSV parser does: a line feed outside double quotes
/// (a doubled quote inside a quoted field toggles twice, so it needs no special case). Vectorised through
/// <see cref="MemoryExtensions.IndexOfAny{T}(ReadOnlySpan{T}, T, T)"/>, so counting costs little next to the copy.
/// </summary>
internal struct CsvScanner
{
    private const byte Quote = (byte)'"';
    private const byte LineFeed = (byte)'\n';

    private bool _inQuotes;
    private byte _last;
    private bool _any;

    /// <summary>The record ends seen so far.</summary>
    public long LineEnds { get; private set; }

    /// <summary>The records seen so far, counting a last record without a final line feed.</summary>
    public readonly long Records => LineEnds + (_any && _last != LineFeed ? 1 : 0);

    /// <summary>Scans a chunk and counts its record ends.</summary>
    public void Scan(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        _any = true;
        _last = data[^1];
        while (!data.IsEmpty)
        {
            var i = _inQuotes ? data.IndexOf(Quote) : data.IndexOfAny(Quote, LineFeed);
            if (i < 0)
            {
                return;
            }

            if (data[i] == Quote)
            {
                _inQuotes = !_inQuotes;
            }
            else
            {
                LineEnds++;
            }

            data = data[(i + 1)..];
        }
    }

    /// <summary>Finds the end of the first record (the index of its line feed), or -1 when the chunk holds no whole record.</summary>
    public static int FindRecordEnd(ReadOnlySpan<byte> data)
    {
        var inQuotes = false;
        var offset = 0;
        while (offset < data.Length)
        {
            var rest = data[offset..];
            var i = inQuotes ? rest.IndexOf(Quote) : rest.IndexOfAny(Quote, LineFeed);
            if (i < 0)
            {
                return -1;
            }

            if (rest[i] == LineFeed)
            {
                return offset + i;
            }

            inQuotes = !inQuotes;
            offset += i + 1;
        }

        return -1;
    }

    /// <summary>Splits one CSV record (without its line end) into fields, undoing quotes.</summary>
    public static List<string> SplitRecord(string line, char delimiter)
    {
        var fields = new List<string>();
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
                inQuotes = true;
            }
            else if (c == delimiter)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }
}
