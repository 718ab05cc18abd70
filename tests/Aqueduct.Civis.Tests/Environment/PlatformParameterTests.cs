using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Environment;

/// <summary>The ids and quoted forms the platform injects beside a parameter's value: <c>NAME_ID</c>, <c>NAME_CREDENTIAL_ID</c>, <c>NAME_SHELL_ESCAPED</c>.</summary>
public class PlatformParameterTests
{
    private static readonly (string, string?)[] Database =
    [
        ("POSTGRES_HOST", "db.example"), ("POSTGRES_DATABASE", "ita"),
        ("POSTGRES_CREDENTIAL_USERNAME", "ita"), ("POSTGRES_CREDENTIAL_PASSWORD", "hunter2-secret"),
    ];

    [Theory]
    [InlineData("abc")]
    [InlineData("12a")]
    [InlineData("1.5")]
    [InlineData("-3")]
    [InlineData("+3")]
    [InlineData("0")]
    [InlineData("2147483648")]
    [InlineData("99999999999999999999999999999999")]
    [InlineData("0x10")]
    [InlineData("1 2")]
    public void GetParameterId_NotAnId_ThrowsNamingTheVariableWithoutTheValue(string value)
    {
        var env = Create(("BIKESHARE_ID", value), ("BIKESHARE_PASSWORD", "pedal-secret"));
        var e = Assert.Throws<CivisEnvironmentException>(() => env.GetParameterId("bikeshare"));
        Assert.Equal(["BIKESHARE_ID"], e.VariableNames);
        Assert.Contains("'BIKESHARE_ID'", e.Message, StringComparison.Ordinal);
        Assert.Contains("Civis id", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pedal-secret", e.Message, StringComparison.Ordinal);
        if (value.Length > 2)
        {
            Assert.DoesNotContain(value, e.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void GetParameterId_SetButEmpty_ThrowsSayingItIsEmpty(string value)
    {
        var e = Assert.Throws<CivisEnvironmentException>(() => Create(("BIKESHARE_ID", value)).GetParameterId("BIKESHARE"));
        Assert.Equal(["BIKESHARE_ID"], e.VariableNames);
        Assert.Contains("empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetParameterId_HugeValue_ThrowsWithoutEchoingIt()
    {
        var huge = new string('7', 100_000);
        var e = Assert.Throws<CivisEnvironmentException>(() => Create(("BIKESHARE_ID", huge)).GetParameterId("BIKESHARE"));
        Assert.Equal(["BIKESHARE_ID"], e.VariableNames);
        Assert.True(e.Message.Length < 300, e.Message.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("4321", 4321)]
    [InlineData(" 4321 ", 4321)]
    [InlineData("2147483647", int.MaxValue)]
    public void GetParameterId_WholeNumber_IsRead(string value, int expected) =>
        Assert.Equal(expected, Create(("BIKESHARE_ID", value)).GetParameterId("bikeshare"));

    [Fact]
    public void GetParameterId_NotSet_IsNull() => Assert.Null(Create(("BIKESHARE_USERNAME", "rider")).GetParameterId("bikeshare"));

    [Fact]
    public void GetParameterId_NameAsWritten_IsFoundWhenUpperCasedIsAbsent() =>
        Assert.Equal(5, Create(("bikeshare_ID", "5")).GetParameterId("bikeshare"));

    [Fact]
    public void GetDatabase_IdsInjected_AreOnTheCredential()
    {
        var db = Create([.. Database, ("POSTGRES_ID", "32"), ("POSTGRES_CREDENTIAL_ID", "9876")]).GetDatabase("postgres")!;
        Assert.Equal(32, db.DatabaseId);
        Assert.Equal(9876, db.CredentialId);
        Assert.Contains("DatabaseId = 32", db.ToString(), StringComparison.Ordinal);
        Assert.Contains("CredentialId = 9876", db.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", db.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void GetDatabase_NoIds_IdsAreNull()
    {
        var db = Create(Database).GetDatabase("POSTGRES")!;
        Assert.Null(db.DatabaseId);
        Assert.Null(db.CredentialId);
    }

    [Theory]
    [InlineData("POSTGRES_ID", "x32")]
    [InlineData("POSTGRES_CREDENTIAL_ID", "hunter2-secret")]
    [InlineData("POSTGRES_CREDENTIAL_ID", "")]
    [InlineData("POSTGRES_ID", "-1")]
    public void GetDatabase_BadId_ThrowsNamingTheIdNotThePassword(string variable, string value)
    {
        var env = Create([.. Database, (variable, value)]);
        var e = Assert.Throws<CivisEnvironmentException>(() => env.GetDatabase("POSTGRES"));
        Assert.Equal([variable], e.VariableNames);
        Assert.Contains(variable, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetShellEscapedString_PlatformForm_IsReturnedAsInjected()
    {
        var env = Create(("MY_SCHEMA", "it's here"), ("MY_SCHEMA_SHELL_ESCAPED", "it\\'s\\ here"));
        Assert.Equal("it\\'s\\ here", env.GetShellEscapedString("my_schema"));
        Assert.Equal("it's here", env.GetString("my_schema"));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a.b/c-d_e:f,g=h+i@j%k", "a.b/c-d_e:f,g=h+i@j%k")]
    [InlineData("two words", "'two words'")]
    [InlineData("it's", "'it'\"'\"'s'")]
    [InlineData("", "''")]
    [InlineData("$(rm -rf /); `id`", "'$(rm -rf /); `id`'")]
    [InlineData("line1\nline2", "'line1\nline2'")]
    [InlineData("naïve", "'naïve'")]
    public void GetShellEscapedString_OnlyValueSet_QuotesItForSh(string value, string expected) =>
        Assert.Equal(expected, Create(("MY_SCHEMA", value)).GetShellEscapedString("MY_SCHEMA"));

    [Fact]
    public void GetShellEscapedString_NeitherSet_IsNull() => Assert.Null(Create().GetShellEscapedString("MY_SCHEMA"));

    [Fact]
    public async Task ShellQuote_HostileValue_ShReadsBackTheSameString()
    {
        const string hostile = "a'b\"c $HOME `id` $(echo x) \\ ; | & * ? [ ] { } ~ # !\ttab";
        var quoted = CivisEnvironment.ShellQuote(hostile);
        var start = new System.Diagnostics.ProcessStartInfo("sh", ["-c", "printf '%s' " + quoted])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var sh = System.Diagnostics.Process.Start(start)!;
        var output = await sh.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await sh.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, sh.ExitCode);
        Assert.Equal(hostile, output);
    }
}
