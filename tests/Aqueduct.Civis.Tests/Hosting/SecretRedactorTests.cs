using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Hosting;

public sealed class SecretRedactorTests
{
    [Theory]
    [InlineData("CIVIS_API_KEY")]
    [InlineData("BIKESHARE_PASSWORD")]
    [InlineData("POSTGRES_CREDENTIAL_PASSWORD")]
    [InlineData("AWS_SECRET_ACCESS_KEY")]
    [InlineData("github_token")]
    public void Redact_SecretVariableValue_IsMasked(string name)
    {
        var redactor = SecretRedactor.FromEnvironment(Create((name, "s3cr3t-Value"), ("BIKESHARE_USERNAME", "jane")));

        var text = redactor.Redact("login as jane with s3cr3t-Value failed");

        Assert.Equal("login as jane with *** failed", text);
    }

    [Fact]
    public void Redact_PasswordInsideUriVariable_IsMaskedDecodedAndEncoded()
    {
        var redactor = SecretRedactor.FromEnvironment(Create(("POSTGRES_URI", "postgres://ita:p%40ss word@localhost:5432/ita")));

        Assert.Equal("bad *** and ***", redactor.Redact("bad p@ss word and p%40ss word"));
    }

    [Fact]
    public void Redact_UnknownUriPassword_IsMaskedByPattern()
    {
        var redactor = new SecretRedactor([]);

        Assert.Equal("cannot reach postgres://ita:***@db:5432/ita", redactor.Redact("cannot reach postgres://ita:other@db:5432/ita"));
    }

    [Fact]
    public void Redact_ConnectionStringPassword_IsMasked()
    {
        var redactor = new SecretRedactor([]);

        Assert.Equal("Host=db;Password=***;Database=ita", redactor.Redact("Host=db;Password=hunter2;Database=ita"));
    }

    [Fact]
    public void Redact_NonSecretVariables_AreLeftAlone()
    {
        var redactor = SecretRedactor.FromEnvironment(Create(("BIKESHARE_USERNAME", "jane"), ("CIVIS_JOB_ID", "42")));

        Assert.Equal("jane ran job 42", redactor.Redact("jane ran job 42"));
    }

    [Fact]
    public void Redact_KeyValueConnectionStringInUriVariable_PasswordIsMasked()
    {
        var redactor = SecretRedactor.FromEnvironment(Create(("POSTGRES_URI", "Host=db;Username=ita;Password='Hunter2;Secret';Database=ita")));

        Assert.Equal("auth failed for *** at db", redactor.Redact("auth failed for Hunter2;Secret at db"));
    }

    [Fact]
    public void Redact_PasswordsInTheQueryOfAPostgresUri_AreMasked()
    {
        var redactor = SecretRedactor.FromEnvironment(Create(("REDSHIFT_URI", "postgresql://rs/d?password=Qu3ry%20S3cret&sslpassword=Ssl-S3cretX")));

        Assert.Equal("*** and ***", redactor.Redact("Qu3ry S3cret and Ssl-S3cretX"));
    }

    public static TheoryData<string, string> EncodedForms => new()
    {
        { "raw", "p@ss w&rd/é<\"'>+" },
        { "percent, upper case", "p%40ss%20w%26rd%2F%C3%A9%3C%22%27%3E%2B" },
        { "percent, lower case", "p%40ss%20w%26rd%2f%c3%a9%3c%22%27%3e%2b" },
        { "form, + for space", "p%40ss+w%26rd%2F%C3%A9%3C%22%27%3E%2B" },
        { "form, + for space, lower case", "p%40ss+w%26rd%2f%c3%a9%3c%22%27%3e%2b" },
        { "JSON, System.Text.Json default", "p@ss w\\u0026rd/\\u00E9\\u003C\\u0022\\u0027\\u003E\\u002B" },
        { "JSON, lower-case hex", "p@ss w\\u0026rd/\\u00e9\\u003c\\u0022\\u0027\\u003e\\u002b" },
        { "JSON, minimal", "p@ss w&rd/é<\\\"'>+" },
        { "XML", "p@ss w&amp;rd/é&lt;&quot;&apos;&gt;+" },
        { "XML text", "p@ss w&amp;rd/é&lt;\"'&gt;+" },
    };

    [Theory]
    [MemberData(nameof(EncodedForms))]
    public void Redact_SecretInAnyEncoding_IsMasked(string form, string text)
    {
        var redactor = SecretRedactor.FromEnvironment(Create(("BIKESHARE_PASSWORD", "p@ss w&rd/é<\"'>+")));

        Assert.True("[***]" == redactor.Redact("[" + text + "]"), form);
    }

    [Fact]
    public void Redact_ShortSecret_IsNotMaskedInsideOrdinaryWords()
    {
        var redactor = SecretRedactor.FromEnvironment(Create(("BIKESHARE_PASSWORD", "abc")));

        Assert.Equal("abcdef *** xabc (***) ***.", redactor.Redact("abcdef abc xabc (abc) abc."));
    }

    [Fact]
    public void Redact_LongSecret_IsMaskedInsideWords()
    {
        var redactor = SecretRedactor.FromEnvironment(Create(("BIKESHARE_PASSWORD", "hunter2x")));

        Assert.Equal("x***y", redactor.Redact("xhunter2xy"));
    }
}
