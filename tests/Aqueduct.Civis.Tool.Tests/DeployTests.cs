using System.Text.Json;
using Aqueduct.Civis.Testing;
using Aqueduct.Civis.Tool.Tests.Infrastructure;

namespace Aqueduct.Civis.Tool.Tests;

/// <summary><c>dotnet civis deploy</c> as a process against the fake: create, no-op, minimal updates, errors before writes, half-way failures.</summary>
public sealed class DeployTests : IAsyncLifetime
{
    private FakePlatform platform = null!;

    public async ValueTask InitializeAsync() => platform = await FakePlatform.StartAsync();

    public async ValueTask DisposeAsync() => await platform.DisposeAsync();

    private static bool IsWrite(FakeCivisRequest request) => request.Method is "POST" or "PUT" or "PATCH" or "DELETE";

    [Fact]
    public async Task Deploy_NewManifest_CreatesTheScriptWithResolvedIdsAndRecordsItsId()
    {
        var path = platform.Write("civis-job.yaml", TestManifests.Trips());

        var tool = await platform.RunAsync("deploy");

        Assert.True(tool.ExitCode == 0, tool.All);
        var post = Assert.Single(platform.Api.Requests, IsWrite);
        Assert.Equal(("POST", "/scripts/containers"), (post.Method, post.Path));
        using var body = JsonDocument.Parse(post.Body);
        Assert.Equal("""{"database":60,"credential":10}""", body.RootElement.GetProperty("arguments").GetProperty("POSTGRES").GetRawText());
        Assert.Equal("lacity/trips", body.RootElement.GetProperty("dockerImageName").GetString());
        var recorded = CivisJobManifest.Load(path).Id;
        Assert.NotNull(recorded);
        Assert.Contains($"Created script {recorded}", tool.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_Twice_SecondDeploySendsNoWrite()
    {
        platform.Write("civis-job.yaml", TestManifests.Trips());
        Assert.Equal(0, (await platform.RunAsync("deploy")).ExitCode);
        var before = platform.Api.Requests.Count;

        var second = await platform.RunAsync("deploy");

        Assert.True(second.ExitCode == 0, second.All);
        Assert.DoesNotContain(platform.RequestsSince(before), IsWrite);
        Assert.Contains("is up to date: nothing to send", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_ChangedSchedule_IsOnePatchHoldingOnlyTheSchedule()
    {
        platform.Write("civis-job.yaml", TestManifests.Trips(hours: "[6]"));
        Assert.Equal(0, (await platform.RunAsync("deploy")).ExitCode);
        var id = CivisJobManifest.Load(Path.Combine(platform.Directory, "civis-job.yaml")).Id!.Value;
        platform.Write("civis-job.yaml", TestManifests.Trips(hours: "[6, 18]", id: id));
        var before = platform.Api.Requests.Count;

        var tool = await platform.RunAsync("deploy");

        Assert.True(tool.ExitCode == 0, tool.All);
        var patch = Assert.Single(platform.RequestsSince(before), IsWrite);
        Assert.Equal(("PATCH", $"/scripts/containers/{id}"), (patch.Method, patch.Path));
        using var body = JsonDocument.Parse(patch.Body);
        Assert.Equal(["schedule"], body.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("[6,18]", body.RootElement.GetProperty("schedule").GetProperty("scheduledHours").GetRawText());
        Assert.Contains("~ schedule:", tool.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_ChangedParameterValue_IsOnePatchHoldingOnlyTheArguments()
    {
        platform.Write("civis-job.yaml", TestManifests.Trips(batchSize: "500"));
        Assert.Equal(0, (await platform.RunAsync("deploy")).ExitCode);
        var id = CivisJobManifest.Load(Path.Combine(platform.Directory, "civis-job.yaml")).Id!.Value;
        platform.Write("civis-job.yaml", TestManifests.Trips(batchSize: "700", id: id));
        var before = platform.Api.Requests.Count;

        var tool = await platform.RunAsync("deploy");

        Assert.True(tool.ExitCode == 0, tool.All);
        var patch = Assert.Single(platform.RequestsSince(before), IsWrite);
        using var body = JsonDocument.Parse(patch.Body);
        Assert.Equal(["arguments"], body.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(700, body.RootElement.GetProperty("arguments").GetProperty("batch_size").GetInt32());
    }

    [Fact]
    public async Task Deploy_DryRunAfterAChange_ShowsTheDiffAndSendsNothing()
    {
        platform.Write("civis-job.yaml", TestManifests.Trips());
        Assert.Equal(0, (await platform.RunAsync("deploy")).ExitCode);
        var before = platform.Api.Requests.Count;

        var tool = await platform.RunAsync("deploy", "--dry-run", "--image-tag", "2.0.0");

        Assert.True(tool.ExitCode == 0, tool.All);
        Assert.Contains("""~ dockerImageTag: "1.0.0" -> "2.0.0" """.TrimEnd(), tool.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(platform.RequestsSince(before), IsWrite);
    }

    [Fact]
    public async Task Deploy_ImageTag_PatchesOnlyTheTag()
    {
        platform.Write("civis-job.yaml", TestManifests.Trips());
        Assert.Equal(0, (await platform.RunAsync("deploy")).ExitCode);
        var before = platform.Api.Requests.Count;

        var tool = await platform.RunAsync("--json", "deploy", "--image-tag", "2.0.0");

        Assert.True(tool.ExitCode == 0, tool.All);
        var patch = Assert.Single(platform.RequestsSince(before), IsWrite);
        Assert.Equal("""{"dockerImageTag":"2.0.0"}""", patch.Body);
        using var result = JsonDocument.Parse(tool.Output);
        Assert.Equal("update", result.RootElement.GetProperty("action").GetString());
        var change = Assert.Single(result.RootElement.GetProperty("changes").EnumerateArray());
        Assert.Equal(("dockerImageTag", "1.0.0", "2.0.0"), (change.GetProperty("field").GetString(), change.GetProperty("from").GetString(), change.GetProperty("to").GetString()));
    }

    [Fact]
    public async Task Deploy_UnknownDatabaseName_Exits78NamingFileLineAndKeyBeforeAnyWrite()
    {
        platform.Write("civis-job.yaml", TestManifests.Trips(database: "No such warehouse"));

        var tool = await platform.RunAsync("deploy");

        Assert.Equal(78, tool.ExitCode);
        Assert.Contains("civis-job.yaml:15:", tool.Error, StringComparison.Ordinal);
        Assert.Contains("'No such warehouse'", tool.Error, StringComparison.Ordinal);
        Assert.Contains("'redshift the first'", tool.Error, StringComparison.Ordinal); // what the platform does know
        Assert.DoesNotContain(platform.Api.Requests, IsWrite);
    }

    [Fact]
    public async Task Deploy_AmbiguousProjectName_Exits78BeforeAnyWrite()
    {
        // The spec's example of GET /projects has three projects named "Test Project".
        platform.Write("civis-job.yaml", TestManifests.Trips(extra: "project: Test Project"));

        var tool = await platform.RunAsync("deploy");

        Assert.Equal(78, tool.ExitCode);
        Assert.Contains("3 projects are named 'Test Project'", tool.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(platform.Api.Requests, IsWrite);
    }

    [Fact]
    public async Task Deploy_BadManifest_Exits78WithFileLineAndKeyAndNoRequest()
    {
        platform.Write("civis-job.yaml", TestManifests.Trips() + "\nresourcez: {}\n");

        var tool = await platform.RunAsync("deploy");

        Assert.Equal(78, tool.ExitCode);
        Assert.Contains("civis-job.yaml:", tool.Error, StringComparison.Ordinal);
        Assert.Contains("resourcez", tool.Error, StringComparison.Ordinal);
        Assert.Empty(platform.Api.Requests);
    }

    [Fact]
    public async Task Deploy_FailsHalfWay_SaysWhatWasAppliedAndWhatWasNot()
    {
        var path = platform.Write("civis-job.yaml", TestManifests.Trips(extra: "project: 23"));
        platform.Api.Faults.Enqueue(FakeFault.Status(403).For("PUT", "/scripts/containers/*/projects/23"));

        var tool = await platform.RunAsync("deploy");

        Assert.Equal(1, tool.ExitCode);
        var id = CivisJobManifest.Load(path).Id;
        Assert.NotNull(id); // recorded at once, so the next deploy updates this script instead of creating another
        Assert.Contains("the deploy failed at: add the script to project 23", tool.Error, StringComparison.Ordinal);
        Assert.Contains($"  + create container script 'Trips deploy test': script {id}", tool.Error, StringComparison.Ordinal);
        Assert.Contains("Not applied:\n  - add the script to project 23", tool.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_NoIdButScriptOfThatNameAndImage_UpdatesItAndRecordsItsId()
    {
        var made = await platform.RunAsync("--json", "api", "POST", "/scripts/containers",
            """{"name":"Trips deploy test","dockerImageName":"lacity/trips","dockerImageTag":"0.9.0","requiredResources":{"cpu":1000,"memory":2048}}""");
        var id = JsonDocument.Parse(made.Output).RootElement.GetProperty("id").GetInt32();
        var path = platform.Write("civis-job.yaml", TestManifests.Trips());
        var before = platform.Api.Requests.Count;

        var tool = await platform.RunAsync("deploy");

        Assert.True(tool.ExitCode == 0, tool.All);
        var write = Assert.Single(platform.RequestsSince(before), IsWrite);
        Assert.Equal(("PATCH", $"/scripts/containers/{id}"), (write.Method, write.Path));
        Assert.Equal(id, CivisJobManifest.Load(path).Id);
    }

    [Fact]
    public async Task Deploy_NoIdAndSameNameButAnotherImage_CreatesItsOwnScript()
    {
        var other = platform.Api.AddContainerScript("Trips deploy test"); // the spec example's image, not lacity/trips
        var path = platform.Write("civis-job.yaml", TestManifests.Trips());

        var tool = await platform.RunAsync("deploy");

        Assert.True(tool.ExitCode == 0, tool.All);
        Assert.Equal(("POST", "/scripts/containers"), Assert.Single(platform.Api.Requests, IsWrite) is var w ? (w.Method, w.Path) : default);
        Assert.NotEqual(other, CivisJobManifest.Load(path).Id);
    }
}
