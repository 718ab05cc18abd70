namespace Aqueduct.Civis;

/// <summary>
/// A platform or job variable is missing or has a value of the wrong form. The message names every
/// variable at fault and never contains a variable's value.
/// </summary>
public sealed class CivisEnvironmentException : InvalidOperationException
{
    /// <summary>Creates the exception for the given variables.</summary>
    /// <param name="message">The message, naming the variables at fault.</param>
    /// <param name="variableNames">The names of the variables at fault.</param>
    public CivisEnvironmentException(string message, IEnumerable<string> variableNames)
        : base(message)
    {
        VariableNames = [.. variableNames];
    }

    /// <summary>The names of the variables at fault, in the order they were checked.</summary>
    public IReadOnlyList<string> VariableNames { get; }
}
