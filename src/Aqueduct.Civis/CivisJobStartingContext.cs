using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis;

/// <summary>What a starting step (<see cref="CivisJobOptions.OnStarting"/>) sees and may change.</summary>
public sealed class CivisJobStartingContext
{
    private readonly Dictionary<string, string?> variables = new(StringComparer.OrdinalIgnoreCase);

    private readonly SecretRedactor redactor;

    internal CivisJobStartingContext(CivisEnvironment environment, ILoggerFactory loggerFactory, SecretRedactor redactor)
    {
        Environment = environment;
        LoggerFactory = loggerFactory;
        this.redactor = redactor;
    }

    /// <summary>The job's environment before this step's variables.</summary>
    public CivisEnvironment Environment { get; }

    /// <summary>The job's logger factory (console logging with secrets removed).</summary>
    public ILoggerFactory LoggerFactory { get; }

    internal IReadOnlyDictionary<string, string?> Variables => variables;

    /// <summary>
    /// Sets a variable for the job, over what the environment holds (the process environment is not changed). Values
    /// set here are not redacted from the output: they are for local, throwaway settings the author needs to see.
    /// </summary>
    /// <param name="name">The variable name.</param>
    /// <param name="value">The value.</param>
    public void SetVariable(string name, string? value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        variables[name] = value;
        redactor.AllowUriPassword(value ?? string.Empty);
    }
}
