namespace Aqueduct.Civis.Tool;

/// <summary>What every command gets: the output, the working directory, the settings and the API client (made on first use).</summary>
internal sealed class ToolContext
{
    /// <summary>The variable that holds the API key.</summary>
    public const string ApiKeyVariable = "CIVIS_API_KEY";

    /// <summary>The variable that overrides the API address.</summary>
    public const string ApiEndpointVariable = "CIVIS_API_ENDPOINT";

    private readonly Func<string, string?> _environment;
    private IReadOnlyDictionary<string, string>? _dotEnv;
    private CivisClient? _client;

    public ToolContext(ToolOutput output, string workingDirectory, Func<string, string?> environment)
    {
        Output = output;
        WorkingDirectory = workingDirectory;
        _environment = environment;
    }

    public ToolOutput Output { get; }

    public string WorkingDirectory { get; }

    /// <summary>The <c>.env</c> file of the working directory, if any (its values are never printed).</summary>
    public IReadOnlyDictionary<string, string> DotEnv
        => _dotEnv ??= (DotEnvFile.TryRead(Path.Combine(WorkingDirectory, DotEnvFile.DefaultFileName)) ?? [])
            .GroupBy(p => p.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);

    /// <summary>A variable from the process environment, else from <c>.env</c>.</summary>
    public string? GetVariable(string name)
        => _environment(name) is { Length: > 0 } value ? value : DotEnv.GetValueOrDefault(name) is { Length: > 0 } fromFile ? fromFile : null;

    /// <summary>The process environment only.</summary>
    public string? GetProcessVariable(string name) => _environment(name);

    /// <summary>The API client for CIVIS_API_KEY (environment or <c>.env</c>) and CIVIS_API_ENDPOINT.</summary>
    /// <exception cref="ToolException">No key (exit code 78), or a bad endpoint.</exception>
    public CivisClient Client => _client ??= CreateClient();

    /// <summary>Resolves a path given on the command line against the working directory.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(path, WorkingDirectory);

    private CivisClient CreateClient()
    {
        var key = GetVariable(ApiKeyVariable)
            ?? throw ToolException.Configuration($"{ApiKeyVariable} is not set: set it in the environment or in .env (a key from the platform's user settings).");
        var options = new CivisClientOptions { ApiKey = key };
        if (GetVariable(ApiEndpointVariable) is { } endpoint)
        {
            if (!Uri.TryCreate(endpoint.EndsWith('/') ? endpoint : endpoint + "/", UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw ToolException.Configuration($"{ApiEndpointVariable} is not an http(s) URL.");
            }

            options.BaseAddress = uri;
        }

        return new CivisClient(options);
    }
}
