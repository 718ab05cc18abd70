namespace Aqueduct.Civis.Tool.Deploy;

/// <summary>A deploy that failed part-way: what failed, what was applied before, and what was not.</summary>
internal sealed class DeployFailedException : Exception
{
    public DeployFailedException(string failedWrite, Exception innerException, IReadOnlyList<string> applied, IReadOnlyList<string> notApplied, int? scriptId)
        : base(Describe(failedWrite, innerException, applied, notApplied, scriptId), innerException)
    {
        Applied = applied;
        NotApplied = notApplied;
        ScriptId = scriptId;
    }

    public DeployFailedException()
    {
        Applied = NotApplied = [];
    }

    public DeployFailedException(string message)
        : base(message)
    {
        Applied = NotApplied = [];
    }

    public DeployFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Applied = NotApplied = [];
    }

    public IReadOnlyList<string> Applied { get; }

    public IReadOnlyList<string> NotApplied { get; }

    public int? ScriptId { get; }

    private static string Describe(string failedWrite, Exception e, IReadOnlyList<string> applied, IReadOnlyList<string> notApplied, int? scriptId)
    {
        var lines = new List<string> { $"the deploy failed at: {failedWrite}: {e.Message}" };
        lines.Add(applied.Count == 0 ? "Applied: nothing (the platform is as it was)." : "Applied before the failure:");
        lines.AddRange(applied.Select(a => "  + " + a));
        lines.Add("Not applied:");
        lines.AddRange(notApplied.Select(n => "  - " + n));
        lines.Add(scriptId is { } id
            ? $"Run dotnet civis deploy again to finish: it finds script {id} and sends only what is still missing."
            : "Run dotnet civis deploy again once the cause is fixed.");
        return string.Join(Environment.NewLine, lines);
    }
}
