using System.Text;

namespace Bikeshare;

/// <summary>
/// Reads RFC 4180 CSV records (quoted fields, doubled quotes, line breaks inside quotes, CRLF or LF) from a
/// text reader, asynchronously and one buffer at a time, so a download is parsed as it arrives.
/// </summary>
public sealed class CsvRecordReader(TextReader reader)
{
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

            var c = buffer[position++];
            any = true;
            if (inQuotes)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (await PeekAsync(cancellationToken).ConfigureAwait(false) == '"')
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
                field.Append(c);
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
