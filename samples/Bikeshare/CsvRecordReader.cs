using System.Text;

namespace Bikeshare;

/// <summary>
/// Reads RFC 4180 CSV records (quoted fields, doubled quotes, line breaks inside quotes, CRLF or LF) from a
/// text reader, asynchronously and one buffer at a time, so a download is parsed as it arrives.
/// </summary>
public sealed class CsvRecordReader(TextReader reader)
{
    private static readonly System.Buffers.SearchValues<char> Special = System.Buffers.SearchValues.Create(",\"\r\n");
    private readonly char[] buffer = new char[64 * 1024];
    private readonly StringBuilder field = new();
    private int position;
    private int length;

    /// <summary>The number of records read so far (the header included).</summary>
    public long RecordsRead { get; private set; }

    /// <summary>Reads the next record into <paramref name="fields"/> (cleared first).</summary>
    /// <param name="fields">Receives the record's fields.</param>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <returns><see langword="false"/> at the end of the input.</returns>
    public async ValueTask<bool> ReadAsync(List<string> fields, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fields);
        fields.Clear();
        field.Clear();
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

                    fields.Add(field.ToString());
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
                field.Append(rest[..run]);
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
                    field.Append('"');
                    position++;
                }
                else
                {
                    inQuotes = false;
                }
            }
            else if (c == '"' && field.Length == 0 && !quoted)
            {
                inQuotes = quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                quoted = false;
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && await PeekAsync(cancellationToken).ConfigureAwait(false) == '\n')
                {
                    position++;
                }

                fields.Add(field.ToString());
                RecordsRead++;
                return true;
            }
            else
            {
                field.Append(c); // a quote inside an unquoted field is kept, as most readers do
            }
        }
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
