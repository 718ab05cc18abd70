using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Aqueduct.Civis.Testing;

/// <summary>
/// CSV preprocess jobs (<c>POST /files/preprocess/csv</c>, run through <c>/jobs/{id}/runs</c>): a succeeded run writes
/// the cleaned file (UTF-8, no byte order mark, <c>\n</c> line endings, blank lines dropped, the input's compression)
/// and its <c>detectedInfo</c>, and attaches the file as the run's output, which is what civis-python's
/// <c>civis_file_to_table</c> reads.
/// </summary>
public sealed partial class FakeCivisApi
{
    private static readonly Dictionary<string, char> Delimiters = new(StringComparer.Ordinal) { ["comma"] = ',', ["tab"] = '\t', ["pipe"] = '|' };

    private Answer CreatePreprocess(JsonObject? body)
    {
        if (body?["fileId"] is not JsonValue f || !f.TryGetValue<int>(out var fileId))
        {
            return Answer.Error(400, "bad_request", "fileId is required and must be an integer.");
        }

        if (!_files.ContainsKey(fileId))
        {
            return Answer.Error(404, "not_found", $"The file {fileId} could not be found.");
        }

        if (body["columnDelimiter"] is JsonValue d && (!d.TryGetValue<string>(out var delimiter) || !Delimiters.ContainsKey(delimiter)))
        {
            return Answer.Error(400, "bad_request", "columnDelimiter must be one of comma, tab, pipe.");
        }

        var node = new JsonObject
        {
            ["id"] = NextId(),
            ["fileId"] = fileId,
            ["inPlace"] = true,
            ["detectTableColumns"] = false,
            ["forceCharacterSetConversion"] = false,
            ["includeHeader"] = null,
            ["columnDelimiter"] = null,
            ["hidden"] = false,
        };
        foreach (var key in node.Select(p => p.Key).Where(k => k is not "id" && body.ContainsKey(k)).ToList())
        {
            node[key] = body[key]?.DeepClone();
        }

        _resources[node["id"]!.GetValue<int>()] = new Resource(PreprocessKind, node);
        return Answer.Json(201, node.DeepClone());
    }

    /// <summary>Cleans the job's file and records what was detected; bad input throws <see cref="InvalidDataException"/>, which fails the run.</summary>
    private void Preprocess(Run run)
    {
        var job = run.Job.Node;
        var fileId = job["fileId"]!.GetValue<int>();
        var file = _files.GetValueOrDefault(fileId) ?? throw new InvalidDataException($"The file {fileId} no longer exists.");
        var content = file.Content ?? throw new InvalidDataException($"The file {fileId} has no content: its upload was never completed.");
        var gzip = content is [0x1f, 0x8b, ..];
        if (gzip)
        {
            try
            {
                using var unzip = new GZipStream(new MemoryStream(content), CompressionMode.Decompress);
                using var plain = new MemoryStream();
                unzip.CopyTo(plain);
                content = plain.ToArray();
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"The file {fileId} is not valid gzip: {e.Message}", e);
            }
        }

        var text = Decode(content, job["forceCharacterSetConversion"]?.GetValueKind() == System.Text.Json.JsonValueKind.True);
        var delimiter = job["columnDelimiter"]?.GetValue<string>() is { } given ? Delimiters[given] : DetectDelimiter(text);
        var rows = ParseCsv(text, delimiter, fileId);
        var header = job["includeHeader"] is JsonValue h && h.TryGetValue<bool>(out var includeHeader) ? includeHeader : LooksLikeHeader(rows);
        var columns = new JsonArray();
        if (job["detectTableColumns"]?.GetValueKind() == System.Text.Json.JsonValueKind.True)
        {
            var width = rows.Count == 0 ? 0 : rows.Max(r => r.Length);
            var data = header ? rows.Skip(1).ToList() : rows;
            for (var i = 0; i < width; i++)
            {
                var name = header && i < rows[0].Length && rows[0][i].Trim() is { Length: > 0 } n ? n : $"column_{i + 1}";
                columns.Add(new JsonObject { ["name"] = name, ["sqlType"] = SqlType(data.Select(r => i < r.Length ? r[i] : "")) });
            }
        }

        var cleaned = Encoding.UTF8.GetBytes(WriteCsv(rows, delimiter));
        if (gzip)
        {
            using var compressed = new MemoryStream();
            using (var zip = new GZipStream(compressed, CompressionLevel.Fastest))
            {
                zip.Write(cleaned);
            }

            cleaned = compressed.ToArray();
        }

        var info = new JsonObject
        {
            ["includeHeader"] = header,
            ["columnDelimiter"] = Delimiters.First(p => p.Value == delimiter).Key,
            ["compression"] = gzip ? "gzip" : "none",
            ["tableColumns"] = columns,
        };
        var inPlace = job["inPlace"]?.GetValueKind() != System.Text.Json.JsonValueKind.False;
        var outputId = inPlace ? fileId : AddFile(cleaned, file.Name);
        var output = _files[outputId];
        output.Content = cleaned;
        output.DetectedInfo = info;
        run.Outputs.Add(new JsonObject { ["objectType"] = "File", ["objectId"] = outputId });
    }

    /// <summary>UTF-8 as it is; anything else is read as Latin-1, or, when conversion is forced, as UTF-8 with what cannot be decoded dropped.</summary>
    private static string Decode(byte[] content, bool force)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(content);
        }
        catch (DecoderFallbackException)
        {
            text = force
                ? Encoding.GetEncoding("utf-8", EncoderFallback.ReplacementFallback, new DecoderReplacementFallback("")).GetString(content)
                : Encoding.Latin1.GetString(content);
        }

        return text.TrimStart('\uFEFF');
    }

    /// <summary>The most frequent of comma, tab and pipe on the first line, outside quotes (comma on a tie or none).</summary>
    private static char DetectDelimiter(string text)
    {
        var counts = new Dictionary<char, int> { [','] = 0, ['\t'] = 0, ['|'] = 0 };
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c is '\n' or '\r')
            {
                break;
            }
            else if (!quoted && counts.TryGetValue(c, out var count))
            {
                counts[c] = count + 1;
            }
        }

        var best = counts.MaxBy(p => p.Value);
        return best.Value > counts[','] ? best.Key : ',';
    }

    /// <summary>RFC 4180 records (quotes, doubled quotes, CRLF, LF or CR line ends); blank lines are dropped.</summary>
    private static List<string[]> ParseCsv(string text, char delimiter, int fileId)
    {
        var rows = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var line = 1;
        var quoteLine = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    line += c == '\n' ? 1 : 0;
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
                quoteLine = line;
            }
            else if (c == delimiter)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                line++;
                EndRow();
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            throw new InvalidDataException($"The file {fileId} has a quoted field that is never closed (it opens on line {quoteLine}).");
        }

        EndRow();
        return rows;

        void EndRow()
        {
            fields.Add(field.ToString());
            field.Clear();
            if (fields is not [""])
            {
                rows.Add([.. fields]);
            }

            fields.Clear();
        }
    }

    private static string WriteCsv(List<string[]> rows, char delimiter)
    {
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                if (i > 0)
                {
                    text.Append(delimiter);
                }

                var value = row[i];
                var quote = value.Contains(delimiter, StringComparison.Ordinal) || value.AsSpan().IndexOfAny("\"\r\n") >= 0;
                text.Append(quote ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value);
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A header is a first row of distinct, non-empty values none of which reads as a number, boolean, date or time.</summary>
    private static bool LooksLikeHeader(List<string[]> rows)
        => rows.Count > 0
            && rows[0].All(v => v.Trim().Length > 0 && SqlType([v]).StartsWith("VARCHAR", StringComparison.Ordinal))
            && rows[0].Distinct(StringComparer.Ordinal).Count() == rows[0].Length;

    [GeneratedRegex(@"^[+-]?\d+$")]
    private static partial Regex IntegerText();

    [GeneratedRegex(@"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")]
    private static partial Regex NumberText();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex DateText();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$")]
    private static partial Regex TimestampText();

    /// <summary>
    /// The narrowest type every non-empty value fits: INT, BIGINT, DOUBLE PRECISION, BOOLEAN, DATE, TIMESTAMP, else
    /// VARCHAR of the longest value in UTF-8 bytes.
    /// </summary>
    private static string SqlType(IEnumerable<string> column)
    {
        var values = column.Select(v => v.Trim()).Where(v => v.Length > 0).ToList();
        bool All(Func<string, bool> test) => values.Count > 0 && values.All(test);
        if (All(v => IntegerText().IsMatch(v) && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)))
        {
            return "INT";
        }

        if (All(v => IntegerText().IsMatch(v) && long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)))
        {
            return "BIGINT";
        }

        if (All(NumberText().IsMatch))
        {
            return "DOUBLE PRECISION";
        }

        if (All(v => v.Equals("true", StringComparison.OrdinalIgnoreCase) || v.Equals("false", StringComparison.OrdinalIgnoreCase)))
        {
            return "BOOLEAN";
        }

        if (All(v => DateText().IsMatch(v) && DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)))
        {
            return "DATE";
        }

        if (All(v => TimestampText().IsMatch(v) && DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _)))
        {
            return "TIMESTAMP";
        }

        return $"VARCHAR({Math.Max(1, values.Select(v => Encoding.UTF8.GetByteCount(v)).DefaultIfEmpty(0).Max())})";
    }
}
