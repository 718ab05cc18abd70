using System.Security.Cryptography;
using Aqueduct.Civis.Testing;
using Aqueduct.Civis.Tests.Templates;

namespace Aqueduct.Civis.Tests.Testing;

/// <summary>The Civis API spec: one unedited copy under eng/, read by the model generator and embedded in the Testing package.</summary>
public sealed class SpecCopyTests
{
    private const string UpstreamSha256 = "b814ac10a2ed02d9558fc0977ac9ae39b20bdb6fd0f46b40c9c4c95421cac56b";

    private static string EngCopy => Path.Combine(DotnetCli.RepositoryRoot, "eng", "civis-api", "civis_api_spec.json");

    [Fact]
    public void OpenSpec_EmbeddedCopy_IsTheUneditedUpstreamFile()
    {
        using var stream = FakeCivisApi.OpenSpec();
        Assert.Equal(UpstreamSha256, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }

    [Fact]
    public void OpenSpec_EmbeddedCopy_IsTheFileUnderEng()
    {
        using var embedded = FakeCivisApi.OpenSpec();
        using var bytes = new MemoryStream();
        embedded.CopyTo(bytes);
        Assert.True(File.Exists(EngCopy), $"{EngCopy} is missing");
        Assert.Equal(File.ReadAllBytes(EngCopy), bytes.ToArray());
    }

    [Fact]
    public void Repository_SpecCopies_OnlyTheOneUnderEng()
    {
        var copies = Directory.EnumerateFiles(DotnetCli.RepositoryRoot, "civis_api_spec.json", SearchOption.AllDirectories)
            .Where(p => !p.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or ".git"))
            .Select(p => Path.GetRelativePath(DotnetCli.RepositoryRoot, p).Replace(Path.DirectorySeparatorChar, '/'))
            .ToList();
        Assert.Equal(["eng/civis-api/civis_api_spec.json"], copies);
    }

    [Fact]
    public void GenerateApi_SpecPath_IsTheCopyUnderEng()
    {
        var script = File.ReadAllText(Path.Combine(DotnetCli.RepositoryRoot, "eng", "generate-api.py"));
        Assert.Contains("SPEC = os.path.join(ROOT, 'eng', 'civis-api', 'civis_api_spec.json')", script, StringComparison.Ordinal);
    }
}
