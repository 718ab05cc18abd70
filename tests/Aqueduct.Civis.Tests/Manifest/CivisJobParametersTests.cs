using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Manifest;

public class CivisJobParametersTests
{
    private static readonly CivisJobManifest Manifest = CivisJobManifest.Parse(ManifestTexts.Full);

    private static CivisJobParameters Read(params (string Key, string? Value)[] variables) => new(Manifest, Create(variables));

    [Fact]
    public void GetString_Set_ReadsTheUpperCasedVariable()
    {
        Assert.Equal("fixture", Read(("BIKESHARE_SOURCE", "fixture")).GetString("bikeshare_source"));
    }

    [Fact]
    public void GetString_NotSet_FallsBackToTheManifestsDefault()
    {
        Assert.Equal("tableau", Read().GetString("BIKESHARE_SOURCE"));
    }

    [Fact]
    public void GetString_NotAnAllowedValue_FailsWithoutShowingTheValue()
    {
        var exception = Assert.Throws<CivisEnvironmentException>(() => Read(("BIKESHARE_SOURCE", "s3cr3t-ish")).GetString("BIKESHARE_SOURCE"));

        Assert.Contains("tableau, fixture", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-ish", exception.Message, StringComparison.Ordinal);
        Assert.Equal(["BIKESHARE_SOURCE"], exception.VariableNames);
    }

    [Fact]
    public void GetInt32_NotSetThenSet_ReadsTheDefaultThenTheVariable()
    {
        Assert.Equal(500, Read().GetInt32("batch_size"));
        Assert.Equal(20, Read(("BATCH_SIZE", "20")).GetInt32("batch_size"));
    }

    [Fact]
    public void GetInt64_Malformed_NamesTheVariable()
    {
        var exception = Assert.Throws<CivisEnvironmentException>(() => Read(("BATCH_SIZE", "lots")).GetInt64("batch_size"));

        Assert.Equal(["BATCH_SIZE"], exception.VariableNames);
    }

    [Fact]
    public void GetDouble_FloatAndInteger_Read()
    {
        Assert.Equal(0.5, Read(("RATIO", "0.5")).GetDouble("RATIO"));
        Assert.Equal(500d, Read().GetDouble("batch_size"));
    }

    [Fact]
    public void GetBoolean_Set_ReadsIt()
    {
        Assert.True(Read(("MIGRATE", "true")).GetBoolean("MIGRATE"));
        Assert.Null(Read().GetBoolean("MIGRATE"));
    }

    [Fact]
    public void GetCredential_Set_ReadsUsernameAndPassword()
    {
        var credential = Read(("BIKESHARE_USERNAME", "me"), ("BIKESHARE_PASSWORD", "pw")).GetCredential("BIKESHARE");

        Assert.Equal(new UsernamePasswordCredential("me", "pw"), credential);
    }

    [Fact]
    public void GetDatabase_Set_ReadsTheParts()
    {
        var database = Read(("POSTGRES_HOST", "h"), ("POSTGRES_PORT", "5432"), ("POSTGRES_DATABASE", "d"),
            ("POSTGRES_CREDENTIAL_USERNAME", "u"), ("POSTGRES_CREDENTIAL_PASSWORD", "p")).GetDatabase("POSTGRES");

        Assert.Equal("h", database!.Host);
        Assert.Equal(5432, database.Port);
    }

    [Fact]
    public void GetAwsCredential_AndGetFile_Read()
    {
        var read = Read(("AWS_ACCESS_KEY_ID", "id"), ("AWS_SECRET_ACCESS_KEY", "secret"), ("EXPORT", "12"), ("EXPORT_URL", "https://files.example/12"));

        Assert.Equal("id", read.GetAwsCredential("AWS")!.AccessKeyId);
        Assert.Equal(12, read.GetFile("EXPORT")!.Id);
    }

    [Fact]
    public void GetString_UndeclaredParameter_ListsTheDeclaredOnes()
    {
        var exception = Assert.Throws<ArgumentException>(() => Read().GetString("NOPE"));

        Assert.Contains("declares no parameter 'NOPE'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("BIKESHARE_SOURCE", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetString_IntegerParameter_SaysWhichReaderToUse()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => Read().GetString("batch_size"));

        Assert.Contains("is integer in civis-job.yaml:", exception.Message, StringComparison.Ordinal);
        Assert.Contains("GetInt64 or GetInt32", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetRequiredString_NotSetNoDefault_NamesTheVariable()
    {
        var exception = Assert.Throws<CivisEnvironmentException>(() => Read().GetRequiredString("NOTE"));

        Assert.Equal(["NOTE"], exception.VariableNames);
    }

    [Fact]
    public async Task GetParameters_JobWithAShippedManifest_ReadsTypedSettings()
    {
        var path = Path.Combine(Path.GetTempPath(), $"civis-job-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, ManifestTexts.Full, TestContext.Current.CancellationToken);
        try
        {
            int? batch = null;
            var exitCode = await CivisJob.RunAsync([], (job, _) =>
            {
                batch = job.GetParameters().GetInt32("batch_size");
                Assert.Same(job.GetParameters(), job.GetParameters());
                return Task.CompletedTask;
            }, options =>
            {
                options.Environment = Create(("DEV", "1"), (CivisJobManifest.PathVariable, path), ("BIKESHARE_USERNAME", "u"), ("BIKESHARE_PASSWORD", "p"), ("BATCH_SIZE", "64"));
                options.Output = TextWriter.Null;
                options.ErrorOutput = TextWriter.Null;
                options.HandleShutdownSignals = false;
            }, TestContext.Current.CancellationToken);

            Assert.Equal(CivisJobExitCodes.Success, exitCode);
            Assert.Equal(64, batch);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task GetParameters_NoShippedManifest_IsAConfigurationError()
    {
        var errors = new StringWriter();
        var exitCode = await CivisJob.RunAsync([], (job, _) => { job.GetParameters(); return Task.CompletedTask; }, options =>
        {
            options.Environment = Create(("DEV", "1"));
            options.Output = TextWriter.Null;
            options.ErrorOutput = errors;
            options.HandleShutdownSignals = false;
        }, TestContext.Current.CancellationToken);

        Assert.Equal(CivisJobExitCodes.ConfigurationError, exitCode);
        Assert.Contains("ships no civis-job.yaml", errors.ToString(), StringComparison.Ordinal);
    }
}
