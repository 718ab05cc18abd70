using Aqueduct.Civis;

namespace Bikeshare;

/// <summary>
/// The job's settings, from its variables and arguments:
/// <list type="bullet">
/// <item><c>BIKESHARE_SOURCE</c>: <c>tableau</c> (the default in production), <c>fixture</c> (the bundled export, the default in DEV), or the path of an export file (<c>.csv</c> or <c>.csv.gz</c>);</item>
/// <item><c>MIGRATE=true</c> or the argument <c>migrate</c>, optionally followed by an export file: replace the table's contents;</item>
/// <item><c>BIKESHARE_USERNAME</c>, <c>BIKESHARE_PASSWORD</c> (a Civis credential parameter named <c>BIKESHARE</c>), and
/// <c>BIKESHARE_TABLEAU_SERVER</c>, <c>_SITE</c>, <c>_VIEW</c>, <c>_API_VERSION</c> for Tableau.</item>
/// </list>
/// </summary>
public sealed record BikeshareSettings
{
    /// <summary>The Tableau username variable.</summary>
    public const string Username = "BIKESHARE_USERNAME";

    /// <summary>The Tableau password variable.</summary>
    public const string Password = "BIKESHARE_PASSWORD";

    /// <summary>The source variable.</summary>
    public const string Source = "BIKESHARE_SOURCE";

    /// <summary>The default Tableau server (Tableau Cloud; set the site's pod, e.g. <c>https://10ay.online.tableau.com</c>).</summary>
    public const string DefaultServer = "https://online.tableau.com/";

    /// <summary>The default site content URL.</summary>
    public const string DefaultSite = "lacity";

    /// <summary>The default view URL name.</summary>
    public const string DefaultView = "TripsExport";

    /// <summary>The default REST API version (Tableau 2023.1 and later).</summary>
    public const string DefaultApiVersion = "3.19";

    /// <summary>Tableau, when the trips come from there.</summary>
    public TableauSettings? Tableau { get; init; }

    /// <summary>The export file, when the trips come from one.</summary>
    public string? File { get; init; }

    /// <summary>Whether to replace the table's contents rather than insert the new trips.</summary>
    public bool Migrate { get; init; }

    /// <summary>Whether the source is Tableau (so the credentials are required).</summary>
    /// <param name="environment">The job's environment.</param>
    /// <returns><see langword="true"/> for Tableau.</returns>
    public static bool UsesTableau(CivisEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment.GetString(Source) is { Length: > 0 } source
            ? source.Equals("tableau", StringComparison.OrdinalIgnoreCase)
            : !environment.IsDev;
    }

    /// <summary>Reads the settings.</summary>
    /// <param name="environment">The job's environment.</param>
    /// <param name="arguments">The command-line arguments (<c>migrate [file]</c>).</param>
    /// <returns>The settings.</returns>
    /// <exception cref="CivisEnvironmentException">A malformed variable or argument.</exception>
    public static BikeshareSettings From(CivisEnvironment environment, IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(arguments);
        var migrate = environment.GetBoolean("MIGRATE") ?? false;
        string? migrateFile = null;
        if (arguments.Count > 0)
        {
            if (!arguments[0].Equals("migrate", StringComparison.OrdinalIgnoreCase) || arguments.Count > 2)
            {
                throw new CivisEnvironmentException(
                    $"Unknown arguments '{string.Join(' ', arguments)}': the job takes none, 'migrate', or 'migrate <export file>'.", []);
            }

            migrate = true;
            migrateFile = arguments.Count == 2 ? arguments[1] : null;
        }

        var source = migrateFile ?? environment.GetString(Source);
        if (string.IsNullOrEmpty(source))
        {
            source = environment.IsDev ? "fixture" : "tableau";
        }

        if (source.Equals("fixture", StringComparison.OrdinalIgnoreCase))
        {
            return new BikeshareSettings { File = FileTripSource.BundledFixture, Migrate = migrate };
        }

        if (!source.Equals("tableau", StringComparison.OrdinalIgnoreCase))
        {
            return System.IO.File.Exists(source)
                ? new BikeshareSettings { File = Path.GetFullPath(source), Migrate = migrate }
                : throw new CivisEnvironmentException($"{Source} is neither 'tableau', 'fixture' nor an existing export file: '{source}'.", [Source]);
        }

        var server = environment.GetString("BIKESHARE_TABLEAU_SERVER") is { Length: > 0 } text ? text : DefaultServer;
        if (!Uri.TryCreate(server.EndsWith('/') ? server : server + "/", UriKind.Absolute, out var serverUri))
        {
            throw new CivisEnvironmentException("BIKESHARE_TABLEAU_SERVER is not an absolute URL.", ["BIKESHARE_TABLEAU_SERVER"]);
        }

        return new BikeshareSettings
        {
            Migrate = migrate,
            Tableau = new TableauSettings(
                serverUri,
                environment.GetString("BIKESHARE_TABLEAU_SITE") ?? DefaultSite,
                environment.GetString("BIKESHARE_TABLEAU_VIEW") is { Length: > 0 } view ? view : DefaultView,
                environment.GetString("BIKESHARE_TABLEAU_API_VERSION") is { Length: > 0 } version ? version : DefaultApiVersion,
                environment.GetRequiredString(Username, "Missing bikeshare username"),
                environment.GetRequiredString(Password, "Missing bikeshare password")),
        };
    }
}
