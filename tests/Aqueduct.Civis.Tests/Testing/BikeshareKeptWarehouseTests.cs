using Aqueduct.Civis.Testing;
using Aqueduct.Civis.Tests.Templates;

namespace Aqueduct.Civis.Tests.Testing;

/// <summary>
/// What docs/bikeshare.md promises: with AQUEDUCT_KEEP_LOCAL_WAREHOUSE=1 the sample, run twice as a developer runs it
/// (<c>dotnet run</c>, DEV from its launch settings), inserts its trips the first time and nothing the second.
/// </summary>
[Trait("Category", "Slow")]
public sealed class BikeshareKeptWarehouseTests : IDisposable
{
    private readonly string kept = Path.Combine(Path.GetTempPath(), "aqueduct-kept-bikeshare-" + Path.GetRandomFileName().Replace(".", "", StringComparison.Ordinal));

    public void Dispose() =>
        LocalWarehouse.RemoveKeptAsync(name => name == PostgresServerEnvironment.KeptDirectoryVariable ? kept : null).GetAwaiter().GetResult();

    [Fact]
    public async Task BikeshareSample_SecondRunOnKeptWarehouse_InsertsNothing()
    {
        var variables = new Dictionary<string, string?>
        {
            [LocalWarehouseOptions.KeepVariable] = "1",
            [PostgresServerEnvironment.KeptDirectoryVariable] = kept,
            [PostgresServerEnvironment.UriVariable] = null,
            [PostgresServerEnvironment.SourceVariable] = null,
        };
        var sample = Path.Combine("samples", "Bikeshare");

        var first = await DotnetCli.RunAsync(DotnetCli.RepositoryRoot, variables, TestContext.Current.CancellationToken, "run", "--no-build", "--project", sample);
        var second = await DotnetCli.RunAsync(DotnetCli.RepositoryRoot, variables, TestContext.Current.CancellationToken, "run", "--no-build", "--project", sample);

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains("Inserted 10,000 new trips", first.Output, StringComparison.Ordinal);
        Assert.Contains("kept after the job", first.Output, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("Inserted 0 new trips", second.Output, StringComparison.Ordinal);
        Assert.Contains("skipped 10,000 already there", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("stopped", second.Output, StringComparison.OrdinalIgnoreCase);
    }
}
