using Microsoft.Extensions.Configuration;

namespace Aqueduct.Civis.Tests.Environment;

/// <summary>Builds environments from dictionaries, the way job tests are meant to.</summary>
internal static class TestEnvironments
{
    public static CivisEnvironment Create(params (string Key, string? Value)[] variables) =>
        new(new ConfigurationBuilder()
            .AddInMemoryCollection(variables.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build());
}
