using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Environment;

public class CivisEnvironmentTests
{
    [Theory]
    [InlineData("1")]
    [InlineData("true")]
    [InlineData("TRUE")]
    [InlineData("Yes")]
    [InlineData(" on ")]
    public void IsDev_TrueValue_IsDev(string value) => Assert.True(Create(("DEV", value)).IsDev);

    [Theory]
    [InlineData("0")]
    [InlineData("false")]
    [InlineData("No")]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(null)]
    public void IsDev_FalseEmptyOrAbsent_IsProduction(string? value) => Assert.False(Create(("DEV", value)).IsDev);

    [Fact]
    public void IsDev_Zero_IsProductionUnlikeTheOldPythonCheck()
    {
        // os.environ.get("DEV") was truthy for "0"; here it is production.
        Assert.False(Create(("DEV", "0")).IsDev);
    }

    [Fact]
    public void Constructor_DevNeitherTrueNorFalse_ThrowsNamingDev()
    {
        var e = Assert.Throws<CivisEnvironmentException>(() => Create(("DEV", "maybe")));
        Assert.Equal(["DEV"], e.VariableNames);
        Assert.Contains("DEV", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JobAndRunIds_OnPlatform_AreParsed()
    {
        var env = Create(("CIVIS_JOB_ID", "123"), ("CIVIS_RUN_ID", "456"));
        Assert.Equal(123, env.JobId);
        Assert.Equal(456, env.RunId);
        Assert.True(env.IsOnPlatform);
    }

    [Fact]
    public void JobAndRunIds_OutsidePlatform_AreNull()
    {
        var env = Create();
        Assert.Null(env.JobId);
        Assert.Null(env.RunId);
        Assert.False(env.IsOnPlatform);
    }

    [Fact]
    public void ApiEndpoint_NotSet_IsTheDefault() =>
        Assert.Equal(new Uri("https://api.civisanalytics.com/"), Create().ApiEndpoint);

    [Fact]
    public void ApiEndpoint_WithoutTrailingSlash_GetsOne() =>
        Assert.Equal(new Uri("https://civis.example/api/"), Create(("CIVIS_API_ENDPOINT", "https://civis.example/api")).ApiEndpoint);

    [Fact]
    public void ApiEndpoint_NotAnHttpUrl_ThrowsNamingTheVariable()
    {
        var e = Assert.Throws<CivisEnvironmentException>(() => Create(("CIVIS_API_ENDPOINT", "ftp://x")));
        Assert.Equal(["CIVIS_API_ENDPOINT"], e.VariableNames);
    }

    [Fact]
    public void ToString_WithApiKey_DoesNotShowIt()
    {
        var env = Create(("CIVIS_API_KEY", "sekrit-key-123"), ("CIVIS_JOB_ID", "1"), ("CIVIS_RUN_ID", "2"));
        Assert.Equal("sekrit-key-123", env.ApiKey);
        Assert.DoesNotContain("sekrit-key-123", env.ToString(), StringComparison.Ordinal);
        Assert.Contains("ApiKey = (set)", env.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Service_ServiceVariables_AreRead()
    {
        var env = Create(("CIVIS_SERVICE_ID", "77"), ("CIVIS_SERVICE_VERSION", "v3"), ("APP_DIR", "/app"), ("REPO_PATH_DIR", "/app/repo"));
        Assert.Equal(new CivisService(77, "v3", 3838, "/app", "/app/repo"), env.Service);
        Assert.Null(Create().Service);
    }

    [Fact]
    public void GetString_CaseSensitiveSourceWithBothSpellings_TakesUpperCasedName()
    {
        // On a case-insensitive source both spellings are one key and the order cannot show: this source keeps them apart.
        var env = CreateCaseSensitive(("MY_SCHEMA", "upper"), ("my_schema", "as-written"));

        Assert.Equal("upper", env.GetString("my_schema"));
        Assert.Equal("MY_SCHEMA", env.FindVariable("my_schema"));
    }

    [Fact]
    public void GetString_CaseSensitiveSourceWithOnlyNameAsWritten_FallsBackToIt()
    {
        var env = CreateCaseSensitive(("My_Schema", "as-written"));

        Assert.Equal("as-written", env.GetString("My_Schema"));
        Assert.Equal("My_Schema", env.FindVariable("My_Schema"));
        Assert.Null(env.GetString("my_schema"));
        Assert.Null(env.GetString("other"));
    }

    [Fact]
    public void TypedParameters_ValidValues_AreParsed()
    {
        var env = Create(("COUNT", "42"), ("BIG", "9000000000"), ("RATIO", "1234.5"), ("FLAG", "true"), ("OFF", "False"));
        Assert.Equal(42, env.GetInt32("count"));
        Assert.Equal(9_000_000_000L, env.GetInt64("big"));
        Assert.Equal(1234.5, env.GetDouble("ratio"));
        Assert.True(env.GetBoolean("flag"));
        Assert.False(env.GetBoolean("off"));
        Assert.Null(env.GetInt32("missing"));
    }

    [Theory]
    [InlineData("abc", "an integer (Int32)")]
    [InlineData("1.5", "an integer (Int32)")]
    [InlineData("99999999999", "an integer (Int32)")]
    public void GetInt32_NotAnInteger_ThrowsNamingVariableAndTypeButNotValue(string value, string expected)
    {
        var e = Assert.Throws<CivisEnvironmentException>(() => Create(("BATCH_SIZE", value)).GetInt32("batch_size"));
        Assert.Equal(["BATCH_SIZE"], e.VariableNames);
        Assert.Contains("'BATCH_SIZE'", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetBoolean_NotABoolean_ThrowsWithoutTheValue()
    {
        var e = Assert.Throws<CivisEnvironmentException>(() => Create(("DB_PASSWORD", "hunter2")).GetBoolean("DB_PASSWORD"));
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
        Assert.Contains("boolean", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetDouble_NotANumber_Throws() =>
        Assert.Throws<CivisEnvironmentException>(() => Create(("X", "1,5")).GetDouble("X"));

    [Fact]
    public void GetFile_IdAndUrl_AreRead()
    {
        var env = Create(("INPUT", "12345"), ("INPUT_URL", "https://files.example/abc?X-Amz-Signature=deadbeef"));
        var file = env.GetFile("input");
        Assert.NotNull(file);
        Assert.Equal(12345, file.Id);
        Assert.Equal("https://files.example/abc?X-Amz-Signature=deadbeef", file.Url!.ToString());
        Assert.DoesNotContain("deadbeef", file.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void GetFile_NotSet_IsNull() => Assert.Null(Create().GetFile("input"));

    [Fact]
    public void GetDatabase_AllVariables_BuildsCredential()
    {
        var env = Create(
            ("POSTGRES_HOST", "db.example"), ("POSTGRES_PORT", "5433"), ("POSTGRES_DATABASE", "ita"),
            ("POSTGRES_CREDENTIAL_USERNAME", "ita"), ("POSTGRES_CREDENTIAL_PASSWORD", "p@ss word"), ("POSTGRES_TYPE", "postgres"));
        var db = env.GetDatabase("postgres");
        Assert.Equal(new DatabaseCredential("db.example", 5433, "ita", "ita", "p@ss word", "postgres"), db);
        Assert.DoesNotContain("p@ss word", db!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void GetDatabase_NoPort_PortIsNull() =>
        Assert.Null(Create(("PG_HOST", "h"), ("PG_DATABASE", "d"), ("PG_CREDENTIAL_USERNAME", "u"), ("PG_CREDENTIAL_PASSWORD", "p")).GetDatabase("PG")!.Port);

    [Fact]
    public void GetDatabase_NothingSet_IsNull() => Assert.Null(Create().GetDatabase("POSTGRES"));

    [Fact]
    public void GetDatabase_PartlySet_ThrowsNamingEveryMissingPart()
    {
        var e = Assert.Throws<CivisEnvironmentException>(() => Create(("POSTGRES_HOST", "h"), ("POSTGRES_CREDENTIAL_PASSWORD", "secret-pw")).GetDatabase("POSTGRES"));
        Assert.Equal(["POSTGRES_DATABASE", "POSTGRES_CREDENTIAL_USERNAME"], e.VariableNames);
        Assert.DoesNotContain("secret-pw", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetDatabase_BadPort_ThrowsNamingPort()
    {
        var env = Create(("PG_HOST", "h"), ("PG_PORT", "x"), ("PG_DATABASE", "d"), ("PG_CREDENTIAL_USERNAME", "u"), ("PG_CREDENTIAL_PASSWORD", "p"));
        var e = Assert.Throws<CivisEnvironmentException>(() => env.GetDatabase("PG"));
        Assert.Equal(["PG_PORT"], e.VariableNames);
    }

    [Fact]
    public void GetCredential_UsernameAndPassword_AreRead()
    {
        var c = Create(("BIKESHARE_USERNAME", "rider"), ("BIKESHARE_PASSWORD", "pedal-secret")).GetCredential("bikeshare");
        Assert.Equal(new UsernamePasswordCredential("rider", "pedal-secret"), c);
        Assert.DoesNotContain("pedal-secret", c!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void GetCredential_OnlyUsername_ThrowsNamingPassword()
    {
        var e = Assert.Throws<CivisEnvironmentException>(() => Create(("BIKESHARE_USERNAME", "rider")).GetCredential("BIKESHARE"));
        Assert.Equal(["BIKESHARE_PASSWORD"], e.VariableNames);
    }

    [Fact]
    public void GetAwsCredential_KeyAndSecret_AreReadAndSecretHidden()
    {
        var c = Create(("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI")).GetAwsCredential("AWS");
        Assert.Equal("AKIAEXAMPLE", c!.AccessKeyId);
        Assert.Equal("wJalrXUtnFEMI", c.SecretAccessKey);
        Assert.DoesNotContain("wJalrXUtnFEMI", c.ToString(), StringComparison.Ordinal);
        Assert.Null(Create().GetAwsCredential("AWS"));
    }

    [Fact]
    public void Require_AllPresent_DoesNotThrowWhereTheSameListWithOneMissingThrows()
    {
        RequiredVariable[] required = ["A", new RequiredVariable("b", "Missing b")];

        var present = Record.Exception(() => Create(("A", "1"), ("B", "2")).Require(required));
        var missing = Assert.Throws<CivisEnvironmentException>(() => Create(("A", "1"), ("B", "")).Require(required));

        Assert.Null(present);
        Assert.Equal(["b"], missing.VariableNames);
        Assert.Contains("b: Missing b", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Require_SeveralMissing_ReportsEveryOneWithItsMessage()
    {
        var env = Create(("OTHER", "x"), ("BIKESHARE_PASSWORD", ""));
        var e = Assert.Throws<CivisEnvironmentException>(() => env.Require(
            new RequiredVariable("BIKESHARE_USERNAME", "Missing bikeshare username"),
            new RequiredVariable("BIKESHARE_PASSWORD", "Missing bikeshare password"),
            "OTHER"));
        Assert.Equal(["BIKESHARE_USERNAME", "BIKESHARE_PASSWORD"], e.VariableNames);
        Assert.Contains("2 required variables are missing", e.Message, StringComparison.Ordinal);
        Assert.Contains("BIKESHARE_USERNAME: Missing bikeshare username", e.Message, StringComparison.Ordinal);
        Assert.Contains("BIKESHARE_PASSWORD: Missing bikeshare password", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetRequiredString_Missing_ThrowsWithAuthorsMessage()
    {
        var e = Assert.Throws<CivisEnvironmentException>(() => Create().GetRequiredString("TOKEN", "Missing the dashboard token"));
        Assert.Contains("TOKEN: Missing the dashboard token", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("nan")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("1e400")]
    [InlineData("-1.8e308")]
    public void GetDouble_NaNInfinityOrOverflow_ThrowsNamingTheVariable(string text)
    {
        var e = Assert.Throws<CivisEnvironmentException>(() => Create(("RATIO", text)).GetDouble("ratio"));
        Assert.Equal(["RATIO"], e.VariableNames);
        Assert.Contains("finite", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetDouble_LargestFinite_IsRead() => Assert.Equal(double.MaxValue, Create(("RATIO", "1.7976931348623157e308")).GetDouble("ratio"));

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("65536")]
    [InlineData("70000")]
    public void GetDatabase_PortOutOfRange_ThrowsNamingThePortVariable(string port)
    {
        var env = Create(("POSTGRES_HOST", "h"), ("POSTGRES_PORT", port), ("POSTGRES_DATABASE", "d"), ("POSTGRES_CREDENTIAL_USERNAME", "u"), ("POSTGRES_CREDENTIAL_PASSWORD", "p"));
        var e = Assert.Throws<CivisEnvironmentException>(() => env.GetDatabase("POSTGRES"));
        Assert.Equal(["POSTGRES_PORT"], e.VariableNames);
        Assert.Contains("POSTGRES_PORT", e.Message, StringComparison.Ordinal);
        Assert.Contains("1 to 65535", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Service_PortOutOfRange_ThrowsNamingThePortVariable()
    {
        var e = Assert.Throws<CivisEnvironmentException>(() => Create(("CIVIS_SERVICE_ID", "7"), ("CIVIS_SERVICE_PORT", "0")).Service);
        Assert.Equal(["CIVIS_SERVICE_PORT"], e.VariableNames);
    }

    [Theory]
    [InlineData("http://files.example/abc")]
    [InlineData("ftp://files.example/abc")]
    [InlineData("file:///etc/passwd")]
    [InlineData("http://127.0.0.1.files.example/abc")]
    public void GetFile_UrlNotHttps_ThrowsNamingTheUrlVariable(string url)
    {
        var e = Assert.Throws<CivisEnvironmentException>(() => Create(("INPUT", "1"), ("INPUT_URL", url)).GetFile("input"));
        Assert.Equal(["INPUT_URL"], e.VariableNames);
        Assert.Contains("https", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://files.example/abc")]
    [InlineData("http://127.0.0.1:8080/abc")]
    [InlineData("http://localhost:8080/abc")]
    [InlineData("http://[::1]:8080/abc")]
    public void GetFile_HttpsOrLoopbackHttp_IsAccepted(string url) =>
        Assert.Equal(new Uri(url), Create(("INPUT", "1"), ("INPUT_URL", url)).GetFile("input")!.Url);
}

public class CompositeParameterNamingTests
{
    [Fact]
    public void GetDatabase_LowerCaseParameterName_ErrorNamesUpperCasedVariables()
    {
        var e = Assert.Throws<CivisEnvironmentException>(() => TestEnvironments.Create(("POSTGRES_HOST", "h")).GetDatabase("postgres"));
        Assert.Equal(["POSTGRES_DATABASE", "POSTGRES_CREDENTIAL_USERNAME", "POSTGRES_CREDENTIAL_PASSWORD"], e.VariableNames);
    }
}
