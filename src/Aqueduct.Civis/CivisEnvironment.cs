using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Aqueduct.Civis;

/// <summary>
/// What the Civis Platform hands a job through environment variables: DEV detection, job and run
/// ids, the API key and endpoint, typed script parameters and injected credentials.
/// </summary>
/// <remarks>
/// <para>
/// Values are read from an <see cref="IConfiguration"/>, so tests can pass an in-memory dictionary
/// and jobs can layer sources; <see cref="FromProcessEnvironment(bool)"/> reads the process
/// environment. A parameter is looked up by its upper-cased name first (the platform upper-cases
/// parameter names), then by the name as written.
/// </para>
/// <para>
/// No secret (the API key, a password, a secret access key) ever appears in a message,
/// an exception or <see cref="ToString"/>.
/// </para>
/// </remarks>
public sealed class CivisEnvironment
{
    /// <summary>The API endpoint used when <c>CIVIS_API_ENDPOINT</c> is not set.</summary>
    public static readonly Uri DefaultApiEndpoint = Api.Internal.CivisDefaults.ApiEndpoint;

    /// <summary>The port a Civis service listens on when <c>CIVIS_SERVICE_PORT</c> is not set.</summary>
    public const int DefaultServicePort = 3838;

    /// <summary>Creates an environment that reads the given configuration.</summary>
    /// <param name="configuration">The variables, keyed by name (for example environment variables).</param>
    public CivisEnvironment(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Configuration = configuration;
        IsDev = ReadDev(configuration);
        JobId = GetInt32(PlatformVariables.JobId);
        RunId = GetInt32(PlatformVariables.RunId);
        ApiEndpoint = ReadApiEndpoint();
    }

    /// <summary>
    /// Creates an environment from the process's environment variables. In DEV (set in the
    /// environment or in the <c>.env</c> file) the <c>.env</c> file of the working directory is
    /// layered beneath the environment, so a variable the environment already has always wins.
    /// </summary>
    /// <param name="loadDotEnvInDev">Whether to read <c>.env</c> from the working directory in DEV.</param>
    /// <returns>The environment.</returns>
    public static CivisEnvironment FromProcessEnvironment(bool loadDotEnvInDev = true) =>
        FromProcessEnvironment(loadDotEnvInDev ? Path.Combine(Directory.GetCurrentDirectory(), DotEnvFile.DefaultFileName) : null);

    internal static CivisEnvironment FromProcessEnvironment(string? dotEnvPath)
    {
        var environmentOnly = new ConfigurationBuilder().AddPlatformEnvironmentVariables().Build();
        var dotEnv = dotEnvPath is null ? null : DotEnvFile.TryRead(dotEnvPath);
        if (dotEnv is null)
        {
            return new CivisEnvironment(environmentOnly);
        }

        var layered = new ConfigurationBuilder()
            .AddInMemoryCollection(dotEnv.Select(static p => new KeyValuePair<string, string?>(p.Key, p.Value)))
            .AddPlatformEnvironmentVariables()
            .Build();
        var candidate = new CivisEnvironment(layered);
        return candidate.IsDev ? candidate : new CivisEnvironment(environmentOnly);
    }

    /// <summary>The configuration the variables are read from.</summary>
    public IConfiguration Configuration { get; }

    /// <summary>
    /// Whether this is a developer's machine: <c>DEV</c> is <c>1</c>, <c>true</c>, <c>yes</c> or
    /// <c>on</c> (any case). <c>0</c>, <c>false</c>, <c>no</c>, <c>off</c>, empty or absent mean
    /// production.
    /// </summary>
    /// <remarks>
    /// The team's old Python jobs tested <c>if os.environ.get("DEV")</c>, so any non-empty value,
    /// even <c>DEV=0</c>, meant dev. Here <c>DEV=0</c> means production, and a value that is
    /// neither true nor false (<c>DEV=maybe</c>) is an error rather than a guess.
    /// </remarks>
    public bool IsDev { get; }

    /// <summary>The platform job id (<c>CIVIS_JOB_ID</c>), or <see langword="null"/> outside the platform.</summary>
    public int? JobId { get; }

    /// <summary>The platform run id (<c>CIVIS_RUN_ID</c>), or <see langword="null"/> outside the platform.</summary>
    public int? RunId { get; }

    /// <summary>Whether the job runs on the Civis Platform (both <see cref="JobId"/> and <see cref="RunId"/> are set).</summary>
    public bool IsOnPlatform => JobId is not null && RunId is not null;

    /// <summary>
    /// The API key (<c>CIVIS_API_KEY</c>) of the user the run acts for, or <see langword="null"/>.
    /// It is a secret: pass it on to the API client, never print it.
    /// </summary>
    public string? ApiKey => GetString(PlatformVariables.ApiKey);

    /// <summary>The API base address: <c>CIVIS_API_ENDPOINT</c>, by default <see cref="DefaultApiEndpoint"/>.</summary>
    public Uri ApiEndpoint { get; }

    /// <summary>The log level the run asks for (<c>CIVIS_LOG_LEVEL</c>), or <see langword="null"/>.</summary>
    public string? LogLevel => GetString(PlatformVariables.LogLevel);

    /// <summary>
    /// The service variables when this process is a Civis service (<c>CIVIS_SERVICE_ID</c> is set),
    /// otherwise <see langword="null"/>.
    /// </summary>
    public CivisService? Service => GetInt32(PlatformVariables.ServiceId) is { } id
        ? new CivisService(
            id,
            GetString(PlatformVariables.ServiceVersion),
            GetPort(PlatformVariables.ServicePort) ?? DefaultServicePort,
            GetString(PlatformVariables.AppDir),
            GetString(PlatformVariables.RepoPathDir))
        : null;

    /// <summary>
    /// Finds the variable of a parameter: the upper-cased name first, then the name as written.
    /// </summary>
    /// <param name="name">The parameter or variable name.</param>
    /// <returns>The name of the variable that is set, or <see langword="null"/> when neither is.</returns>
    public string? FindVariable(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var upper = name.ToUpperInvariant();
        if (Configuration[upper] is not null)
        {
            return upper;
        }

        return Configuration[name] is not null ? name : null;
    }

    /// <summary>Reads a string parameter (upper-cased name first, then as written).</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The value, or <see langword="null"/> when the variable is not set.</returns>
    public string? GetString(string name) => FindVariable(name) is { } key ? Configuration[key] : null;

    /// <summary>Reads a string parameter that must be set and non-empty.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="message">The message to show when it is missing, for example "Missing bikeshare username".</param>
    /// <returns>The value.</returns>
    /// <exception cref="CivisEnvironmentException">The variable is not set or empty.</exception>
    public string GetRequiredString(string name, string? message = null)
    {
        var value = GetString(name);
        if (string.IsNullOrEmpty(value))
        {
            throw MissingVariables([new RequiredVariable(name, message)]);
        }

        return value;
    }

    /// <summary>Reads an integer parameter.</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The value, or <see langword="null"/> when the variable is not set or empty.</returns>
    /// <exception cref="CivisEnvironmentException">The value is not a 32-bit integer.</exception>
    public int? GetInt32(string name) =>
        Get<int>(name, "an integer (Int32)", static s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null);

    /// <summary>Reads a 64-bit integer parameter.</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The value, or <see langword="null"/> when the variable is not set or empty.</returns>
    /// <exception cref="CivisEnvironmentException">The value is not a 64-bit integer.</exception>
    public long? GetInt64(string name) =>
        Get<long>(name, "an integer (Int64)", static s => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null);

    /// <summary>Reads a float parameter (invariant culture: <c>1234.5</c>).</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The value, or <see langword="null"/> when the variable is not set or empty.</returns>
    /// <exception cref="CivisEnvironmentException">The value is not a finite number: <c>NaN</c>, <c>Infinity</c> and values too large for a Double (<c>1e400</c>) are rejected.</exception>
    public double? GetDouble(string name) =>
        Get<double>(name, "a finite number (Double)", static s =>
            double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null);

    /// <summary>Reads a bool parameter: <c>true</c>/<c>false</c> as the platform sends them, also <c>1</c>/<c>0</c>, <c>yes</c>/<c>no</c>, <c>on</c>/<c>off</c>.</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The value, or <see langword="null"/> when the variable is not set or empty.</returns>
    /// <exception cref="CivisEnvironmentException">The value is not a boolean.</exception>
    public bool? GetBoolean(string name) => Get<bool>(name, "a boolean (true or false)", ParseBoolean);

    /// <summary>
    /// Reads a file parameter: the Civis file id (<c>NAME</c>) and its download URL (<c>NAME_URL</c>).
    /// </summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The file, or <see langword="null"/> when the id variable is not set or empty.</returns>
    /// <exception cref="CivisEnvironmentException">The id is not an integer or the URL is not an absolute <c>https</c> URL (<c>http</c> only for a loopback host, for tests).</exception>
    public CivisFileParameter? GetFile(string name)
    {
        if (GetInt64(name) is not { } id)
        {
            return null;
        }

        var urlName = name + "_URL";
        Uri? url = null;
        if (GetString(urlName) is { Length: > 0 } text
            && (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out url) || !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback))))
        {
            // The URL is left out of the message: its query holds the download signature.
            throw new CivisEnvironmentException(
                $"Variable '{FindVariable(urlName)}' must be an absolute https URL (the download URL of file parameter '{name}'); " +
                "plain http is accepted only for a loopback address (a local test server).",
                [FindVariable(urlName)!]);
        }

        return new CivisFileParameter(id, url);
    }

    /// <summary>
    /// Reads a database parameter's injected variables: <c>NAME_HOST</c>, <c>NAME_PORT</c>,
    /// <c>NAME_DATABASE</c>, <c>NAME_CREDENTIAL_USERNAME</c>, <c>NAME_CREDENTIAL_PASSWORD</c>
    /// and the optional <c>NAME_TYPE</c>, with the platform ids <c>NAME_ID</c> (the database) and
    /// <c>NAME_CREDENTIAL_ID</c> (the credential) when injected.
    /// </summary>
    /// <param name="name">The parameter name, for example <c>POSTGRES</c>.</param>
    /// <returns>The credential, or <see langword="null"/> when none of its variables is set.</returns>
    /// <exception cref="CivisEnvironmentException">Some variables are set but others that are needed are missing, the port is not a number from 1 to 65535, or an id is empty or not a whole number from 1 to 2147483647.</exception>
    public DatabaseCredential? GetDatabase(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        name = name.ToUpperInvariant(); // the platform upper-cases the parameter name in every variable
        var names = DatabaseCredential.VariableNames(name);
        if (names.All(n => string.IsNullOrEmpty(GetString(n))) && string.IsNullOrEmpty(GetString(name + "_TYPE")))
        {
            return null;
        }

        var missing = new[] { names[0], names[2], names[3], names[4] }
            .Where(n => string.IsNullOrEmpty(GetString(n)))
            .Select(n => new RequiredVariable(n, $"part of database parameter '{name}'"))
            .ToList();
        if (missing.Count > 0)
        {
            throw MissingVariables(missing);
        }

        return new DatabaseCredential(
            GetString(names[0])!,
            GetPort(names[1]),
            GetString(names[2])!,
            GetString(names[3])!,
            GetString(names[4])!,
            GetString(name + "_TYPE"))
        {
            DatabaseId = GetId(name + "_ID"),
            CredentialId = GetId(name + "_CREDENTIAL_ID"),
        };
    }

    /// <summary>
    /// Reads the platform id the platform injects for a credential or database parameter (<c>NAME_ID</c>): the
    /// id of the credential, or of the database, the run was given.
    /// </summary>
    /// <param name="name">The parameter name, for example <c>BIKESHARE</c> for <c>BIKESHARE_ID</c>.</param>
    /// <returns>The id, or <see langword="null"/> when the variable is not set.</returns>
    /// <exception cref="CivisEnvironmentException">The variable is set but is empty, not a whole number, or not from 1 to 2147483647.</exception>
    public int? GetParameterId(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return GetId(name + PlatformVariables.IdSuffix);
    }

    /// <summary>
    /// Reads a string parameter in its shell-quoted form (<c>NAME_SHELL_ESCAPED</c>), for building a command line.
    /// When only <c>NAME</c> is set (a local run), quotes it the way POSIX <c>sh</c> reads it back: unchanged when it is
    /// made of letters, digits and <c>@%+=:,./-_</c> only, otherwise in single quotes with each <c>'</c> written
    /// <c>'"'"'</c>.
    /// </summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The quoted value, or <see langword="null"/> when neither variable is set.</returns>
    public string? GetShellEscapedString(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (GetString(name + PlatformVariables.ShellEscapedSuffix) is { } escaped)
        {
            return escaped;
        }

        return GetString(name) is { } value ? ShellQuote(value) : null;
    }

    /// <summary>Quotes a value for POSIX <c>sh</c>, as Python's <c>shlex.quote</c> does.</summary>
    internal static string ShellQuote(string value)
    {
        if (value.Length > 0 && value.All(static c => char.IsAsciiLetterOrDigit(c) || "@%+=:,./-_".Contains(c, StringComparison.Ordinal)))
        {
            return value;
        }

        return "'" + value.Replace("'", "'\"'\"'", StringComparison.Ordinal) + "'";
    }

    /// <summary>Reads a username/password credential parameter: <c>NAME_USERNAME</c> and <c>NAME_PASSWORD</c>.</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The credential, or <see langword="null"/> when neither variable is set.</returns>
    /// <exception cref="CivisEnvironmentException">Only one of the two variables is set.</exception>
    public UsernamePasswordCredential? GetCredential(string name)
    {
        var pair = GetPair(name, "_USERNAME", "_PASSWORD", "credential");
        return pair is var (user, password) ? new UsernamePasswordCredential(user, password) : null;
    }

    /// <summary>Reads an AWS credential parameter: <c>NAME_ACCESS_KEY_ID</c> and <c>NAME_SECRET_ACCESS_KEY</c>.</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The credential, or <see langword="null"/> when neither variable is set.</returns>
    /// <exception cref="CivisEnvironmentException">Only one of the two variables is set.</exception>
    public AwsCredential? GetAwsCredential(string name)
    {
        var pair = GetPair(name, "_ACCESS_KEY_ID", "_SECRET_ACCESS_KEY", "AWS credential");
        return pair is var (keyId, secret) ? new AwsCredential(keyId, secret) : null;
    }

    /// <summary>
    /// Checks that every required variable is set and non-empty, and reports every missing one at
    /// once (with the job author's messages) before failing.
    /// </summary>
    /// <param name="variables">The variables the job needs.</param>
    /// <exception cref="CivisEnvironmentException">One or more variables are missing; the message lists them all.</exception>
    public void Require(params IEnumerable<RequiredVariable> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var missing = variables.Where(v => string.IsNullOrEmpty(GetString(v.Name))).ToList();
        if (missing.Count > 0)
        {
            throw MissingVariables(missing);
        }
    }

    /// <summary>Describes the environment without any secret.</summary>
    /// <returns>For example <c>CivisEnvironment { Mode = production, JobId = 1, RunId = 2, ApiEndpoint = ..., ApiKey = (set) }</c>.</returns>
    public override string ToString() =>
        $"CivisEnvironment {{ Mode = {(IsDev ? "DEV" : "production")}, JobId = {Show(JobId)}, RunId = {Show(RunId)}, " +
        $"ApiEndpoint = {Internal.SafeUrl.Show(ApiEndpoint)}, ApiKey = {(string.IsNullOrEmpty(ApiKey) ? "(not set)" : "(set)")} }}";

    private static string Show(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "(none)";

    private (string First, string Second)? GetPair(string name, string firstSuffix, string secondSuffix, string kind)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        name = name.ToUpperInvariant();
        var first = GetString(name + firstSuffix);
        var second = GetString(name + secondSuffix);
        if (string.IsNullOrEmpty(first) && string.IsNullOrEmpty(second))
        {
            return null;
        }

        var missing = new List<RequiredVariable>();
        if (string.IsNullOrEmpty(first))
        {
            missing.Add(new RequiredVariable(name + firstSuffix, $"part of {kind} parameter '{name}'"));
        }

        if (string.IsNullOrEmpty(second))
        {
            missing.Add(new RequiredVariable(name + secondSuffix, $"part of {kind} parameter '{name}'"));
        }

        return missing.Count > 0 ? throw MissingVariables(missing) : (first!, second!);
    }

    /// <summary>
    /// Reads a platform id: a whole number from 1 to <see cref="int.MaxValue"/>. Unlike the other typed reads, a
    /// variable that is set but empty is an error: the platform never injects an empty id, so it is a broken set-up.
    /// </summary>
    private int? GetId(string variable)
    {
        var key = FindVariable(variable);
        if (key is null)
        {
            return null;
        }

        // The value stays out of the message: an id variable sits beside the parameter's password.
        var text = Configuration[key]!.Trim();
        if (text.Length == 0)
        {
            throw new CivisEnvironmentException($"Variable '{key}' is set but empty; it must be a Civis id (a whole number from 1 to 2147483647).", [key]);
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id >= 1
            ? id
            : throw new CivisEnvironmentException(
                $"Variable '{key}' must be a Civis id (a whole number from 1 to 2147483647), but its value ({text.Length} characters) is not.", [key]);
    }

    /// <summary>Reads a TCP port: a whole number from 1 to 65535.</summary>
    private int? GetPort(string name) =>
        Get<int>(name, "a port number from 1 to 65535", static s =>
            int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is >= 1 and <= 65535 ? v : null);

    private T? Get<T>(string name, string expected, Func<string, T?> parse)
        where T : struct
    {
        var key = FindVariable(name);
        var text = key is null ? null : Configuration[key]?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        // The value is deliberately left out of the message: the variable might hold a secret.
        return parse(text) ?? throw new CivisEnvironmentException(
            $"Variable '{key}' must be {expected}, but its value ({text.Length} characters) is not.", [key!]);
    }

    internal static bool? ParseBoolean(string text) => text.Trim().ToUpperInvariant() switch
    {
        "TRUE" or "1" or "YES" or "ON" => true,
        "FALSE" or "0" or "NO" or "OFF" => false,
        _ => null,
    };

    private static bool ReadDev(IConfiguration configuration)
    {
        var text = configuration[PlatformVariables.Dev];
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        return ParseBoolean(text) ?? throw new CivisEnvironmentException(
            "Variable 'DEV' must be 1, true, yes or on for a developer's machine, or 0, false, no, off or empty for production.",
            [PlatformVariables.Dev]);
    }

    private Uri ReadApiEndpoint()
    {
        var text = GetString(PlatformVariables.ApiEndpoint);
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultApiEndpoint;
        }

        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new CivisEnvironmentException(
                $"Variable '{PlatformVariables.ApiEndpoint}' must be an absolute http(s) URL.", [PlatformVariables.ApiEndpoint]);
        }

        // A base address without a trailing slash would drop its last segment when paths are appended.
        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri + "/");
    }

    private static CivisEnvironmentException MissingVariables(List<RequiredVariable> missing)
    {
        var lines = missing.Select(v => v.Message is { Length: > 0 } m ? $"  {v.Name}: {m}" : $"  {v.Name}");
        var head = missing.Count == 1
            ? "A required variable is missing or empty:"
            : $"{missing.Count} required variables are missing or empty:";
        return new CivisEnvironmentException(
            head + System.Environment.NewLine + string.Join(System.Environment.NewLine, lines),
            missing.Select(v => v.Name));
    }
}
