using Microsoft.Extensions.Configuration;

namespace Aqueduct.Civis;

/// <summary>Configuration sources for Civis jobs.</summary>
public static class PlatformConfigurationExtensions
{
    /// <summary>
    /// Adds the process environment variables the way the platform names parameters: when two
    /// variables differ only in case (<c>MY_SCHEMA</c> and <c>my_schema</c>, possible on Linux),
    /// the upper-cased one wins, since configuration keys are case-insensitive.
    /// </summary>
    /// <param name="builder">The configuration builder.</param>
    /// <returns>The same builder.</returns>
    public static IConfigurationBuilder AddPlatformEnvironmentVariables(this IConfigurationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddEnvironmentVariables();

        var variables = System.Environment.GetEnvironmentVariables();
        var upperWins = variables.Keys.Cast<string>()
            .GroupBy(k => k, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() > 1)
            .Select(g => g.FirstOrDefault(static k => !k.Any(char.IsLower)))
            .OfType<string>()
            .Select(k => new KeyValuePair<string, string?>(k, (string?)variables[k]))
            .ToList();
        return upperWins.Count > 0 ? builder.AddInMemoryCollection(upperWins) : builder;
    }

    /// <summary>
    /// Adds the variables of a <c>.env</c> file. Add it before the environment variables so that
    /// a variable the environment already has wins.
    /// </summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="path">The file's path; by default <c>.env</c> in the working directory.</param>
    /// <param name="optional">Whether a missing file is fine.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist and is not optional.</exception>
    public static IConfigurationBuilder AddDotEnvFile(this IConfigurationBuilder builder, string path = DotEnvFile.DefaultFileName, bool optional = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var values = DotEnvFile.TryRead(path);
        if (values is null)
        {
            return optional ? builder : throw new FileNotFoundException($"The .env file '{path}' does not exist.", path);
        }

        return builder.AddInMemoryCollection(values.Select(static p => new KeyValuePair<string, string?>(p.Key, p.Value)));
    }
}
