using System.Text.RegularExpressions;
using System.Xml.Linq;
using Aqueduct.Civis.Tests.Templates;

namespace Aqueduct.Civis.Tests.Docs;

/// <summary>
/// Every C# block of README.md and docs/*.md compiles: all of them built as one throwaway project against src/ (one file
/// per block, each in a namespace of its own). A block is a program (```csharp) or, marked so, a fragment of a job
/// (```csharp fragment); no other kind is accepted, so no block is left out without saying so.
/// </summary>
[Trait("Category", "Slow")]
public sealed partial class DocCodeBlocksTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("aqueduct-docs-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void Extract_UnclosedBlock_FailsNamingFileAndLine()
    {
        var ex = Assert.Throws<FormatException>(() => DocCodeBlocks.Extract("x.md", "text\n```csharp\nvar a = 1;\n"));

        Assert.Equal("x.md:2: the code block opened here is never closed.", ex.Message);
    }

    [Fact]
    public void Extract_BlocksOfEveryKind_KeepsOnlyCSharpWithTheirLines()
    {
        var blocks = DocCodeBlocks.Extract("x.md", "a\n```sh\nls\n```\n```csharp fragment\nvar a = 1;\n```\n````cs\nx();\n````\n");

        Assert.Collection(blocks,
            b => Assert.Equal(("x.md:6", "csharp fragment", "var a = 1;"), (b.Location, b.Info, string.Join('\n', b.Lines))),
            b => Assert.Equal(("x.md:9", "cs", "x();"), (b.Location, b.Info, string.Join('\n', b.Lines))));
    }

    [Fact]
    public void ToCSharp_UnknownKind_IsNotCompiledButRefused()
    {
        Assert.Null(DocCodeBlocks.ToCSharp(new DocCodeBlock("x.md", 3, "csharp snippet", ["x();"]), 1, "/x.md"));
        Assert.Null(DocCodeBlocks.ToCSharp(new DocCodeBlock("x.md", 3, "cs", ["x();"]), 1, "/x.md"));
    }

    [Fact]
    public async Task DocBlocks_AllBuiltInOneProject_Compile()
    {
        var repository = DotnetCli.RepositoryRoot;
        var files = new[] { Path.Combine(repository, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(repository, "docs"), "*.md").Order(StringComparer.Ordinal))
            .ToList();
        var project = Path.Combine(root, "DocBlocks");
        Directory.CreateDirectory(project);
        var refused = new List<string>();
        var count = 0;
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(repository, file).Replace('\\', '/');
            foreach (var block in DocCodeBlocks.Extract(relative, await File.ReadAllTextAsync(file, Cancel)))
            {
                count++;
                var code = DocCodeBlocks.ToCSharp(block, count, file);
                if (code is null)
                {
                    refused.Add($"{block.Location}: ```{block.Info} is neither ```{DocCodeBlock.Program} (a program) nor ```{DocCodeBlock.Fragment} (statements in a job)");
                    continue;
                }

                await File.WriteAllTextAsync(Path.Combine(project, $"Block{count:000}.cs"), code, Cancel);
            }
        }

        Assert.True(count >= 10, $"only {count} C# blocks found in {string.Join(", ", files)}");
        Assert.True(refused.Count == 0, string.Join('\n', refused));
        await File.WriteAllTextAsync(Path.Combine(project, "Ambient.cs"), DocCodeBlocks.AmbientTypes, Cancel);
        await File.WriteAllTextAsync(Path.Combine(project, "DocBlocks.csproj"), ProjectFile(repository), Cancel);

        var (exitCode, output) = await DotnetCli.RunAsync(project, new Dictionary<string, string?>(), Cancel, "build", "-nologo", "-clp:NoSummary");

        var errors = CompilerError().Matches(output)
            .Select(m => $"{Path.GetRelativePath(repository, m.Groups["file"].Value).Replace('\\', '/')}:{m.Groups["line"].Value}: {m.Groups["code"].Value} {m.Groups["message"].Value.Trim()}")
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var syntaxOnly = errors.Any(e => e.Contains(": CS1", StringComparison.Ordinal))
            ? "\n(syntax errors, CS1xxx, stop the compiler before it checks what the code means: fix them and run again for the rest)"
            : string.Empty;
        Assert.True(errors.Count == 0, $"{errors.Count} errors in the documentation's C# blocks:\n{string.Join('\n', errors)}{syntaxOnly}");
        Assert.True(exitCode == 0, output);
    }

    /// <summary>The throwaway project: the library and the Testing package from src, Dapper and xunit's asserts.</summary>
    private static string ProjectFile(string repository)
    {
        var versions = XDocument.Load(Path.Combine(repository, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!, StringComparer.Ordinal);
        return new XDocument(
            new XElement("Project", new XAttribute("Sdk", "Microsoft.NET.Sdk"),
                new XElement("PropertyGroup",
                    new XElement("TargetFramework", "net10.0"),
                    new XElement("OutputType", "Library"),
                    new XElement("Nullable", "enable"),
                    new XElement("ImplicitUsings", "enable"),
                    new XElement("NoWarn", "$(NoWarn);CS0105;CS8602;CS8604")),
                new XElement("ItemGroup",
                    new XElement("ProjectReference", new XAttribute("Include", Path.Combine(repository, "src", "Aqueduct.Civis", "Aqueduct.Civis.csproj"))),
                    new XElement("ProjectReference", new XAttribute("Include", Path.Combine(repository, "src", "Aqueduct.Civis.Testing", "Aqueduct.Civis.Testing.csproj"))),
                    new XElement("PackageReference", new XAttribute("Include", "Dapper"), new XAttribute("Version", versions["Dapper"])),
                    new XElement("PackageReference", new XAttribute("Include", "xunit.v3.assert"), new XAttribute("Version", versions["xunit.v3"]))))).ToString();
    }

    [GeneratedRegex(@"^\s*(?<file>[^\n(]+\.md)\((?<line>\d+),\d+\): error (?<code>CS\d+): (?<message>[^\n\[]+)", RegexOptions.Multiline)]
    private static partial Regex CompilerError();
}
