namespace Aqueduct.Civis.Manifest;

/// <summary>A variable a local run lacks, with the parameter it belongs to.</summary>
/// <param name="Name">The variable (or, for a database parameter, the URI variable that would do instead of its parts).</param>
/// <param name="Parameter">The parameter.</param>
/// <param name="Reason">Why it is needed, for a person.</param>
public sealed record CivisMissingVariable(string Name, CivisJobParameter Parameter, string Reason);

/// <summary>The outcome of <see cref="CivisJobManifest.CheckLocalEnvironment"/>: what a local run lacks.</summary>
/// <param name="Missing">The variables of required parameters that are neither in <c>.env</c> nor in the environment.</param>
/// <param name="Unset">The variables of optional parameters that are not set (the job gets the default or nothing).</param>
public sealed record CivisLocalEnvironmentCheck(IReadOnlyList<CivisMissingVariable> Missing, IReadOnlyList<CivisMissingVariable> Unset)
{
    /// <summary>Whether a local run has every variable it needs.</summary>
    public bool IsComplete => Missing.Count == 0;
}

public sealed partial class CivisJobManifest
{
    /// <summary>
    /// The text of a <c>.env.example</c> for a local run: every parameter's variables, named as the platform injects
    /// them, with the parameter's type, label and description. Required parameters get empty <c>NAME=</c> lines to fill
    /// in; optional ones are commented out (with their default). A <c>database</c> parameter is commented out: in DEV
    /// the job uses <c>POSTGRES_URI</c> / <c>REDSHIFT_URI</c> or the local warehouse instead.
    /// </summary>
    /// <returns>The text, with <c>\n</c> line ends.</returns>
    public string CreateEnvExample()
    {
        var text = new System.Text.StringBuilder();
        text.Append("# Variables for a local run of ").Append(Name).Append(", from ").Append(Path.GetFileName(File))
            .Append(" (regenerate with: dotnet civis env example).\n")
            .Append("# Copy to .env (never committed) and fill in the empty values; `dotnet civis env check` lists what is missing.\n")
            .Append("# DEV=1 (a developer's machine) comes from launchSettings.json with `dotnet run`.\n");
        foreach (var parameter in Parameters)
        {
            text.Append('\n').Append("# ").Append(Describe(parameter)).Append('\n');
            if (parameter.Type == CivisParameterType.Database)
            {
                var uri = DevUriVariable(parameter);
                if (uri is not null)
                {
                    text.Append("# In DEV the local warehouse stands in for it; for a server of your own set its URI:\n")
                        .Append("# ").Append(uri).Append("=postgres://user:password@localhost:5432/database\n")
                        .Append("# or its parts, as the platform injects them:\n");
                }
                else
                {
                    text.Append("# Its parts, as the platform injects them:\n");
                }

                foreach (var variable in parameter.EnvironmentVariables)
                {
                    text.Append("# ").Append(variable.Name).Append("=\n");
                }

                continue;
            }

            foreach (var variable in parameter.EnvironmentVariables.Where(v => v.IsNeeded || parameter.Type == CivisParameterType.File))
            {
                var comment = !parameter.Required || !variable.IsNeeded ? "# " : "";
                text.Append(comment).Append(variable.Name).Append('=').Append(variable.IsNeeded ? parameter.Default : null).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string Describe(CivisJobParameter parameter)
    {
        var head = $"{parameter.Name.ToUpperInvariant()} ({parameter.Type.ToPlatformName()}, {(parameter.Required ? "required" : "optional")}" +
            (parameter.Default is { } d ? $", default {d}" : "") +
            (parameter.AllowedValues.Count > 0 ? $", one of {string.Join(", ", parameter.AllowedValues.Select(a => a.Value))}" : "") + ")";
        var words = string.Join(". ", new[] { parameter.Label, parameter.Description }
            .Where(w => !string.IsNullOrWhiteSpace(w))
            .Select(w => w!.Trim().TrimEnd('.')));
        return (words.Length > 0 ? $"{head}: {words}." : head).ReplaceLineEndings(" ");
    }

    /// <summary>
    /// Checks which variables a local (DEV) run lacks: those of every required parameter that are set neither in the
    /// <c>.env</c> file's variables nor in the process environment. A required <c>database</c> parameter counts as set
    /// when all its needed parts are, when its URI variable is (<c>POSTGRES_URI</c> for <c>POSTGRES</c>,
    /// <c>REDSHIFT_URI</c> for <c>REDSHIFT</c>), or when <paramref name="localWarehouse"/> is true (the job uses the
    /// local warehouse, as the template does in Debug builds, and that sets the URIs).
    /// </summary>
    /// <param name="dotEnv">The variables of the <c>.env</c> file (<see cref="DotEnvFile.Parse"/>), or empty.</param>
    /// <param name="environment">The process environment's variables, or <see langword="null"/> for none.</param>
    /// <param name="localWarehouse">Whether the job starts the local warehouse when no URI is set.</param>
    /// <returns>What is missing; never a value.</returns>
    public CivisLocalEnvironmentCheck CheckLocalEnvironment(
        IEnumerable<KeyValuePair<string, string>> dotEnv,
        IEnumerable<KeyValuePair<string, string?>>? environment = null,
        bool localWarehouse = true)
    {
        ArgumentNullException.ThrowIfNull(dotEnv);
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in dotEnv.Select(p => (p.Key, (string?)p.Value)).Concat(environment?.Select(p => (p.Key, p.Value)) ?? []))
        {
            if (!string.IsNullOrEmpty(value))
            {
                set.Add(name);
            }
        }

        var missing = new List<CivisMissingVariable>();
        var unset = new List<CivisMissingVariable>();
        foreach (var parameter in Parameters)
        {
            var needed = parameter.EnvironmentVariables.Where(v => v.IsNeeded).ToList();
            var absent = needed.Where(v => !set.Contains(v.Name)).ToList();
            if (absent.Count == 0)
            {
                continue;
            }

            var label = parameter.Label is { Length: > 0 } l ? $" ({l})" : "";
            if (!parameter.Required)
            {
                var fallback = parameter.Default is { } d ? $"the job gets the default, {d}" : "the job gets no value";
                unset.AddRange(absent.Select(v => new CivisMissingVariable(v.Name, parameter, $"{v.Description}{label} is optional: {fallback}.")));
                continue;
            }

            if (parameter.Type == CivisParameterType.Database)
            {
                var uri = DevUriVariable(parameter);
                if (localWarehouse || (uri is not null && set.Contains(uri)))
                {
                    continue;
                }

                var parts = string.Join(", ", needed.Select(v => v.Name));
                if (uri is not null)
                {
                    missing.Add(new CivisMissingVariable(uri, parameter,
                        $"database parameter {parameter.Name}{label} needs {uri} (or its parts {parts}) for a local run without the local warehouse."));
                    continue;
                }
            }

            missing.AddRange(absent.Select(v => new CivisMissingVariable(v.Name, parameter, $"{v.Description}{label}, required by {File}.")));
        }

        return new CivisLocalEnvironmentCheck(missing, unset);
    }

    /// <summary>The variable that stands in for a database parameter's parts in DEV, or <see langword="null"/> when none does.</summary>
    /// <param name="parameter">A <c>database</c> parameter.</param>
    /// <returns><c>POSTGRES_URI</c> for <c>POSTGRES</c>, <c>REDSHIFT_URI</c> for <c>REDSHIFT</c>, otherwise <see langword="null"/>.</returns>
    public static string? DevUriVariable(CivisJobParameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return parameter.Type != CivisParameterType.Database ? null : parameter.Name.ToUpperInvariant() switch
        {
            "POSTGRES" => PlatformVariables.PostgresUri,
            "REDSHIFT" => PlatformVariables.RedshiftUri,
            _ => null,
        };
    }
}
