using Aqueduct.Civis.Tool.Tests.Infrastructure;

namespace Aqueduct.Civis.Tool.Tests;

/// <summary><c>env check</c>, <c>env example</c> and <c>local</c> against a manifest in a job directory.</summary>
public sealed class EnvCommandsTests : IAsyncLifetime
{
    private const string Manifest = """
        name: Env test
        image: {name: lacity/trips}
        command: dotnet /opt/job/Trips.dll
        resources: {cpu: 1000, memory: 1024}
        parameters:
          - name: POSTGRES
            type: database
            required: true
          - name: BIKESHARE
            type: credential_custom
            required: true
          - name: source
            type: string
            default: it's tableau
          - name: batch_size
            type: integer
            value: 500
          - name: REGION
            type: string
            required: true
        """;

    private FakePlatform platform = null!;

    public async ValueTask InitializeAsync()
    {
        platform = await FakePlatform.StartAsync();
        platform.Write("civis-job.yaml", Manifest);
    }

    public async ValueTask DisposeAsync() => await platform.DisposeAsync();

    [Fact]
    public async Task EnvCheck_EmptyDotEnv_Exits1NamingEveryMissingVariable()
    {
        var tool = await platform.RunAsync("env", "check");

        Assert.Equal(1, tool.ExitCode);
        foreach (var name in new[] { "BIKESHARE_USERNAME", "BIKESHARE_PASSWORD", "REGION" })
        {
            Assert.Contains($"  {name}: ", tool.Error, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("  SOURCE: ", tool.Error, StringComparison.Ordinal); // its default stands in
        Assert.DoesNotContain("  POSTGRES_HOST: ", tool.Error, StringComparison.Ordinal); // DEV: POSTGRES_URI or the local warehouse
        Assert.Empty(platform.Api.Requests);
    }

    [Fact]
    public async Task EnvCheck_EverythingInDotEnv_Exits0WithoutPrintingValues()
    {
        platform.Write(".env", "BIKESHARE_USERNAME=bikes\nBIKESHARE_PASSWORD=s3cret-pw\nREGION=west\n");

        var tool = await platform.RunAsync("env", "check");

        Assert.True(tool.ExitCode == 0, tool.All);
        Assert.Contains("BIKESHARE_PASSWORD\t", tool.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", tool.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnvExample_Manifest_WritesEveryVariableWithoutValues()
    {
        var tool = await platform.RunAsync("env", "example");

        Assert.True(tool.ExitCode == 0, tool.All);
        var text = await File.ReadAllTextAsync(Path.Combine(platform.Directory, ".env.example"), TestContext.Current.CancellationToken);
        Assert.Contains("\nBIKESHARE_USERNAME=\n", text, StringComparison.Ordinal);
        Assert.Contains("\nBIKESHARE_PASSWORD=\n", text, StringComparison.Ordinal);
        Assert.Contains("\nREGION=\n", text, StringComparison.Ordinal);
        Assert.Contains("# POSTGRES_URI=postgres://", text, StringComparison.Ordinal);
        Assert.Contains("POSTGRES_CREDENTIAL_PASSWORD=", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Local_Command_RunsWithThePlatformsVariableNames()
    {
        platform.Write(".env", "REGION=west\n");

        var tool = await platform.RunAsync("local", "--", "sh", "-c", "echo \"BATCH_SIZE=$BATCH_SIZE SOURCE=$SOURCE REGION=$REGION DEV=$DEV\"; echo \"ESCAPED=$SOURCE_SHELL_ESCAPED\"; exit 3");

        Assert.Equal(3, tool.ExitCode);
        Assert.Contains("BATCH_SIZE=500 SOURCE=it's tableau REGION=west DEV=1", tool.Output, StringComparison.Ordinal);
        Assert.Contains("ESCAPED='it'\\''s tableau'", tool.Output, StringComparison.Ordinal);
    }
}
