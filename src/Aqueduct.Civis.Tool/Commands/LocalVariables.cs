namespace Aqueduct.Civis.Tool.Commands;

/// <summary>The variables a local run of the manifest's job reads, and which of them it cannot do without.</summary>
internal static class LocalVariables
{
    /// <summary>
    /// One variable: needed when its parameter is required and neither the manifest's value nor, for a database in
    /// DEV, <c>NAME_URI</c> or the local warehouse can stand in for it.
    /// </summary>
    public sealed record Variable(string Name, string Parameter, string Description, bool Needed, bool FromManifest, IReadOnlyList<string> Alternatives);

    public static IEnumerable<Variable> For(CivisJobManifest manifest)
    {
        foreach (var parameter in manifest.Parameters)
        {
            var fromManifest = parameter.Type is not (CivisParameterType.Database or CivisParameterType.CredentialCustom or CivisParameterType.CredentialRedshift or CivisParameterType.CredentialAws)
                && (parameter.Value ?? parameter.Default) is not null;
            // In DEV the job host reads POSTGRES_URI / REDSHIFT_URI (or starts a local warehouse) instead of a database parameter's parts.
            string[] alternatives = parameter.Type == CivisParameterType.Database ? [parameter.Name.ToUpperInvariant() + "_URI"] : [];
            foreach (var variable in parameter.EnvironmentVariables)
            {
                var needed = parameter.Required && variable.IsNeeded && !fromManifest && parameter.Type != CivisParameterType.Database;
                yield return new Variable(variable.Name, parameter.ToString(), variable.Description, needed, fromManifest, alternatives);
            }
        }
    }
}
