using System.Text.Json;
using Aqueduct.Civis.Api.Models;

namespace Aqueduct.Civis.Tests.Manifest;

public class CivisJobManifestTests
{
    [Fact]
    public void Parse_FullManifest_ReadsEveryKey()
    {
        var manifest = CivisJobManifest.Parse(ManifestTexts.Full, "civis-job.yaml");

        Assert.Null(manifest.Id);
        Assert.Equal("Bikeshare trips", manifest.Name);
        Assert.Equal(new CivisJobImage("lacity/bikeshare", "1.4.0"), manifest.Image);
        Assert.Equal("github.com/lacity/bikeshare.git", manifest.Repository!.Url);
        Assert.Equal("main", manifest.Repository.Ref);
        Assert.Equal("lacity-github", manifest.Repository.Credential!.Name);
        Assert.Equal(CivisReferenceKind.GitCredential, manifest.Repository.Credential.Kind);
        Assert.Equal("dotnet /opt/job/Bikeshare.dll", manifest.Command);
        Assert.Equal(new CivisJobResources(1000, 2048, 2.5), manifest.Resources);
        Assert.Equal(90, manifest.CancelTimeout);
        Assert.Equal(9, manifest.Parameters.Count);
        Assert.Equal([1, 2, 5], manifest.Schedule!.Days);
        Assert.Equal([6, 18], manifest.Schedule.Hours);
        Assert.Equal([30], manifest.Schedule.Minutes);
        Assert.Equal("America/Los_Angeles", manifest.Schedule.TimeZone);
        Assert.Equal(["data@lacity.example"], manifest.Notifications!.FailureEmails);
        Assert.Equal(120, manifest.Notifications.StallWarningMinutes);
        Assert.Equal(4242, manifest.Parent!.Id);
        Assert.Equal("ITA Transportation", manifest.Project!.Name);
        Assert.Equal(2, manifest.Shares.Count);
        Assert.Equal(CivisShareLevel.Manage, manifest.Shares[0].Permission);
        Assert.Equal("jane.doe", manifest.Shares[0].Target.Name);
        Assert.Equal("read", manifest.Shares[1].PermissionLevel);
        Assert.Equal(77, manifest.Shares[1].Target.Id);
    }

    [Fact]
    public void Parse_Parameters_KeepTheirDeclarationsAndValues()
    {
        var manifest = CivisJobManifest.Parse(ManifestTexts.Full);

        var postgres = manifest.FindParameter("postgres")!;
        Assert.Equal(CivisParameterType.Database, postgres.Type);
        Assert.True(postgres.Required);
        Assert.Equal("Postgres warehouse", postgres.Label);
        Assert.Equal("City of Los Angeles - Postgres", postgres.Database!.Name);
        Assert.Equal("ita-postgres", postgres.Credential!.Name);
        Assert.Equal(new CivisManifestLocation("civis-job.yaml", 22, 17), postgres.Database.Location);
        Assert.Equal("parameters[0].value.database", postgres.Database.Key);

        var source = manifest.FindParameter("BIKESHARE_SOURCE")!;
        Assert.Equal("tableau", source.Default);
        Assert.Equal([new CivisAllowedValue("tableau", "tableau"), new CivisAllowedValue("The bundled export", "fixture")], source.AllowedValues);
        Assert.Equal("500", manifest.FindParameter("batch_size")!.Default);
        Assert.Equal("false", manifest.FindParameter("MIGRATE")!.Value);
        Assert.Equal("line one\nline two\n", manifest.FindParameter("NOTE")!.Value);
        Assert.Equal(17, manifest.FindParameter("AWS")!.Credential!.Id);
    }

    [Fact]
    public void Parse_MinimalManifest_HasTheDefaults()
    {
        var manifest = CivisJobManifest.Parse(ManifestTexts.Minimal);

        Assert.Equal("latest", manifest.Image.Tag);
        Assert.Equal(CivisJobManifest.DefaultCancelTimeout, manifest.CancelTimeout);
        Assert.True(manifest.CancelTimeout >= 30, "long enough for the host's SIGTERM handling and failure report");
        Assert.Null(manifest.Repository);
        Assert.Null(manifest.Schedule);
        Assert.Empty(manifest.Parameters);
        Assert.Empty(manifest.References);
    }

    [Fact]
    public void References_FullManifest_ListsEveryNameInFileOrder()
    {
        var manifest = CivisJobManifest.Parse(ManifestTexts.Full);

        Assert.Equal(
            ["GitCredential:lacity-github", "Database:City of Los Angeles - Postgres", "Credential:ita-postgres", "Credential:bikeshare-tableau",
             "Credential:17", "ParentJob:4242", "Project:ITA Transportation", "User:jane.doe", "Group:77"],
            manifest.References.Select(r => $"{r.Kind}:{r.Name ?? r.Id!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
    }

    [Fact]
    public void ToCreateRequest_FullManifest_MapsToThePlatformsFields()
    {
        var manifest = CivisJobManifest.Parse(ManifestTexts.Full);
        var ids = new Dictionary<string, int>
        {
            ["lacity-github"] = 5, ["City of Los Angeles - Postgres"] = 32, ["ita-postgres"] = 901, ["bikeshare-tableau"] = 902,
            ["ITA Transportation"] = 8, ["jane.doe"] = 3,
        };
        var asked = new List<string>();

        var request = manifest.ToCreateRequest(r => { asked.Add(r.Name!); return ids[r.Name!]; });

        Assert.Equal("Bikeshare trips", request.Name);
        Assert.Equal(4242, request.ParentId);
        Assert.Equal(5, request.GitCredentialId);
        Assert.Equal("lacity/bikeshare", request.DockerImageName);
        Assert.Equal("1.4.0", request.DockerImageTag);
        Assert.Equal("dotnet /opt/job/Bikeshare.dll", request.DockerCommand);
        Assert.Equal(90, request.CancelTimeout);
        Assert.Equal("America/Los_Angeles", request.TimeZone);
        Assert.Equal((1000, 2048, 2.5), (request.RequiredResources!.Cpu, request.RequiredResources.Memory, request.RequiredResources.DiskSpace));
        Assert.True(request.Schedule!.Scheduled);
        Assert.Equal([1, 2, 5], request.Schedule.ScheduledDays!);
        Assert.Equal([6, 18], request.Schedule.ScheduledHours!);
        Assert.True(request.Notifications!.FailureOn);
        Assert.False(request.Notifications.SuccessOn);
        Assert.Equal(["https://hooks.example/civis"], request.Notifications.Urls!);

        var source = request.Params!.Single(p => p.Name == "BIKESHARE_SOURCE");
        Assert.Equal("string", source.Type);
        Assert.Equal("tableau", source.Default!.Value.GetString());
        Assert.Equal("""{"label":"The bundled export","value":"fixture"}""", source.AllowedValues![1].GetRawText());
        Assert.Equal("credential_custom", request.Params!.Single(p => p.Name == "BIKESHARE").Type);

        Assert.Equal(
            """{"POSTGRES":{"database":32,"credential":901},"BIKESHARE":902,"AWS":17,"RATIO":0.25,"MIGRATE":false,"EXPORT":12345,"NOTE":"line one\nline two\n"}""",
            request.Arguments!.Value.GetRawText());
        Assert.DoesNotContain("4242", asked); // ids are used as they are
        Assert.DoesNotContain("77", asked);
    }

    [Fact]
    public void ToCreateRequest_NoSchedule_IsNotScheduled()
    {
        var request = CivisJobManifest.Parse(ManifestTexts.Minimal).ToCreateRequest(_ => throw new InvalidOperationException("nothing to resolve"));

        Assert.False(request.Schedule!.Scheduled);
        Assert.Null(request.Notifications);
        Assert.Equal("{}", request.Arguments!.Value.GetRawText());
        Assert.Equal(JsonValueKind.Object, request.Arguments.Value.ValueKind);
    }

    [Fact]
    public void ToUpdateRequest_FullManifest_HasTheCreateRequestsFields()
    {
        var manifest = CivisJobManifest.Parse(ManifestTexts.Full);
        var update = manifest.ToUpdateRequest(_ => 1);

        Assert.Equal("Bikeshare trips", update.Name);
        Assert.Equal(1000, update.RequiredResources!.Cpu);
        Assert.Equal(90, update.CancelTimeout);
        Assert.Equal(9, update.Params!.Count);
    }

    [Fact]
    public void SetId_NoIdYet_InsertsItAfterTheLeadingCommentsAndReadsBack()
    {
        var text = CivisJobManifest.SetId(ManifestTexts.Full, 1234);

        Assert.StartsWith("# The trips job.\nid: 1234", text, StringComparison.Ordinal);
        Assert.Equal(1234, CivisJobManifest.Parse(text).Id);
        Assert.Equal(ManifestTexts.Full.Split('\n').Length + 1, text.Split('\n').Length);
    }

    [Fact]
    public void SetId_ExistingId_ReplacesItsLine()
    {
        var text = CivisJobManifest.SetId(CivisJobManifest.SetId(ManifestTexts.Minimal, 1), 99);

        Assert.Equal(99, CivisJobManifest.Parse(text).Id);
        Assert.Single(text.Split('\n'), l => l.StartsWith("id:", StringComparison.Ordinal));
    }

    [Fact]
    public void IsSameJob_NameImageAndArchivedState_MatchOnlyTheSameLiveJob()
    {
        var manifest = CivisJobManifest.Parse(ManifestTexts.Full);
        using var archived = JsonDocument.Parse("true");

        Assert.True(manifest.IsSameJob(new ContainerScript { Name = "Bikeshare trips", DockerImageName = "lacity/bikeshare" }));
        Assert.False(manifest.IsSameJob(new ContainerScript { Name = "Bikeshare trips", DockerImageName = "lacity/other" }));
        Assert.False(manifest.IsSameJob(new ContainerScript { Name = "bikeshare trips", DockerImageName = "lacity/bikeshare" }));
        Assert.False(manifest.IsSameJob(new ContainerScript { Name = "Bikeshare trips", DockerImageName = "lacity/bikeshare", Archived = archived.RootElement }));
    }

    [Theory]
    [InlineData(CivisParameterType.String, "NAME,NAME_SHELL_ESCAPED")]
    [InlineData(CivisParameterType.MultiLineString, "NAME,NAME_SHELL_ESCAPED")]
    [InlineData(CivisParameterType.Integer, "NAME")]
    [InlineData(CivisParameterType.Float, "NAME")]
    [InlineData(CivisParameterType.Bool, "NAME")]
    [InlineData(CivisParameterType.File, "NAME,NAME_URL")]
    [InlineData(CivisParameterType.Database, "NAME_HOST,NAME_PORT,NAME_DATABASE,NAME_CREDENTIAL_USERNAME,NAME_CREDENTIAL_PASSWORD")]
    [InlineData(CivisParameterType.CredentialCustom, "NAME_USERNAME,NAME_PASSWORD")]
    [InlineData(CivisParameterType.CredentialRedshift, "NAME_USERNAME,NAME_PASSWORD")]
    [InlineData(CivisParameterType.CredentialAws, "NAME_ACCESS_KEY_ID,NAME_SECRET_ACCESS_KEY")]
    public void VariablesOf_EachType_AreThePlatformsVariables(CivisParameterType type, string expected)
    {
        Assert.Equal(expected.Split(','), CivisJobParameter.VariablesOf("name", type).Select(v => v.Name));
    }

    [Fact]
    public void VariablesOf_Credentials_MarkThePasswordsSecret()
    {
        Assert.Equal(["NAME_CREDENTIAL_PASSWORD"], CivisJobParameter.VariablesOf("name", CivisParameterType.Database).Where(v => v.IsSecret).Select(v => v.Name));
        Assert.Equal(["NAME_SECRET_ACCESS_KEY"], CivisJobParameter.VariablesOf("name", CivisParameterType.CredentialAws).Where(v => v.IsSecret).Select(v => v.Name));
    }

    [Fact]
    public void PlatformNames_EveryParameterType_AreTheSpecsTypesAndParseBack()
    {
        Assert.Equal(
            ["string", "multi_line_string", "integer", "float", "bool", "file", "database", "credential_custom", "credential_redshift", "credential_aws"],
            CivisParameterTypes.PlatformNames);
        Assert.All(Enum.GetValues<CivisParameterType>(), t => Assert.True(CivisParameterTypes.TryParse(t.ToPlatformName(), out var back) && back == t));
    }
}
