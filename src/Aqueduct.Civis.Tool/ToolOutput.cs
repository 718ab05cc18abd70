using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Aqueduct.Civis.Tool;

/// <summary>
/// Where the tool writes: Spectre.Console tables and colours when standard output is a terminal, plain
/// lines when it is redirected, and one JSON document (and nothing else on standard output) with <c>--json</c>.
/// Messages go to standard error so that the JSON and the plain lines stay clean for scripts.
/// </summary>
internal sealed class ToolOutput
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly TextWriter _out;
    private readonly TextWriter _error;
    private readonly IAnsiConsole? _console;
    private readonly Lock _gate = new();

    public ToolOutput(TextWriter output, TextWriter error, bool json, bool isTerminal)
    {
        _out = output;
        _error = error;
        Json = json;
        IsTerminal = isTerminal && !json;
        if (IsTerminal)
        {
            _console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        }
    }

    /// <summary>Whether <c>--json</c> was given.</summary>
    public bool Json { get; }

    /// <summary>Whether standard output is a terminal (and not JSON): tables, colours and progress bars.</summary>
    public bool IsTerminal { get; }

    /// <summary>The Spectre console, when <see cref="IsTerminal"/>.</summary>
    public IAnsiConsole? Console => _console;

    /// <summary>A result line on standard output (not in JSON mode).</summary>
    public void Line(string text)
    {
        if (Json)
        {
            return;
        }

        lock (_gate)
        {
            _out.WriteLine(text);
            _out.Flush();
        }
    }

    /// <summary>Text on standard output whatever the mode (the raw answer of <c>api</c>).</summary>
    public void Raw(string text)
    {
        lock (_gate)
        {
            _out.WriteLine(text);
            _out.Flush();
        }
    }

    /// <summary>Formats JSON with indentation.</summary>
    public static string Format(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            element.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A progress or diagnostic message on standard error.</summary>
    public void Info(string text)
    {
        lock (_gate)
        {
            _error.WriteLine(text);
            _error.Flush();
        }
    }

    /// <summary>An error message on standard error.</summary>
    public void Error(string text) => Info("error: " + text);

    /// <summary>The JSON result, in JSON mode only.</summary>
    public void WriteJson(JsonNode? node)
    {
        if (!Json)
        {
            return;
        }

        lock (_gate)
        {
            _out.WriteLine(node?.ToJsonString(Indented) ?? "null");
            _out.Flush();
        }
    }

    /// <summary>A table: a Spectre table in a terminal, tab-separated lines with a header otherwise (nothing in JSON mode).</summary>
    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        if (Json)
        {
            return;
        }

        var list = rows.ToList();
        if (_console is not null)
        {
            var table = new Table();
            foreach (var header in headers)
            {
                table.AddColumn(Markup.Escape(header));
            }

            foreach (var row in list)
            {
                table.AddRow([.. row.Select(Markup.Escape)]);
            }

            lock (_gate)
            {
                _console.Write(table);
            }

            return;
        }

        lock (_gate)
        {
            _out.WriteLine(string.Join('\t', headers));
            foreach (var row in list)
            {
                _out.WriteLine(string.Join('\t', row));
            }

            _out.Flush();
        }
    }
}
