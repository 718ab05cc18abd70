using Microsoft.Extensions.Configuration;

namespace Aqueduct.Civis.Tests.Environment;

public class PlatformConfigurationTests
{
    [Fact]
    public void AddPlatformEnvironmentVariables_NamesDifferingInCase_UpperCasedWins()
    {
        // Linux allows both; configuration keys are case-insensitive, so one must win.
        var upper = "AQUEDUCT_CASE_" + Guid.NewGuid().ToString("N").ToUpperInvariant();
        var lower = upper.ToLowerInvariant();
        System.Environment.SetEnvironmentVariable(lower, "as-written");
        System.Environment.SetEnvironmentVariable(upper, "upper");
        try
        {
            var env = new CivisEnvironment(new ConfigurationBuilder().AddPlatformEnvironmentVariables().Build());
            Assert.Equal("upper", env.GetString(lower));
        }
        finally
        {
            System.Environment.SetEnvironmentVariable(lower, null);
            System.Environment.SetEnvironmentVariable(upper, null);
        }
    }

    [Fact]
    public void AddDotEnvFile_BeneathEnvironment_EnvironmentWins()
    {
        var name = "AQUEDUCT_LAYER_" + Guid.NewGuid().ToString("N").ToUpperInvariant();
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".env");
        File.WriteAllText(path, $"{name}=from-file\n{name}_ONLY=file-only\n");
        System.Environment.SetEnvironmentVariable(name, "from-environment");
        try
        {
            var configuration = new ConfigurationBuilder().AddDotEnvFile(path).AddPlatformEnvironmentVariables().Build();
            Assert.Equal("from-environment", configuration[name]);
            Assert.Equal("file-only", configuration[name + "_ONLY"]);
        }
        finally
        {
            System.Environment.SetEnvironmentVariable(name, null);
            File.Delete(path);
        }
    }

    [Fact]
    public void AddDotEnvFile_MissingRequiredFile_Throws() =>
        Assert.Throws<FileNotFoundException>(() => new ConfigurationBuilder().AddDotEnvFile("/nonexistent/.env", optional: false));
}

public class FromProcessEnvironmentTests
{
    [Fact]
    public void FromProcessEnvironment_DotEnvSaysDev_IsLayeredBeneathTheEnvironment()
    {
        var name = "AQUEDUCT_DOTENV_" + Guid.NewGuid().ToString("N").ToUpperInvariant();
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".env");
        File.WriteAllText(path, $"DEV=1\n{name}=from-file\n");
        try
        {
            var env = CivisEnvironment.FromProcessEnvironment(path);
            Assert.True(env.IsDev);
            Assert.Equal("from-file", env.GetString(name));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromProcessEnvironment_ProductionWithDotEnv_IgnoresTheFile()
    {
        if (new CivisEnvironment(new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddPlatformEnvironmentVariables().Build()).IsDev)
        {
            Assert.Skip("The test process itself runs with DEV set.");
        }

        var name = "AQUEDUCT_DOTENV_" + Guid.NewGuid().ToString("N").ToUpperInvariant();
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".env");
        File.WriteAllText(path, $"{name}=from-file\n");
        try
        {
            var env = CivisEnvironment.FromProcessEnvironment(path);
            Assert.False(env.IsDev);
            Assert.Null(env.GetString(name));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
