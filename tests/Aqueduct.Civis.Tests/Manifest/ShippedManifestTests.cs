using Aqueduct.Civis.Tests.Templates;

namespace Aqueduct.Civis.Tests.Manifest;

/// <summary>The manifests the repository ships: the template's and the bikeshare sample's.</summary>
public class ShippedManifestTests
{
    private static string TemplateManifest => Path.Combine(DotnetCli.RepositoryRoot, "templates", "civis-job", CivisJobManifest.FileName);

    private static string SampleManifest => Path.Combine(DotnetCli.RepositoryRoot, "samples", "Bikeshare", CivisJobManifest.FileName);

    [Fact]
    public void Load_TemplateManifest_Validates()
    {
        var manifest = CivisJobManifest.Load(TemplateManifest);

        Assert.Equal("dotnet /opt/job/MyJob.dll", manifest.Command);
        Assert.Equal(CivisParameterType.Database, manifest.FindParameter("POSTGRES")!.Type);
        Assert.Equal(CivisParameterType.CredentialCustom, manifest.FindParameter("SOURCE")!.Type);
        Assert.True(manifest.CancelTimeout >= 30);
    }

    [Fact]
    public void Load_SampleManifest_Validates()
    {
        var manifest = CivisJobManifest.Load(SampleManifest);

        Assert.Equal("dotnet /opt/job/Bikeshare.dll", manifest.Command);
        Assert.Equal("City of Los Angeles - Postgres", manifest.FindParameter("POSTGRES")!.Database!.Name);
        // The job checks the Tableau login itself (only a Tableau source needs it), so DEV runs on the bundled export work.
        Assert.False(manifest.FindParameter("BIKESHARE")!.Required);
        Assert.Equal(
            [BikeshareSettingsNames.Source, "MIGRATE", "BIKESHARE_TABLEAU_SERVER", "BIKESHARE_TABLEAU_SITE", "BIKESHARE_TABLEAU_VIEW", "BIKESHARE_TABLEAU_API_VERSION"],
            manifest.Parameters.Where(p => p.Type is CivisParameterType.String or CivisParameterType.Bool).Select(p => p.Name));
    }

    [Fact]
    public void Load_SampleManifest_DefaultsAreTheJobsDefaults()
    {
        var manifest = CivisJobManifest.Load(SampleManifest);

        Assert.Equal(Bikeshare.BikeshareSettings.DefaultServer, manifest.FindParameter("BIKESHARE_TABLEAU_SERVER")!.Default);
        Assert.Equal(Bikeshare.BikeshareSettings.DefaultSite, manifest.FindParameter("BIKESHARE_TABLEAU_SITE")!.Default);
        Assert.Equal(Bikeshare.BikeshareSettings.DefaultView, manifest.FindParameter("BIKESHARE_TABLEAU_VIEW")!.Default);
        Assert.Equal(Bikeshare.BikeshareSettings.DefaultApiVersion, manifest.FindParameter("BIKESHARE_TABLEAU_API_VERSION")!.Default);
    }

    [Fact]
    public async Task EnvExample_Template_IsGeneratedFromItsManifest()
    {
        var manifest = CivisJobManifest.Load(TemplateManifest);
        var envExample = await File.ReadAllTextAsync(Path.Combine(DotnetCli.RepositoryRoot, "templates", "civis-job", ".env.example"), TestContext.Current.CancellationToken);

        Assert.Equal(manifest.CreateEnvExample(), envExample);
    }

    [Fact]
    public void SampleBuildOutput_HoldsTheManifest_ButReferencingProjectsDoNot()
    {
        // The test project references the sample: the sample's output has its manifest, this project's output has none
        // (a manifest there would make every job host test check the sample's parameters).
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var sampleOutput = Path.Combine(DotnetCli.RepositoryRoot, "samples", "Bikeshare", "bin", configuration, "net10.0");

        Assert.True(File.Exists(Path.Combine(sampleOutput, CivisJobManifest.FileName)), sampleOutput);
        Assert.False(File.Exists(Path.Combine(AppContext.BaseDirectory, CivisJobManifest.FileName)));
    }

    [Theory]
    [InlineData("templates/civis-job/src/MyJob/MyJob.csproj")]
    [InlineData("samples/Bikeshare/Bikeshare.csproj")]
    public async Task ContainerPublish_ShippedProject_PutsTheJobOutsideAppAsANonRootUser(string project)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(DotnetCli.RepositoryRoot, project), TestContext.Current.CancellationToken);

        Assert.Contains("<ContainerWorkingDirectory>/opt/job/</ContainerWorkingDirectory>", text, StringComparison.Ordinal);
        Assert.Contains("<ContainerUser>1654</ContainerUser>", text, StringComparison.Ordinal);
    }

    private static class BikeshareSettingsNames
    {
        public const string Source = Bikeshare.BikeshareSettings.Source;
    }
}
