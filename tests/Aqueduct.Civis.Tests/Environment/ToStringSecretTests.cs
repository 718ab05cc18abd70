using System.Reflection;
using Aqueduct.Civis.Testing;
using Aqueduct.Civis.Tests.Infrastructure;
using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Environment;

/// <summary>
/// Every public type of both packages that has its own <see cref="object.ToString"/> is built here with secrets in
/// every input that can hold one (a URL's user-info and query, an API key, a password), and none may show them.
/// A new public type with a ToString fails the coverage test until it is added here.
/// </summary>
public sealed class ToStringSecretTests(PostgresServerFixture serverFixture)
{
    private const string UserInfoPassword = "UiPassw0rdX";
    private const string QuerySecret = "QrySign4tureX";
    private const string ApiKey = "ApiK3yS3cretX";
    private const string Password = "Pl4inPassw0rdX";

    private static readonly string[] Secrets = [UserInfoPassword, QuerySecret, ApiKey, Password];

    private static readonly Uri SecretUrl = new($"https://jane:{UserInfoPassword}@files.example:8443/path/f.csv?X-Amz-Signature={QuerySecret}");

    /// <summary>Builds each covered type with secrets in it.</summary>
    private static readonly Dictionary<Type, Func<object>> Builders = new()
    {
        [typeof(CivisEnvironment)] = () => Create(
            ("CIVIS_API_ENDPOINT", $"https://jane:{UserInfoPassword}@api.example/?key={QuerySecret}"), ("CIVIS_API_KEY", ApiKey)),
        [typeof(CivisFileParameter)] = () => new CivisFileParameter(42, SecretUrl),
        [typeof(CivisClient)] = () => new CivisClient(new CivisClientOptions { ApiKey = ApiKey, BaseAddress = new Uri($"https://jane:{UserInfoPassword}@api.example/") }),
        [typeof(DatabaseCredential)] = () => new DatabaseCredential("db", 5432, "d", "jane", Password, "postgres"),
        [typeof(UsernamePasswordCredential)] = () => new UsernamePasswordCredential("jane", Password),
        [typeof(AwsCredential)] = () => new AwsCredential("AKIAEXAMPLE", Password),
        [typeof(RequiredVariable)] = () => new RequiredVariable("BIKESHARE_PASSWORD", "the bikeshare password"),
        [typeof(CivisService)] = () => new CivisService(1, "v1", 3838, "/app", "/repo"),
        [typeof(CivisJobRepository)] = () => new CivisJobRepository($"https://jane:{UserInfoPassword}@github.com/lacity/job.git", "main", null),
    };

    /// <summary>Public types with their own ToString that hold no input a secret could be in, and why.</summary>
    private static readonly Dictionary<string, string> NoSecretInput = new(StringComparer.Ordinal)
    {
        ["TableName"] = "schema and table names",
        ["ColumnDefinition"] = "a column name and type",
        ["CsvSource"] = "a file path or a stream",
        ["LoadResult"] = "row counts and names",
        ["CivisRateLimit"] = "numbers from response headers",
        ["CivisPagination"] = "numbers from response headers",
        ["FakeCivisRequest"] = "the fake API's record of a request: its headers are not printed, its query is the test's own",
        ["FakeRunOutcome"] = "a fake run's state",
        ["FakeCsvImportRun"] = "a fake import's state",
        ["FakeFault"] = "a fault the test injects",
        ["LocalWarehouse"] = "started by tests of their own; shows only host:port/database of URIs it made (checked in LocalWarehouseTests)",
        ["PostgresServer"] = "checked below with the shared server",
        ["CivisJobManifest"] = "the manifest's file and name; a manifest holds no credential (credentials are referenced by name)",
        ["CivisJobImage"] = "an image name and tag",
        ["CivisJobResources"] = "numbers",
        ["CivisJobSchedule"] = "numbers and a time zone",
        ["CivisJobNotifications"] = "e-mail addresses and URL lists (a record prints a list's type, not its items)",
        ["CivisJobShare"] = "a user or group reference and a permission",
        ["CivisAllowedValue"] = "a parameter's allowed value; a credential parameter has none",
        ["CivisJobParameter"] = "a parameter's name and type",
        ["CivisMissingVariable"] = "a variable's name and why it is needed, never its value",
        ["CivisLocalEnvironmentCheck"] = "lists of missing variables (names only)",
        ["CivisManifestError"] = "a location, a key and a message that quotes no credential",
        ["CivisManifestLocation"] = "a file, line and column",
        ["CivisManifestReference"] = "a name or id of a platform object",
        ["CivisParameterVariable"] = "a variable's name and description",
        ["FanOutProgress"] = "a fan-out child's partition (the job's own value, never its arguments), ids, state and counts",
        ["FanOutChild"] = "a fan-out child's partition, ids, state and attempt count; not its outputs or error",
        ["FakeContainerRunStart"] = "a fake run's script, attempt and the test's own arguments",
    };

    [Fact]
    public void ToString_EveryPublicTypeThatOverridesIt_IsCoveredHere()
    {
        var types = new[] { typeof(CivisEnvironment).Assembly, typeof(PostgresServer).Assembly }
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => !t.IsAbstract || !t.IsSealed) // not static classes
            .Where(t => t.GetMethod(nameof(ToString), BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes)?.DeclaringType == t)
            .Where(t => !t.IsEnum)
            .ToList();

        var uncovered = types.Where(t => !Builders.ContainsKey(t) && !NoSecretInput.ContainsKey(t.Name)).Select(t => t.FullName).ToList();

        Assert.True(uncovered.Count == 0, "public types with a ToString not covered by this test: " + string.Join(", ", uncovered));
        Assert.NotEmpty(types);
    }

    public static TheoryData<string> CoveredTypes => new(Builders.Keys.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(CoveredTypes))]
    public void ToString_TypeBuiltWithSecrets_ShowsNone(string typeName)
    {
        var value = Builders.Single(b => b.Key.Name == typeName).Value();
        var text = value.ToString() ?? string.Empty;
        (value as IDisposable)?.Dispose();

        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ToString_UrlWithUserInfo_ShowsHostAndPathOnly()
    {
        Assert.Equal("CivisFileParameter { Id = 42, Url = https://files.example:8443/path/f.csv?… }", new CivisFileParameter(42, SecretUrl).ToString());
    }

    [Fact]
    public async Task ToString_PostgresServer_ShowsNoPassword()
    {
        var server = await serverFixture.GetServerAsync();
        var password = new Npgsql.NpgsqlConnectionStringBuilder(server.ConnectionString).Password;

        var text = server.ToString();

        Assert.False(string.IsNullOrEmpty(password) || text.Contains(password, StringComparison.Ordinal), "the server's ToString shows its password, or it has none to test with");
    }
}
