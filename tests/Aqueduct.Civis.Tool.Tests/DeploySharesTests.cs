using Aqueduct.Civis.Testing;
using Aqueduct.Civis.Tool.Tests.Infrastructure;

namespace Aqueduct.Civis.Tool.Tests;

/// <summary>Deploys whose names resolve against lists the test gives the fake, with a project and shares kept as state.</summary>
public sealed class DeploySharesTests : IAsyncLifetime
{
    private const string Manifest = """
        name: Bikeshare trips
        image:
          name: lacity/bikeshare
          tag: "1.4.0"
        repository:
          url: https://github.example/lacity/bikeshare.git
          ref: main
          credential: lacity-github
        command: dotnet /opt/job/Bikeshare.dll
        resources: {cpu: 1000, memory: 2048}
        parameters:
          - name: POSTGRES
            type: database
            required: true
            value:
              database: City of Los Angeles - Postgres
              credential: ita-postgres
          - name: BIKESHARE
            type: credential_custom
            required: true
            value: bikeshare-tableau
        project: ITA Transportation
        shares:
          - user: jane.doe
            permission: manage
          - user: sam.roe
            permission: manage
          - group: Data team
        """;

    private FakePlatform platform = null!;
    private int database;
    private int databaseCredential;
    private int gitCredential;
    private int project;
    private int jane;
    private int sam;
    private int team;

    public async ValueTask InitializeAsync()
    {
        platform = await FakePlatform.StartAsync();
        var api = platform.Api;
        database = api.AddDatabase("City of Los Angeles - Postgres");
        databaseCredential = api.AddCredential("ita-postgres", "Database");
        gitCredential = api.AddCredential("lacity-github", "Github");
        api.AddCredential("bikeshare-tableau");
        project = api.AddProject("ITA Transportation");
        jane = api.AddUser("jane.doe");
        sam = api.AddUser("sam.roe");
        team = api.AddGroup("Data team");
        platform.Write("civis-job.yaml", Manifest);
    }

    public async ValueTask DisposeAsync() => await platform.DisposeAsync();

    private static bool IsWrite(FakeCivisRequest request) => request.Method is "POST" or "PUT" or "PATCH" or "DELETE";

    [Fact]
    public async Task Deploy_ProjectAndShares_AreAppliedOnceThenASecondDeploySendsNoWrite()
    {
        var first = await platform.RunAsync("deploy");

        Assert.True(first.ExitCode == 0, first.All);
        var id = CivisJobManifest.Load(Path.Combine(platform.Directory, "civis-job.yaml")).Id!.Value;
        Assert.Equal(
            ["POST /scripts/containers", $"PUT /scripts/containers/{id}/projects/{project}", $"PUT /scripts/containers/{id}/shares/users", $"PUT /scripts/containers/{id}/shares/groups"],
            platform.Api.Requests.Where(IsWrite).Select(r => $"{r.Method} {r.Path}"));
        Assert.Contains($"\"gitCredentialId\":{gitCredential}", platform.Api.Requests.First(IsWrite).Body, StringComparison.Ordinal);
        Assert.Contains($"\"POSTGRES\":{{\"database\":{database},\"credential\":{databaseCredential}}}", platform.Api.Requests.First(IsWrite).Body, StringComparison.Ordinal);
        Assert.Equal([project], platform.Api.GetScriptProjects(id));
        var shares = platform.Api.GetShares(id);
        Assert.Equal("manage", shares[("users", jane)]);
        Assert.Equal("manage", shares[("users", sam)]);
        Assert.Equal("read", shares[("groups", team)]);
        var before = platform.Api.Requests.Count;

        var second = await platform.RunAsync("deploy");

        Assert.True(second.ExitCode == 0, second.All);
        Assert.DoesNotContain(platform.RequestsSince(before), IsWrite);
    }

    [Fact]
    public async Task Deploy_ShareRemovedByHand_IsTheOnlyWriteOfTheNextDeploy()
    {
        Assert.Equal(0, (await platform.RunAsync("deploy")).ExitCode);
        var id = CivisJobManifest.Load(Path.Combine(platform.Directory, "civis-job.yaml")).Id!.Value;
        var removed = await platform.RunAsync("api", "DELETE", $"/scripts/containers/{id}/shares/groups/{team}");
        Assert.True(removed.ExitCode == 0, removed.All);
        var before = platform.Api.Requests.Count;

        var tool = await platform.RunAsync("deploy");

        Assert.True(tool.ExitCode == 0, tool.All);
        var write = Assert.Single(platform.RequestsSince(before), IsWrite);
        Assert.Equal(($"PUT", $"/scripts/containers/{id}/shares/groups"), (write.Method, write.Path));
        Assert.Contains("share with groups 'Data team' (read)", tool.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_UnknownUserAndCredential_Exits78ListingBothBeforeAnyWrite()
    {
        platform.Write("civis-job.yaml", Manifest.Replace("sam.roe", "nobody.here", StringComparison.Ordinal).Replace("value: bikeshare-tableau", "value: no-such-credential", StringComparison.Ordinal));

        var tool = await platform.RunAsync("deploy");

        Assert.Equal(78, tool.ExitCode);
        Assert.Contains("no user named 'nobody.here'", tool.Error, StringComparison.Ordinal);
        Assert.Contains("no credential named 'no-such-credential'", tool.Error, StringComparison.Ordinal);
        Assert.Contains("civis-job.yaml:21:", tool.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(platform.Api.Requests, IsWrite);
    }

    [Fact]
    public async Task Run_UsesFarLessMemoryThanRequested_EndsWithASizingHint()
    {
        Assert.Equal(0, (await platform.RunAsync("deploy")).ExitCode);
        var id = CivisJobManifest.Load(Path.Combine(platform.Directory, "civis-job.yaml")).Id!.Value;
        platform.Api.SetRunUsage(id, maxMemoryMb: 300, maxCpuMillicores: 950);

        var tool = await platform.RunAsync("run");

        Assert.True(tool.ExitCode == 0, tool.All);
        Assert.Contains("Max memory: 300 of 2048 MB requested (15 %)", tool.Error.Replace("15%", "15 %", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("hint: the run used only", tool.Error, StringComparison.Ordinal);
        Assert.Contains("hint: the run used 95", tool.Error, StringComparison.Ordinal); // CPU near its limit
    }
}
