using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Aqueduct.Civis.Tests.Docs;

/// <summary>One ```csharp block of a Markdown file: where it is, what kind it is, and its lines.</summary>
internal sealed record DocCodeBlock(string File, int Line, string Info, IReadOnlyList<string> Lines)
{
    /// <summary>A complete program (top-level statements, its own usings; types after the statements).</summary>
    public const string Program = "csharp";

    /// <summary>
    /// Statements (and types after them) that run inside a job: compiled as the body of a method given
    /// <see cref="DocCodeBlocks.FragmentParameters"/>, with <see cref="DocCodeBlocks.FragmentUsings"/>.
    /// </summary>
    public const string Fragment = "csharp fragment";

    /// <summary>The Markdown file and line of the block's first code line, for messages.</summary>
    public string Location => $"{File}:{Line.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// Extracts the C# blocks of the repository's Markdown (README.md and docs/*.md) and writes them as one project, one file
/// per block in a namespace of its own, with <c>#line</c> directives so that the compiler's errors name the Markdown
/// file and line.
/// </summary>
internal static partial class DocCodeBlocks
{
    /// <summary>The names a fragment may use without declaring them: what a job's code has at hand.</summary>
    public const string FragmentParameters =
        "string[] args, CivisJobContext job, CivisEnvironment env, CivisClient client, IServiceCollection services, CancellationToken ct, CancellationToken cancellationToken, " +
        "int scriptId, int jobId, int runId, int remoteHostId";

    /// <summary>The namespaces a fragment sees without naming them.</summary>
    public static readonly string[] FragmentUsings =
    [
        "System.Text.Json", "Aqueduct.Civis", "Aqueduct.Civis.Api", "Aqueduct.Civis.Api.Models", "Aqueduct.Civis.Testing", "Dapper", "Microsoft.Extensions.Configuration",
        "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Logging", "Npgsql", "Xunit", "Docs.Ambient",
    ];

    /// <summary>The types the fragments' examples share (<c>Trip</c>, <c>TripsByDay</c>).</summary>
    public const string AmbientTypes = """
        namespace Docs.Ambient;

        public sealed record Trip(int TripId, string? BikeType, DateTime StartDatetime, double? Distance);

        public sealed record TripsByDay(DateOnly Day, long Trips);
        """;

    /// <summary>Finds every fenced block whose info string starts with <c>csharp</c>, <c>cs</c> or <c>c#</c>.</summary>
    /// <param name="file">The Markdown file's path, as it is shown in messages.</param>
    /// <param name="text">The file's text.</param>
    /// <returns>The blocks, in order.</returns>
    /// <exception cref="FormatException">A block is not closed; the message names the file and line.</exception>
    public static IReadOnlyList<DocCodeBlock> Extract(string file, string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var blocks = new List<DocCodeBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            var open = Fence().Match(lines[i]);
            if (!open.Success)
            {
                continue;
            }

            var fence = open.Groups["fence"].Value;
            var info = open.Groups["info"].Value.Trim();
            var start = i + 1;
            var body = new List<string>();
            for (i++; ; i++)
            {
                if (i >= lines.Length)
                {
                    throw new FormatException($"{file}:{start}: the code block opened here is never closed.");
                }

                if (lines[i].Trim() == fence)
                {
                    break;
                }

                body.Add(lines[i]);
            }

            var language = info.Split(' ', 2)[0].ToLowerInvariant();
            if (language is "csharp" or "cs" or "c#")
            {
                blocks.Add(new DocCodeBlock(file, start + 1, info, body));
            }
        }

        return blocks;
    }

    /// <summary>The C# file for one block, or <see langword="null"/> when its info string is not one this test knows.</summary>
    /// <param name="block">The block.</param>
    /// <param name="index">The block's number, which makes its namespace unique.</param>
    /// <param name="markdownPath">The full path of the Markdown file, for the <c>#line</c> directives.</param>
    public static string? ToCSharp(DocCodeBlock block, int index, string markdownPath)
    {
        var fragment = block.Info switch
        {
            DocCodeBlock.Program => false,
            DocCodeBlock.Fragment => true,
            _ => (bool?)null,
        };
        if (fragment is null)
        {
            return null;
        }

        var lines = block.Lines;
        var isUsing = lines.Select(l => UsingDirective().IsMatch(l)).ToArray();
        var typeStart = Enumerable.Range(0, lines.Count).FirstOrDefault(i => TypeDeclaration().IsMatch(lines[i]), lines.Count);
        var returnsValue = lines.Take(typeStart).Any(l => l.StartsWith("return ", StringComparison.Ordinal));
        var path = markdownPath.Replace("\\", "\\\\", StringComparison.Ordinal);
        var name = string.Create(CultureInfo.InvariantCulture, $"Docs.Block{index:000}");

        var code = new StringBuilder();
        if (fragment.Value)
        {
            foreach (var ns in FragmentUsings)
            {
                code.Append("using ").Append(ns).AppendLine(";");
            }
        }

        code.AppendLine(CultureInfo.InvariantCulture, $"#line {block.Line} \"{path}\"");
        for (var i = 0; i < lines.Count; i++)
        {
            code.AppendLine(isUsing[i] ? lines[i] : string.Empty);
        }

        code.AppendLine("#line default")
            .AppendLine(CultureInfo.InvariantCulture, $"namespace {name}")
            .AppendLine("{")
            .AppendLine("#pragma warning disable CS1998, CS0168, CS0219, CS8321")
            .AppendLine("internal static class Block")
            .AppendLine("{")
            .Append("    public static async ").Append(returnsValue ? "Task<int>" : "Task").Append(" RunAsync(")
            .Append(fragment.Value ? FragmentParameters : "string[] args").AppendLine(")")
            .AppendLine("    {")
            .AppendLine(CultureInfo.InvariantCulture, $"#line {block.Line} \"{path}\"");
        for (var i = 0; i < lines.Count; i++)
        {
            code.AppendLine(isUsing[i] || i >= typeStart ? string.Empty : lines[i]);
        }

        code.AppendLine("#line default")
            .AppendLine("    }")
            .AppendLine("}")
            .AppendLine(CultureInfo.InvariantCulture, $"#line {block.Line} \"{path}\"");
        for (var i = 0; i < lines.Count; i++)
        {
            code.AppendLine(i >= typeStart ? lines[i] : string.Empty);
        }

        return code.AppendLine("#line default").AppendLine("}").ToString();
    }

    [GeneratedRegex(@"^\s*(?<fence>```+)(?<info>[^`]*)$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"^using\s+(static\s+)?[\w.]+(\s*=\s*[\w.<>, ]+)?\s*;")]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"^(\[|(public|internal|file|sealed|static|abstract|partial|readonly)\s+)*(class|record|struct|interface|enum)\s")]
    private static partial Regex TypeDeclaration();
}
