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
}
