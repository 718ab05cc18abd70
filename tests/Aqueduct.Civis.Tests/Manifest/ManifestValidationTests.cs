namespace Aqueduct.Civis.Tests.Manifest;

/// <summary>A wrong manifest fails with the file, the line and the key of every problem.</summary>
public class ManifestValidationTests
{
    private static CivisManifestError Single(string text)
    {
        var exception = Assert.Throws<CivisJobManifestException>(() => CivisJobManifest.Parse(text, "jobs/civis-job.yaml"));
        var error = Assert.Single(exception.Errors);
        Assert.Contains($"jobs/civis-job.yaml:{error.Location.Line}:{error.Location.Column}: {error.Key}: ", exception.Message, StringComparison.Ordinal);
        return error;
    }

    private static IReadOnlyList<CivisManifestError> All(string text) =>
        Assert.Throws<CivisJobManifestException>(() => CivisJobManifest.Parse(text, "civis-job.yaml")).Errors;

    [Fact]
    public void Parse_UnknownTopLevelKey_NamesFileLineKeyAndSuggests()
    {
        var error = Single(ManifestTexts.Minimal + "\nschedul:\n  days: [1]\n");

        Assert.Equal(new CivisManifestLocation("jobs/civis-job.yaml", 5, 1), error.Location);
        Assert.Equal("schedul", error.Key);
        Assert.Contains("did you mean 'schedule'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownNestedKey_NamesItsPath()
    {
        var error = Single(ManifestTexts.Minimal.Replace("{cpu: 500, memory: 512}", "{cpu: 500, memory: 512, cpus: 2}", StringComparison.Ordinal));

        Assert.Equal("resources.cpus", error.Key);
        Assert.Equal(4, error.Location.Line);
        Assert.Contains("did you mean 'cpu'?", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://jane:ghp_T0kenS3cret@github.com/lacity/bikeshare.git")]
    [InlineData("https://ghp_T0kenS3cret@github.com/lacity/bikeshare.git")]
    public void Parse_RepositoryUrlWithUserInfo_FailsWithoutQuotingIt(string url)
    {
        var error = Single(ManifestTexts.Minimal + $"\nrepository:\n  url: {url}\n");

        Assert.Equal("repository.url", error.Key);
        Assert.DoesNotContain("T0kenS3cret", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("jane", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_RepositoryWithUserInfo_ShowsNone()
    {
        var repository = new CivisJobRepository("https://jane:ghp_T0kenS3cret@github.com/lacity/bikeshare.git", "main", null);

        Assert.Equal("CivisJobRepository { Url = https://github.com/lacity/bikeshare.git, Ref = main, Credential =  }", repository.ToString());
    }

    [Fact]
    public void Parse_CpuNotANumber_NamesTheKeyAndLine()
    {
        var error = Single(ManifestTexts.Minimal.Replace("cpu: 500", "cpu: lots", StringComparison.Ordinal));

        Assert.Equal("resources.cpu", error.Key);
        Assert.Equal((4, 18), (error.Location.Line, error.Location.Column));
        Assert.Contains("'lots'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cpu: 1", "resources.cpu")]
    [InlineData("memory: 2", "resources.memory")]
    public void Parse_ResourcesBelowThePlatformsMinimum_Fail(string replacement, string key)
    {
        var text = ManifestTexts.Minimal.Replace(replacement.StartsWith("cpu", StringComparison.Ordinal) ? "cpu: 500" : "memory: 512", replacement, StringComparison.Ordinal);

        Assert.Equal(key, Single(text).Key);
    }

    [Fact]
    public void Parse_ParameterTypeThePlatformDoesNotKnow_ListsTheTypes()
    {
        var error = Single(ManifestTexts.Minimal + """

            parameters:
              - name: COUNT
                type: int
            """);

        Assert.Equal("parameters[0].type", error.Key);
        Assert.Equal(7, error.Location.Line);
        Assert.Contains("'int'", error.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'integer'?", error.Message, StringComparison.Ordinal);
        Assert.Contains("credential_aws", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DefaultOfTheWrongType_NamesTheParameter()
    {
        var error = Single(ManifestTexts.Minimal + """

            parameters:
              - name: COUNT
                type: integer
                default: many
            """);

        Assert.Equal("parameters[0].default", error.Key);
        Assert.Equal(8, error.Location.Line);
    }

    [Fact]
    public void Parse_CredentialWithADefault_Fails()
    {
        var error = Single(ManifestTexts.Minimal + """

            parameters:
              - name: SOURCE
                type: credential_custom
                default: someone
            """);

        Assert.Equal("parameters[0].default", error.Key);
        Assert.Contains("value:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RequiredParameterWithADefault_Fails()
    {
        Assert.Equal("parameters[0].default", Single(ManifestTexts.Minimal + """

            parameters:
              - name: SOURCE
                type: string
                required: true
                default: x
            """).Key);
    }

    [Fact]
    public void Parse_ValueNotAmongTheAllowedValues_Fails()
    {
        var error = Single(ManifestTexts.Minimal + """

            parameters:
              - name: MODE
                type: string
                allowedValues: [full, delta]
                value: all
            """);

        Assert.Equal("parameters[0].value", error.Key);
        Assert.Contains("full, delta", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ParametersDifferingOnlyInCase_Fail()
    {
        var error = Single(ManifestTexts.Minimal + """

            parameters:
              - name: source
                type: string
              - name: SOURCE
                type: string
            """);

        Assert.Equal("parameters[1].name", error.Key);
        Assert.Contains("line 6", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ParameterWhoseVariableIsAnothersVariable_Fails()
    {
        var error = Single(ManifestTexts.Minimal + """

            parameters:
              - name: POSTGRES
                type: database
              - name: POSTGRES_HOST
                type: string
            """);

        Assert.Equal("parameters[1].name", error.Key);
        Assert.Contains("POSTGRES_HOST", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BadParameterName_Fails()
    {
        Assert.Equal("parameters[0].name", Single(ManifestTexts.Minimal + "\nparameters:\n  - {name: my-schema, type: string}\n").Key);
    }

    [Fact]
    public void Parse_MissingRequiredKeys_ReportsEveryOneAtOnce()
    {
        var errors = All("name: x\n");

        Assert.Equal(["command", "image", "resources"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.All(errors, e => Assert.Equal(1, e.Location.Line));
    }

    [Fact]
    public void Parse_SeveralProblems_AreAllReportedInFileOrder()
    {
        var errors = All("""
            name: x
            image: {name: a}
            command: run
            resources: {cpu: lots, memory: many}
            cancelTimeout: soon
            """);

        Assert.Equal(["resources.cpu", "resources.memory", "cancelTimeout"], errors.Select(e => e.Key));
    }

    [Fact]
    public void Parse_BadSchedule_NamesEachValue()
    {
        var errors = All(ManifestTexts.Minimal + """

            schedule:
              days: [funday, 2]
              hours: [25]
              minutes: [0]
              timeZone: Mars/Olympus_Mons
            """);

        Assert.Equal(["schedule.days[0]", "schedule.hours[0]", "schedule.timeZone"], errors.Select(e => e.Key));
        Assert.Equal([6, 7, 9], errors.Select(e => e.Location.Line));
    }

    [Fact]
    public void Parse_DaysAndDaysOfMonth_Fail()
    {
        Assert.Equal("schedule.daysOfMonth", Single(ManifestTexts.Minimal + "\nschedule: {days: [1], daysOfMonth: [1], hours: [3]}\n").Key);
    }

    [Fact]
    public void Parse_ScheduleWithoutHours_Fails()
    {
        Assert.Equal("schedule.hours", Single(ManifestTexts.Minimal + "\nschedule: {days: [1]}\n").Key);
    }

    [Fact]
    public void Parse_PausedSchedule_NeedsNoDays()
    {
        var manifest = CivisJobManifest.Parse(ManifestTexts.Minimal + "\nschedule: {enabled: false}\n");

        Assert.False(manifest.Schedule!.Enabled);
        Assert.False(manifest.ToCreateRequest(_ => 0).Schedule!.Scheduled);
    }

    [Fact]
    public void Parse_BadNotifications_NameTheItems()
    {
        var errors = All(ManifestTexts.Minimal + "\nnotifications: {failureEmails: [ok@x.org, not-an-address], urls: [ftp://x]}\n");

        Assert.Equal(["notifications.failureEmails[1]", "notifications.urls[0]"], errors.Select(e => e.Key));
    }

    [Fact]
    public void Parse_ShareWithBothUserAndGroup_Fails()
    {
        Assert.Equal("shares[0]", Single(ManifestTexts.Minimal + "\nshares:\n  - {user: a, group: b}\n").Key);
    }

    [Fact]
    public void Parse_BadSharePermission_Fails()
    {
        Assert.Equal("shares[0].permission", Single(ManifestTexts.Minimal + "\nshares:\n  - {user: a, permission: owner}\n").Key);
    }

    [Theory]
    [InlineData("lacity/minimal:latest")]
    [InlineData("lacity/minimal:1.0")]
    [InlineData("registry.example:5000/lacity/minimal:1.0")]
    [InlineData("minimal:2")]
    public void Parse_TagInTheImageName_Fails(string name)
    {
        Assert.Equal("image.name", Single(ManifestTexts.Minimal.Replace("lacity/minimal", name, StringComparison.Ordinal)).Key);
    }

    [Fact]
    public void Parse_RegistryWithAPortInTheImageName_IsNoTag()
    {
        Assert.Equal("registry.example:5000/lacity/minimal", CivisJobManifest.Parse(ManifestTexts.Minimal.Replace("lacity/minimal", "registry.example:5000/lacity/minimal", StringComparison.Ordinal)).Image.Name);
    }

    [Fact]
    public void Parse_InvalidYaml_NamesTheLine()
    {
        var error = Single("name: x\nimage: [unclosed\ncommand: y\n");

        Assert.Equal("(yaml)", error.Key);
        Assert.True(error.Location.Line >= 2);
    }

    [Fact]
    public void Parse_DuplicateKey_Fails()
    {
        var errors = All(ManifestTexts.Minimal + "\nname: again\n");

        Assert.Contains(errors, e => e.Key is "name" or "(yaml)");
    }

    [Fact]
    public void Parse_EmptyText_Fails()
    {
        Assert.Equal("(manifest)", Single("# nothing yet\n").Key);
    }

    [Fact]
    public void Parse_NotAMapping_Fails()
    {
        Assert.Equal("(manifest)", Single("- a\n- b\n").Key);
    }

    [Fact]
    public void Parse_QuotedNumberForAnId_IsAName()
    {
        var manifest = CivisJobManifest.Parse(ManifestTexts.Minimal + "\nproject: \"2024\"\nparent: 12\n");

        Assert.Equal("2024", manifest.Project!.Name);
        Assert.Equal(12, manifest.Parent!.Id);
    }

    [Fact]
    public void Load_MissingFile_SaysWhichFile()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "civis-job.yaml");

        var exception = Assert.Throws<FileNotFoundException>(() => CivisJobManifest.Load(path));
        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_File_ErrorsNameThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"civis-job-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, ManifestTexts.Minimal.Replace("cpu: 500", "cpu: x", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        try
        {
            var exception = await Assert.ThrowsAsync<CivisJobManifestException>(() => CivisJobManifest.LoadAsync(path, TestContext.Current.CancellationToken));
            Assert.Contains(path + ":4:", exception.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ToError_DatabaseReference_KeepsTheLocationForADeployTimeProblem()
    {
        var manifest = CivisJobManifest.Parse(ManifestTexts.Full);
        var database = manifest.References.Single(r => r.Kind == CivisReferenceKind.Database);

        var exception = new CivisJobManifestException([database.ToError("no database named 'City of Los Angeles - Postgres' on the platform")]);

        Assert.Contains("civis-job.yaml:22:17: parameters[0].value.database: no database named", exception.Message, StringComparison.Ordinal);
    }
}
