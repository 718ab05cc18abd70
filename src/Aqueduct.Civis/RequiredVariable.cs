namespace Aqueduct.Civis;

/// <summary>A variable a job cannot run without, with the message to show when it is missing.</summary>
/// <param name="Name">The variable or parameter name, for example <c>BIKESHARE_USERNAME</c>.</param>
/// <param name="Message">What to tell the person running the job, for example "Missing bikeshare username".</param>
public sealed record RequiredVariable(string Name, string? Message = null)
{
    /// <summary>The variable or parameter name.</summary>
    public string Name { get; } = !string.IsNullOrWhiteSpace(Name) ? Name : throw new ArgumentException("A required variable needs a name.", nameof(Name));

    /// <summary>Declares a required variable without a message.</summary>
    /// <param name="name">The variable name.</param>
    public static implicit operator RequiredVariable(string name) => new(name);
}
