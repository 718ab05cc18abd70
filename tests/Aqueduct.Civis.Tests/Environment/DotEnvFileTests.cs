namespace Aqueduct.Civis.Tests.Environment;

public class DotEnvFileTests
{
    private static Dictionary<string, string> Parse(string text) =>
        DotEnvFile.Parse(text).ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public void Parse_PlainLines_ReadsKeysAndValues()
    {
        var v = Parse("A=1\nB = two \n\n# a comment\n   # indented comment\nC=");
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "two", ["C"] = "" }, v);
    }

    [Fact]
    public void Parse_ExportPrefix_IsIgnored() => Assert.Equal("x", Parse("export TOKEN=x")["TOKEN"]);

    [Fact]
    public void Parse_InlineComment_AfterSpaceIsRemovedButHashInValueKept()
    {
        var v = Parse("A=value # comment\nB=pass#word");
        Assert.Equal("value", v["A"]);
        Assert.Equal("pass#word", v["B"]);
    }

    [Fact]
    public void Parse_SingleQuotes_AreLiteral() => Assert.Equal(@"a \n b # c", Parse(@"A='a \n b # c'")["A"]);

    [Fact]
    public void Parse_DoubleQuotes_HandleEscapes() =>
        Assert.Equal("line1\nline2 \"q\" \\ end", Parse("A=\"line1\\nline2 \\\"q\\\" \\\\ end\"")["A"]);

    [Fact]
    public void Parse_DoubleQuotedValue_MaySpanLines() => Assert.Equal("a\nb", Parse("A=\"a\nb\"\nB=1")["A"]);

    [Fact]
    public void Parse_QuotedValueWithComment_KeepsTheQuotedText() => Assert.Equal("x # y", Parse("A=\"x # y\" # z")["A"]);

    [Fact]
    public void Parse_CrLfLineEndings_AreHandled() => Assert.Equal("1", Parse("A=1\r\nB=2\r\n")["A"]);

    [Fact]
    public void Parse_DuplicateKey_LaterWins() => Assert.Equal("2", Parse("A=1\nA=2")["A"]);

    [Fact]
    public void Parse_PasswordWithAwkwardCharacters_IsKept() =>
        Assert.Equal("p@ss:w/rd?#[]%+&= é", Parse("PW='p@ss:w/rd?#[]%+&= é'")["PW"]);

    [Theory]
    [InlineData("NOEQUALS")]
    [InlineData("=value")]
    [InlineData("1ABC=x")]
    [InlineData("A B=x")]
    public void Parse_MalformedLine_ThrowsNamingFileAndLine(string line)
    {
        var e = Assert.Throws<FormatException>(() => DotEnvFile.Parse("OK=1\n" + line, "/tmp/job/.env"));
        Assert.Contains("/tmp/job/.env, line 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnclosedQuote_Throws() =>
        Assert.Throws<FormatException>(() => DotEnvFile.Parse("A=\"never closed\nB=1"));

    [Fact]
    public void TryRead_MissingFile_IsNull() =>
        Assert.Null(DotEnvFile.TryRead(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), ".env")));

    [Fact]
    public void LoadIntoEnvironment_ExistingVariable_IsNotOverridden()
    {
        var existing = "AQUEDUCT_TEST_DOTENV_" + Guid.NewGuid().ToString("N");
        var added = existing + "_NEW";
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".env");
        File.WriteAllText(path, $"{existing}=from-file\n{added}=from-file\n");
        System.Environment.SetEnvironmentVariable(existing, "from-environment");
        try
        {
            var set = DotEnvFile.LoadIntoEnvironment(path);
            Assert.Equal([added], set);
            Assert.Equal("from-environment", System.Environment.GetEnvironmentVariable(existing));
            Assert.Equal("from-file", System.Environment.GetEnvironmentVariable(added));
        }
        finally
        {
            System.Environment.SetEnvironmentVariable(existing, null);
            System.Environment.SetEnvironmentVariable(added, null);
            File.Delete(path);
        }
    }

    [Fact]
    public void Parse_CarriageReturnOnlyLineEndings_ReadsEachLine()
    {
        var v = Parse("A=1\rB=two\r# comment\rC=\"multi\rline\"\r");
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "two", ["C"] = "multi\nline" }, v);
    }

    [Fact]
    public void TryRead_DirectoryNamedDotEnv_ThrowsNamingTheFile()
    {
        var directory = Directory.CreateTempSubdirectory("aq-dotenv-");
        try
        {
            var path = Path.Combine(directory.FullName, ".env");
            Directory.CreateDirectory(path);

            var e = Assert.Throws<CivisEnvironmentException>(() => DotEnvFile.TryRead(path));
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void TryRead_InvalidUtf8_ThrowsNamingTheFileWithoutItsText()
    {
        var directory = Directory.CreateTempSubdirectory("aq-dotenv-");
        try
        {
            var path = Path.Combine(directory.FullName, ".env");
            File.WriteAllBytes(path, [.. "PASSWORD=Secr"u8, 0xC3, 0x28, .. "etWord\n"u8]);

            var e = Assert.Throws<CivisEnvironmentException>(() => DotEnvFile.TryRead(path));
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            Assert.Contains("UTF-8", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("Secr", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void TryRead_Utf8WithByteOrderMark_IsRead()
    {
        var directory = Directory.CreateTempSubdirectory("aq-dotenv-");
        try
        {
            var path = Path.Combine(directory.FullName, ".env");
            File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. "A=é\n"u8]);

            Assert.Equal("é", DotEnvFile.TryRead(path)!.Single(p => p.Key == "A").Value);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>A throwaway directory tree: <c>repo/</c> (with <c>.git</c> unless told otherwise) and <c>repo/src/job</c> below it.</summary>
    private sealed class Tree : IDisposable
    {
        public Tree(string marker = ".git")
        {
            Outer = Directory.CreateTempSubdirectory("aqueduct-dotenv-").FullName;
            Root = Directory.CreateDirectory(Path.Combine(Outer, "repo")).FullName;
            Nested = Directory.CreateDirectory(Path.Combine(Root, "src", "job")).FullName;
            switch (marker)
            {
                case ".git":
                    Directory.CreateDirectory(Path.Combine(Root, ".git"));
                    break;
                case "":
                    break;
                default:
                    File.WriteAllText(Path.Combine(Root, marker), string.Empty);
                    break;
            }
        }

        public string Outer { get; }

        public string Root { get; }

        public string Nested { get; }

        public static string Write(string directory, string text = "A=1")
        {
            var path = Path.Combine(directory, DotEnvFile.DefaultFileName);
            File.WriteAllText(path, text);
            return path;
        }

        public void Dispose() => Directory.Delete(Outer, recursive: true);
    }

    [Fact]
    public void Find_NestedWorkingDirectory_FindsTheFileAtTheRepositoryRoot()
    {
        using var tree = new Tree();
        var expected = Tree.Write(tree.Root);

        var search = DotEnvSearch.Find(tree.Nested);

        Assert.Equal(expected, search.Path);
        Assert.Equal([tree.Nested, Path.GetDirectoryName(tree.Nested)!, tree.Root], search.SearchedDirectories);
    }

    [Fact]
    public void Find_FilesAtTwoLevels_NearestWins()
    {
        using var tree = new Tree();
        Tree.Write(tree.Root);
        var nearer = Tree.Write(Path.GetDirectoryName(tree.Nested)!);

        Assert.Equal(nearer, DotEnvSearch.Find(tree.Nested).Path);
    }

    [Fact]
    public void Find_NoFileUpToTheRoot_ReturnsNullAndEveryDirectoryLookedIn()
    {
        using var tree = new Tree();

        var search = DotEnvSearch.Find(tree.Nested);

        Assert.Null(search.Path);
        Assert.Equal([tree.Nested, Path.GetDirectoryName(tree.Nested)!, tree.Root], search.SearchedDirectories);
    }

    [Fact]
    public void Find_FileAboveTheRepositoryRoot_IsNotRead()
    {
        using var tree = new Tree();
        Tree.Write(tree.Outer, "STRAY=1");

        var search = DotEnvSearch.Find(tree.Nested);

        Assert.Null(search.Path);
        Assert.DoesNotContain(tree.Outer, search.SearchedDirectories);
    }

    [Fact]
    public void Find_WorkingDirectoryIsTheRoot_ReadsOnlyThere()
    {
        using var tree = new Tree();
        var expected = Tree.Write(tree.Root);
        Tree.Write(tree.Outer, "STRAY=1");

        var search = DotEnvSearch.Find(tree.Root);

        Assert.Equal(expected, search.Path);
        Assert.Equal([tree.Root], search.SearchedDirectories);
    }

    [Theory]
    [InlineData("Contoso.Trips.sln")]
    [InlineData("Contoso.Trips.slnx")]
    [InlineData(".git-file")]
    public void Find_SolutionOrWorktreeMarksTheRoot_StopsThere(string marker)
    {
        using var tree = new Tree(marker == ".git-file" ? "" : marker);
        if (marker == ".git-file")
        {
            File.WriteAllText(Path.Combine(tree.Root, ".git"), "gitdir: /elsewhere"); // a git worktree's .git is a file
        }

        Tree.Write(tree.Outer, "STRAY=1");

        var search = DotEnvSearch.Find(tree.Nested);

        Assert.Null(search.Path);
        Assert.Equal(tree.Root, search.SearchedDirectories[^1]);
    }

    [Fact]
    public void Find_NoRepositoryAnywhere_LooksInTheWorkingDirectoryOnly()
    {
        using var tree = new Tree(marker: "");
        Tree.Write(tree.Root, "STRAY=1"); // a parent of the working directory, but no repository root marks it

        var search = DotEnvSearch.Find(tree.Nested);

        Assert.Null(search.Path);
        Assert.Equal([tree.Nested], search.SearchedDirectories);
    }

    [Fact]
    public void Find_DirectoryNamedDotEnv_IsFoundSoReadingItFailsClearly()
    {
        using var tree = new Tree();
        Directory.CreateDirectory(Path.Combine(tree.Root, DotEnvFile.DefaultFileName));

        var search = DotEnvSearch.Find(tree.Nested);

        Assert.Equal(Path.Combine(tree.Root, DotEnvFile.DefaultFileName), search.Path);
        var error = Assert.Throws<CivisEnvironmentException>(() => DotEnvFile.TryRead(search.Path!));
        Assert.Contains("is a directory", error.Message, StringComparison.Ordinal);
    }
}
