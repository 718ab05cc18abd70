namespace Aqueduct.Civis.Tests.Manifest;

/// <summary>The <c>.env.example</c> generated from a manifest, and the check of a developer's <c>.env</c>.</summary>
public class LocalEnvironmentTests
{
    private const string Manifest = """
        name: Local
        image: {name: lacity/local}
        command: run
        resources: {cpu: 500, memory: 512}
        parameters:
          - name: POSTGRES
            type: database
            required: true
            value: City of Los Angeles - Postgres
          - name: SOURCE
            type: credential_custom
            label: Source login
            description: The account the job signs in with.
            required: true
          - name: MODE
            type: string
            default: delta
            allowedValues: [delta, full]
          - name: NOTE
            type: multi_line_string
          - name: lower_case
            type: integer
            required: true
        """;

    private static readonly CivisJobManifest Parsed = CivisJobManifest.Parse(Manifest);

    private static KeyValuePair<string, string>[] DotEnv(params (string Key, string Value)[] variables) =>
        [.. variables.Select(v => KeyValuePair.Create(v.Key, v.Value))];

    [Fact]
    public void CreateEnvExample_RequiredParameters_GetEmptyLinesNamedAsThePlatformInjectsThem()
    {
        var lines = Parsed.CreateEnvExample().Split('\n');

        Assert.Contains("SOURCE_USERNAME=", lines);
        Assert.Contains("SOURCE_PASSWORD=", lines);
        Assert.Contains("LOWER_CASE=", lines);
        Assert.Contains("# SOURCE (credential_custom, required): Source login. The account the job signs in with.", lines);
    }

    [Fact]
    public void CreateEnvExample_OptionalParameters_AreCommentedOutWithTheirDefault()
    {
        var lines = Parsed.CreateEnvExample().Split('\n');

        Assert.Contains("# MODE=delta", lines);
        Assert.Contains("# MODE (string, optional, default delta, one of delta, full)", lines);
        Assert.Contains("# NOTE=", lines);
        Assert.DoesNotContain("MODE_SHELL_ESCAPED", string.Join('\n', lines), StringComparison.Ordinal);
    }

    [Fact]
    public void CreateEnvExample_Database_OffersTheUriAndTheParts()
    {
        var text = Parsed.CreateEnvExample();

        Assert.Contains("# POSTGRES_URI=postgres://user:password@localhost:5432/database", text, StringComparison.Ordinal);
        Assert.Contains("# POSTGRES_HOST=", text, StringComparison.Ordinal);
        Assert.Contains("# POSTGRES_CREDENTIAL_PASSWORD=", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\nPOSTGRES_HOST=", text, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateEnvExample_ParsesAsADotEnvFile_AndItsCheckListsTheEmptyLines()
    {
        var example = DotEnvFile.Parse(Parsed.CreateEnvExample(), ".env.example");

        var check = Parsed.CheckLocalEnvironment(example);

        Assert.Equal(["SOURCE_USERNAME", "SOURCE_PASSWORD", "LOWER_CASE"], check.Missing.Select(m => m.Name));
    }

    [Fact]
    public void CheckLocalEnvironment_EverythingInDotEnv_IsComplete()
    {
        var check = Parsed.CheckLocalEnvironment(DotEnv(("SOURCE_USERNAME", "me"), ("SOURCE_PASSWORD", "pw"), ("LOWER_CASE", "3")));

        Assert.True(check.IsComplete);
        Assert.Equal(["MODE", "NOTE"], check.Unset.Select(u => u.Name));
    }

    [Fact]
    public void CheckLocalEnvironment_ProcessEnvironment_CountsToo()
    {
        var check = Parsed.CheckLocalEnvironment(
            DotEnv(("SOURCE_USERNAME", "me")),
            [KeyValuePair.Create("SOURCE_PASSWORD", (string?)"pw"), KeyValuePair.Create("lower_case", (string?)"1")]);

        Assert.True(check.IsComplete, string.Join(", ", check.Missing));
    }

    [Fact]
    public void CheckLocalEnvironment_EmptyValue_IsMissing()
    {
        var check = Parsed.CheckLocalEnvironment(DotEnv(("SOURCE_USERNAME", ""), ("SOURCE_PASSWORD", "pw"), ("LOWER_CASE", "3")));

        var missing = Assert.Single(check.Missing);
        Assert.Equal("SOURCE_USERNAME", missing.Name);
        Assert.Equal("SOURCE", missing.Parameter.Name);
        Assert.Contains("Source login", missing.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckLocalEnvironment_NoLocalWarehouse_NeedsTheUriOrTheParts()
    {
        var set = DotEnv(("SOURCE_USERNAME", "me"), ("SOURCE_PASSWORD", "pw"), ("LOWER_CASE", "3"));

        var without = Parsed.CheckLocalEnvironment(set, localWarehouse: false);
        Assert.Equal(["POSTGRES_URI"], without.Missing.Select(m => m.Name));
        Assert.Contains("POSTGRES_HOST", without.Missing[0].Reason, StringComparison.Ordinal);

        Assert.True(Parsed.CheckLocalEnvironment([.. set, KeyValuePair.Create("POSTGRES_URI", "postgres://a:b@h/d")], localWarehouse: false).IsComplete);
        Assert.True(Parsed.CheckLocalEnvironment(
            [.. set, .. DotEnv(("POSTGRES_HOST", "h"), ("POSTGRES_DATABASE", "d"), ("POSTGRES_CREDENTIAL_USERNAME", "u"), ("POSTGRES_CREDENTIAL_PASSWORD", "p"))],
            localWarehouse: false).IsComplete);
    }

    [Fact]
    public void CheckLocalEnvironment_Results_NeverHoldAValue()
    {
        var check = Parsed.CheckLocalEnvironment(DotEnv(("SOURCE_PASSWORD", "hunter2-secret")));

        Assert.DoesNotContain("hunter2-secret", string.Join("\n", check.Missing.Concat(check.Unset).Select(m => m.ToString())), StringComparison.Ordinal);
    }
}
