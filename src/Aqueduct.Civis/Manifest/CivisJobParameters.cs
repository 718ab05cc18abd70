using System.Globalization;
using System.Runtime.CompilerServices;

namespace Aqueduct.Civis.Manifest;

/// <summary>
/// The job's settings read by parameter name, typed as the manifest declares them: a parameter not in the manifest,
/// or read as another type than declared, is a mistake caught on the first read, and a parameter the run does not set
/// falls back to the manifest's default.
/// </summary>
/// <remarks>Get it in a job with <see cref="CivisJobParametersExtensions.GetParameters(CivisJobContext)"/>.</remarks>
public sealed class CivisJobParameters
{
    /// <summary>Reads the parameters of a manifest from an environment.</summary>
    /// <param name="manifest">The manifest that declares the parameters.</param>
    /// <param name="environment">The environment that holds the injected variables.</param>
    public CivisJobParameters(CivisJobManifest manifest, CivisEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(environment);
        Manifest = manifest;
        Environment = environment;
    }

    /// <summary>The manifest.</summary>
    public CivisJobManifest Manifest { get; }

    /// <summary>The environment.</summary>
    public CivisEnvironment Environment { get; }

    /// <summary>Reads a <c>string</c> or <c>multi_line_string</c> parameter, or its default.</summary>
    /// <param name="name">The parameter's name.</param>
    /// <returns>The value, the default, or <see langword="null"/> when neither is set.</returns>
    /// <exception cref="ArgumentException">The manifest declares no such parameter.</exception>
    /// <exception cref="InvalidOperationException">The parameter has another type.</exception>
    /// <exception cref="CivisEnvironmentException">The value is not one of the parameter's allowed values.</exception>
    public string? GetString(string name)
    {
        var parameter = Find(name, nameof(GetString), CivisParameterType.String, CivisParameterType.MultiLineString);
        var value = Environment.GetString(parameter.Name);
        return string.IsNullOrEmpty(value) ? parameter.Default : CheckAllowed(parameter, value);
    }

    /// <summary>Reads a <c>string</c> or <c>multi_line_string</c> parameter that must be set (or have a default).</summary>
    /// <param name="name">The parameter's name.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException">The manifest declares no such parameter.</exception>
    /// <exception cref="InvalidOperationException">The parameter has another type.</exception>
    /// <exception cref="CivisEnvironmentException">The variable is not set and there is no default, or the value is not allowed.</exception>
    public string GetRequiredString(string name)
    {
        var value = GetString(name);
        if (string.IsNullOrEmpty(value))
        {
            var parameter = Manifest.FindParameter(name)!;
            Environment.Require(parameter.GetRequiredVariables(Manifest.File));
        }

        return value!;
    }

    /// <summary>Reads an <c>integer</c> parameter, or its default.</summary>
    /// <param name="name">The parameter's name.</param>
    /// <returns>The value, the default, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentException">The manifest declares no such parameter.</exception>
    /// <exception cref="InvalidOperationException">The parameter has another type.</exception>
    /// <exception cref="CivisEnvironmentException">The value is not an integer or not allowed.</exception>
    public long? GetInt64(string name)
    {
        var parameter = Find(name, nameof(GetInt64), CivisParameterType.Integer);
        var value = Environment.GetInt64(parameter.Name);
        if (value is { } v)
        {
            CheckAllowed(parameter, v.ToString(CultureInfo.InvariantCulture));
            return v;
        }

        return parameter.Default is { } d ? long.Parse(d, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Reads an <c>integer</c> parameter that fits in 32 bits, or its default.</summary>
    /// <param name="name">The parameter's name.</param>
    /// <returns>The value, the default, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentException">The manifest declares no such parameter.</exception>
    /// <exception cref="InvalidOperationException">The parameter has another type.</exception>
    /// <exception cref="CivisEnvironmentException">The value is not a 32-bit integer or not allowed.</exception>
    public int? GetInt32(string name)
    {
        var value = GetInt64(name);
        return value is null ? null
            : value is >= int.MinValue and <= int.MaxValue ? (int)value
            : throw new CivisEnvironmentException($"Parameter '{Manifest.FindParameter(name)!.Name}' must be a 32-bit integer.", [name.ToUpperInvariant()]);
    }

    /// <summary>Reads a <c>float</c> (or <c>integer</c>) parameter, or its default.</summary>
    /// <param name="name">The parameter's name.</param>
    /// <returns>The value, the default, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentException">The manifest declares no such parameter.</exception>
    /// <exception cref="InvalidOperationException">The parameter has another type.</exception>
    /// <exception cref="CivisEnvironmentException">The value is not a number.</exception>
    public double? GetDouble(string name)
    {
        var parameter = Find(name, nameof(GetDouble), CivisParameterType.Float, CivisParameterType.Integer);
        return Environment.GetDouble(parameter.Name)
            ?? (parameter.Default is { } d ? double.Parse(d, CultureInfo.InvariantCulture) : null);
    }

    /// <summary>Reads a <c>bool</c> parameter, or its default.</summary>
    /// <param name="name">The parameter's name.</param>
    /// <returns>The value, the default, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentException">The manifest declares no such parameter.</exception>
    /// <exception cref="InvalidOperationException">The parameter has another type.</exception>
    /// <exception cref="CivisEnvironmentException">The value is not a boolean.</exception>
    public bool? GetBoolean(string name)
    {
        var parameter = Find(name, nameof(GetBoolean), CivisParameterType.Bool);
        return Environment.GetBoolean(parameter.Name) ?? (parameter.Default is { } d ? d == "true" : null);
    }

    /// <summary>Reads a <c>file</c> parameter: the file id and its download URL.</summary>
    /// <param name="name">The parameter's name.</param>
    /// <returns>The file, or <see langword="null"/> when not set.</returns>
    /// <exception cref="ArgumentException">The manifest declares no such parameter.</exception>
    /// <exception cref="InvalidOperationException">The parameter has another type.</exception>
    /// <exception cref="CivisEnvironmentException">The id or the URL is malformed.</exception>
    public CivisFileParameter? GetFile(string name) =>
        Environment.GetFile(Find(name, nameof(GetFile), CivisParameterType.File).Name);

    /// <summary>Reads a <c>database</c> parameter's injected connection settings.</summary>
    /// <param name="name">The parameter's name.</param>
    /// <returns>The credential, or <see langword="null"/> when none of its variables is set.</returns>
    /// <exception cref="ArgumentException">The manifest declares no such parameter.</exception>
    /// <exception cref="InvalidOperationException">The parameter has another type.</exception>
    /// <exception cref="CivisEnvironmentException">Some of its variables are set and others missing.</exception>
    public DatabaseCredential? GetDatabase(string name) =>
        Environment.GetDatabase(Find(name, nameof(GetDatabase), CivisParameterType.Database).Name);

    /// <summary>Reads a <c>credential_custom</c> or <c>credential_redshift</c> parameter.</summary>
    /// <param name="name">The parameter's name.</param>
    /// <returns>The credential, or <see langword="null"/> when neither variable is set.</returns>
    /// <exception cref="ArgumentException">The manifest declares no such parameter.</exception>
    /// <exception cref="InvalidOperationException">The parameter has another type.</exception>
    /// <exception cref="CivisEnvironmentException">Only one of its two variables is set.</exception>
    public UsernamePasswordCredential? GetCredential(string name) =>
        Environment.GetCredential(Find(name, nameof(GetCredential), CivisParameterType.CredentialCustom, CivisParameterType.CredentialRedshift).Name);

    /// <summary>Reads a <c>credential_aws</c> parameter.</summary>
    /// <param name="name">The parameter's name.</param>
    /// <returns>The credential, or <see langword="null"/> when neither variable is set.</returns>
    /// <exception cref="ArgumentException">The manifest declares no such parameter.</exception>
    /// <exception cref="InvalidOperationException">The parameter has another type.</exception>
    /// <exception cref="CivisEnvironmentException">Only one of its two variables is set.</exception>
    public AwsCredential? GetAwsCredential(string name) =>
        Environment.GetAwsCredential(Find(name, nameof(GetAwsCredential), CivisParameterType.CredentialAws).Name);

    private CivisJobParameter Find(string name, string method, params CivisParameterType[] types)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var parameter = Manifest.FindParameter(name) ?? throw new ArgumentException(
            $"{Manifest.File} declares no parameter '{name}'" +
            (Manifest.Parameters.Count == 0 ? "." : $"; its parameters are {string.Join(", ", Manifest.Parameters.Select(p => p.Name))}."),
            nameof(name));
        if (Array.IndexOf(types, parameter.Type) < 0)
        {
            throw new InvalidOperationException(
                $"Parameter '{parameter.Name}' is {parameter.Type.ToPlatformName()} in {parameter.Location}, so {method} cannot read it; use {ReaderOf(parameter.Type)}.");
        }

        return parameter;
    }

    private string CheckAllowed(CivisJobParameter parameter, string value)
    {
        if (parameter.AllowedValues.Count > 0 && !parameter.AllowedValues.Any(a => a.Value == value))
        {
            // The value itself stays out of the message, like every variable's value.
            var variable = Environment.FindVariable(parameter.Name) ?? parameter.Name.ToUpperInvariant();
            throw new CivisEnvironmentException(
                $"Variable '{variable}' must be one of {string.Join(", ", parameter.AllowedValues.Select(a => a.Value))} (the allowed values of parameter '{parameter.Name}' in {Manifest.File}).",
                [variable]);
        }

        return value;
    }

    private static string ReaderOf(CivisParameterType type) => type switch
    {
        CivisParameterType.String or CivisParameterType.MultiLineString => nameof(GetString),
        CivisParameterType.Integer => $"{nameof(GetInt64)} or {nameof(GetInt32)}",
        CivisParameterType.Float => nameof(GetDouble),
        CivisParameterType.Bool => nameof(GetBoolean),
        CivisParameterType.File => nameof(GetFile),
        CivisParameterType.Database => nameof(GetDatabase),
        CivisParameterType.CredentialAws => nameof(GetAwsCredential),
        _ => nameof(GetCredential),
    };
}

/// <summary>Reads a job's parameters by name from the manifest shipped with it.</summary>
public static class CivisJobParametersExtensions
{
    private static readonly ConditionalWeakTable<CivisJobContext, CivisJobParameters> Cache = [];

    /// <summary>
    /// The job's parameters, typed as the manifest shipped with the job declares them (see
    /// <see cref="CivisJobManifest.FindShipped(CivisEnvironment)"/>), read once a run.
    /// </summary>
    /// <param name="job">The job's context.</param>
    /// <returns>The parameters.</returns>
    /// <exception cref="CivisEnvironmentException">The job ships no manifest, or it is wrong.</exception>
    public static CivisJobParameters GetParameters(this CivisJobContext job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return Cache.GetValue(job, static j => new CivisJobParameters(
            CivisJobManifest.FindShipped(j.Environment) ?? throw new CivisEnvironmentException(
                $"The job ships no {CivisJobManifest.FileName}: copy it to the job's output (see docs/deploy.md) or set {CivisJobManifest.PathVariable}.",
                [CivisJobManifest.PathVariable]),
            j.Environment));
    }
}
