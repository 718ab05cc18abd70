using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Api;

public class ClientEnvironmentTests
{
    [Fact]
    public void FromEnvironment_PlatformVariables_FillKeyAddressAndIds()
    {
        var env = Create(("CIVIS_API_KEY", "key-123"), ("CIVIS_API_ENDPOINT", "https://civis.example/api"), ("CIVIS_JOB_ID", "7"), ("CIVIS_RUN_ID", "8"));

        var options = CivisClientOptions.FromEnvironment(env);

        Assert.Equal("key-123", options.ApiKey);
        Assert.Equal(new Uri("https://civis.example/api/"), options.BaseAddress);
        Assert.Equal((7, 8), (options.JobId, options.RunId));
    }

    [Fact]
    public void FromEnvironment_NothingSet_KeepsTheDefaultAddress() =>
        Assert.Equal(CivisClientOptions.DefaultBaseAddress, CivisClientOptions.FromEnvironment(Create()).BaseAddress);
}
