using Bikeshare;
using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Samples;

/// <summary>How the bikeshare job picks its source and mode from its variables and arguments.</summary>
public sealed class BikeshareSettingsTests
{
    [Fact]
    public void From_Dev_ReadsTheBundledFixtureWithoutCredentials()
    {
        var settings = BikeshareSettings.From(Create(("DEV", "1")), []);

        Assert.Equal(FileTripSource.BundledFixture, settings.File);
        Assert.True(File.Exists(settings.File));
        Assert.Null(settings.Tableau);
        Assert.False(settings.Migrate);
        Assert.False(BikeshareSettings.UsesTableau(Create(("DEV", "1"))));
    }

    [Fact]
    public void From_Production_ReadsTableauWithTheDefaults()
    {
        var environment = Create(("BIKESHARE_USERNAME", "jane"), ("BIKESHARE_PASSWORD", "Tr0ub4dor&3"));

        var tableau = BikeshareSettings.From(environment, []).Tableau;

        Assert.True(BikeshareSettings.UsesTableau(environment));
        Assert.NotNull(tableau);
        Assert.Equal(new Uri(BikeshareSettings.DefaultServer), tableau.Server);
        Assert.Equal(BikeshareSettings.DefaultSite, tableau.Site);
        Assert.Equal(BikeshareSettings.DefaultView, tableau.View);
        Assert.Equal(BikeshareSettings.DefaultApiVersion, tableau.ApiVersion);
        Assert.DoesNotContain("Tr0ub4dor", tableau.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void From_MigrateWithAFile_ReadsThatFileInAnyMode()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "trips-10.csv");

        var settings = BikeshareSettings.From(Create(), ["migrate", path]);

        Assert.True(settings.Migrate);
        Assert.Equal(path, settings.File);
        Assert.Null(settings.Tableau);
    }

    [Fact]
    public void From_SourceNeitherKnownNorAFile_NamesTheVariable()
    {
        var exception = Assert.Throws<CivisEnvironmentException>(() =>
            BikeshareSettings.From(Create(("DEV", "1"), ("BIKESHARE_SOURCE", "/no/such/export.csv")), []));

        Assert.Equal(["BIKESHARE_SOURCE"], exception.VariableNames);
    }
}
