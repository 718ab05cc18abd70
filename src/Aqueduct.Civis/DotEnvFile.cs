using System.Text;

namespace Aqueduct.Civis;

/// <summary>
/// Reads <c>.env</c> files: the never-committed <c>KEY=VALUE</c> files that hold a developer's
/// local credentials.
/// </summary>
/// <remarks>
/// The format is the common one (docker compose, python-dotenv): blank lines and lines starting
/// with <c>#</c> are ignored; an optional <c>export </c> prefix is allowed; a value may be bare
/// (trailing <c> # comment</c> removed, surrounding white space trimmed), in single quotes (taken
/// literally) or in double quotes (with <c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\"</c> and <c>\\</c>
/// escapes, and able to span lines). Variable references (<c>${OTHER}</c>) are not expanded. Lines may end
/// in LF, CRLF or a lone CR; the file is read as UTF-8 (a byte-order mark is allowed, invalid bytes are an error).
/// </remarks>
public static class DotEnvFile
{
    /// <summary>The file name looked for in the working directory: <c>.env</c>.</summary>
    public const string DefaultFileName = ".env";

    /// <summary>Parses the text of a <c>.env</c> file.</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="fileName">The file name used in error messages.</param>
    /// <returns>The variables in file order; a later duplicate replaces an earlier one.</returns>
    /// <exception cref="FormatException">A line is not of the form <c>KEY=VALUE</c>; the message names the file and line.</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string text, string fileName = DefaultFileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<KeyValuePair<string, string>>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        // Windows (CRLF), Unix (LF) and classic Mac (CR only) line endings.
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var lineNumber = i + 1;
            var line = lines[i].TrimStart();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal) || line.StartsWith("export\t", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var key = equals > 0 ? line[..equals].Trim() : string.Empty;
            if (!IsValidKey(key))
            {
                throw new FormatException($"{fileName}, line {lineNumber}: expected KEY=VALUE with a name of letters, digits, '_' and '.'.");
            }

            var value = ReadValue(line[(equals + 1)..], lines, ref i, fileName, lineNumber);
            if (index.TryGetValue(key, out var existing))
            {
                result[existing] = new(key, value);
            }
            else
            {
                index[key] = result.Count;
                result.Add(new(key, value));
            }
        }

        return result;
    }

    /// <summary>Reads and parses a <c>.env</c> file if it exists.</summary>
    /// <param name="path">The file's path.</param>
    /// <returns>The variables, or <see langword="null"/> when there is no such file.</returns>
    /// <exception cref="FormatException">A line is malformed; the message names the file and line.</exception>
    /// <exception cref="CivisEnvironmentException">
    /// The path exists but cannot be read: it is a directory, access is denied, or the file is not valid UTF-8.
    /// The message names the file, never its text.
    /// </exception>
    public static IReadOnlyList<KeyValuePair<string, string>>? TryRead(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            throw Unreadable(path, "it is a directory, not a file");
        }

        if (!File.Exists(path))
        {
            return null;
        }

        string text;
        try
        {
            text = File.ReadAllText(path, StrictUtf8);
        }
        catch (DecoderFallbackException)
        {
            throw Unreadable(path, "it is not valid UTF-8");
        }
        catch (UnauthorizedAccessException)
        {
            throw Unreadable(path, "access to it is denied");
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw Unreadable(path, "it could not be read (" + e.GetType().Name + ")");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null; // removed between the check and the read
        }

        return Parse(text, path);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static CivisEnvironmentException Unreadable(string path, string reason) =>
        new($"The .env file '{path}' cannot be read: {reason}. Fix or remove it.", []);

    /// <summary>
    /// Sets the process environment variables of a <c>.env</c> file, never overriding a variable the
    /// environment already has (so child processes such as <c>psql</c> see them too).
    /// </summary>
    /// <param name="path">The file's path; by default <c>.env</c> in the working directory.</param>
    /// <returns>The names of the variables that were set; empty when the file does not exist.</returns>
    /// <exception cref="FormatException">A line is malformed; the message names the file and line.</exception>
    /// <exception cref="CivisEnvironmentException">The path is a directory, or the file cannot be read or is not valid UTF-8.</exception>
    public static IReadOnlyList<string> LoadIntoEnvironment(string path = DefaultFileName)
    {
        var set = new List<string>();
        foreach (var (key, value) in TryRead(path) ?? [])
        {
            if (System.Environment.GetEnvironmentVariable(key) is null)
            {
                System.Environment.SetEnvironmentVariable(key, value);
                set.Add(key);
            }
        }

        return set;
    }

    private static bool IsValidKey(string key) =>
        key.Length > 0 && !char.IsAsciiDigit(key[0]) && key.All(static c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.');

    private static string ReadValue(string rest, string[] lines, ref int i, string fileName, int lineNumber)
    {
        rest = rest.TrimStart();
        if (rest.Length == 0)
        {
            return string.Empty;
        }

        var quote = rest[0];
        if (quote is not ('\'' or '"'))
        {
            // A bare value: " #" starts a comment; otherwise '#' is part of the value (pass#word).
            var comment = rest.IndexOf(" #", StringComparison.Ordinal);
            var tab = rest.IndexOf("\t#", StringComparison.Ordinal);
            var cut = comment < 0 ? tab : tab < 0 ? comment : Math.Min(comment, tab);
            return (cut >= 0 ? rest[..cut] : rest).Trim();
        }

        var value = new StringBuilder();
        var text = rest[1..];
        while (true)
        {
            for (var j = 0; j < text.Length; j++)
            {
                var c = text[j];
                if (c == quote)
                {
                    var after = text[(j + 1)..].Trim();
                    if (after.Length > 0 && after[0] != '#')
                    {
                        throw new FormatException($"{fileName}, line {i + 1}: unexpected text after the closing quote.");
                    }

                    return value.ToString();
                }

                if (quote == '"' && c == '\\' && j + 1 < text.Length)
                {
                    j++;
                    value.Append(text[j] switch { 'n' => '\n', 'r' => '\r', 't' => '\t', var other => other });
                    continue;
                }

                value.Append(c);
            }

            // The closing quote is on a later line: the value spans lines.
            if (++i >= lines.Length)
            {
                throw new FormatException($"{fileName}, line {lineNumber}: the quoted value has no closing {quote}.");
            }

            value.Append('\n');
            text = lines[i];
        }
    }
}
