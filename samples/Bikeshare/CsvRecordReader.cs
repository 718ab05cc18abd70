using System.Buffers;

namespace Bikeshare;

/// <summary>
/// Reads RFC 4180 CSV records (quoted fields, doubled quotes, line breaks inside quotes, CRLF or LF) from a
/// text reader, asynchronously and one buffer at a time, so a download is parsed as it arrives. The current
/// record's fields are spans over one reused buffer: reading allocates nothing per record, and a caller makes
/// strings only of the fields it keeps.
/// </summary>
public sealed class CsvRecordReader(TextReader reader)
{
    private static readonly SearchValues<char> Special = SearchValues.Create(",\"\r\n");
    private readonly char[] buffer = new char[64 * 1024];
    private readonly List<int> ends = [];
    private char[] record = new char[1024];
    private int recordLength;
    private int position;
    private int length;

    /// <summary>The number of records read so far (the header included).</summary>
    public long RecordsRead { get; private set; }

    /// <summary>The number of fields in the current record.</summary>
    public int FieldCount => ends.Count;

    /// <summary>A field of the current record, valid until the next read.</summary>
    /// <param name="index">The field's index.</param>
    /// <returns>The field's text, unquoted.</returns>
    public ReadOnlySpan<char> this[int index]
    {
        get
        {
            var start = index == 0 ? 0 : ends[index - 1];
            return record.AsSpan(start, ends[index] - start);
        }
    }

    /// <summary>A field of the current record as a string.</summary>
    /// <param name="index">The field's index.</param>
    /// <returns>The field's text, unquoted.</returns>
    public string GetString(int index) => this[index].ToString();

    /// <summary>Reads the next record.</summary>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <returns><see langword="false"/> at the end of the input.</returns>
    /// <exception cref="InvalidDataException">The input ends inside a quoted field.</exception>
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        ends.Clear();
        recordLength = 0;
        var fieldStart = 0;
        var quoted = false;
        var inQuotes = false;
        var any = false;
        while (true)
        {
            if (position == length)
            {
                length = await reader.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                position = 0;
                if (length == 0)
                {
                    if (inQuotes)
                    {
                        throw new InvalidDataException($"The CSV ends inside a quoted field (record {RecordsRead + 1}).");
                    }

                    if (!any)
                    {
                        return false;
                    }

                    ends.Add(recordLength);
                    RecordsRead++;
                    return true;
                }
            }

            // Plain runs of text are copied in one piece; only the special characters are handled one by one.
            var rest = buffer.AsSpan(position, length - position);
            var run = inQuotes ? rest.IndexOf('"') : rest.IndexOfAny(Special);
            if (run != 0)
            {
                run = run < 0 ? rest.Length : run;
                Append(rest[..run]);
                position += run;
                any = true;
                continue;
            }

            var c = buffer[position++];
            any = true;
            if (inQuotes)
            {
                if (await PeekAsync(cancellationToken).ConfigureAwait(false) == '"')
                {
                    Append("\"");
                    position++;
                }
                else
                {
                    inQuotes = false;
                }
            }
            else if (c == '"' && recordLength == fieldStart && !quoted)
            {
                inQuotes = quoted = true;
            }
            else if (c == ',')
            {
                ends.Add(recordLength);
                fieldStart = recordLength;
                quoted = false;
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && await PeekAsync(cancellationToken).ConfigureAwait(false) == '\n')
                {
                    position++;
                }

                ends.Add(recordLength);
                RecordsRead++;
                return true;
            }
            else
            {
                Append("\""); // a quote inside an unquoted field is kept, as most readers do
            }
        }
    }

    private void Append(ReadOnlySpan<char> text)
    {
        if (recordLength + text.Length > record.Length)
        {
            Array.Resize(ref record, Math.Max(record.Length * 2, recordLength + text.Length));
        }

        text.CopyTo(record.AsSpan(recordLength));
        recordLength += text.Length;
    }

    private async ValueTask<int> PeekAsync(CancellationToken cancellationToken)
    {
        if (position == length)
        {
            length = await reader.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            position = 0;
        }

        return position < length ? buffer[position] : -1;
    }
}
