namespace Aqueduct.Civis.Manifest;

/// <summary>One environment variable the platform injects for a script parameter.</summary>
/// <param name="Name">The variable's name, for example <c>POSTGRES_HOST</c>.</param>
/// <param name="Description">What it holds, for example <c>host of database parameter POSTGRES</c>.</param>
/// <param name="IsSecret">Whether it holds a secret (a password or an AWS secret key): never print its value.</param>
/// <param name="IsNeeded">
/// Whether a job reading the parameter needs it (for example <c>NAME_PORT</c>, <c>NAME_URL</c> and
/// <c>NAME_SHELL_ESCAPED</c> are not: they have defaults or are derived).
/// </param>
public sealed record CivisParameterVariable(string Name, string Description, bool IsSecret, bool IsNeeded);
