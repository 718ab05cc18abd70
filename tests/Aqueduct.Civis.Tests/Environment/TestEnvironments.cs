using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace Aqueduct.Civis.Tests.Environment;

/// <summary>Builds environments from dictionaries, the way job tests are meant to.</summary>
internal static class TestEnvironments
{
    public static CivisEnvironment Create(params (string Key, string? Value)[] variables) =>
        new(new ConfigurationBuilder()
            .AddInMemoryCollection(variables.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build());

    /// <summary>
    /// An environment over a case-sensitive source, as Linux's environment is before configuration folds it: <c>NAME</c>
    /// and <c>name</c> are different variables, so the order in which a lookup tries them shows.
    /// </summary>
    public static CivisEnvironment CreateCaseSensitive(params (string Key, string? Value)[] variables) =>
        new(new OrdinalConfiguration(variables.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal)));

    /// <summary>A read-only configuration whose keys are compared ordinally (only the indexer: all CivisEnvironment reads).</summary>
    private sealed class OrdinalConfiguration(Dictionary<string, string?> values) : IConfiguration
    {
        public string? this[string key]
        {
            get => values.GetValueOrDefault(key);
            set => throw new NotSupportedException();
        }

        public IEnumerable<IConfigurationSection> GetChildren() => throw new NotSupportedException();

        public IChangeToken GetReloadToken() => throw new NotSupportedException();

        public IConfigurationSection GetSection(string key) => throw new NotSupportedException();
    }
}
