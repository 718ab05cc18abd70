using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;

namespace Aqueduct.Civis.Tool.Commands;

/// <summary><c>env check</c>, <c>env example</c> and <c>local</c>: the manifest's parameters on a developer's machine.</summary>
internal static class EnvCommands
{
    public static Command Create(CivisTool tool)
    {
        var command = new Command("env", "Check .env against the manifest's parameters, or write .env.example.");
        command.Subcommands.Add(CreateCheck(tool));
        command.Subcommands.Add(CreateExample(tool));
        return command;
    }

    private static Command CreateCheck(CivisTool tool)
    {
        var command = new Command("check", "List the variables a local run needs and which of them .env (or the environment) lacks; exit 1 when any is missing.");
        command.SetAction(tool.Action((parseResult, cancellationToken) =>
        {
            var context = tool.Context;
            var manifest = Manifests.Load(context, parseResult.GetValue(tool.ManifestOption));
            var rows = LocalVariables.For(manifest).Select(v => (Variable: v, Source: Source(context, v))).ToList();
            context.Output.Table(
                ["VARIABLE", "PARAMETER", "STATUS"],
                rows.Select(r => (IReadOnlyList<string>)[r.Variable.Name, r.Variable.Parameter, r.Source ?? (r.Variable.Needed ? "MISSING" : "not set (optional)")]));
            context.Output.WriteJson(new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
            {
                ["name"] = r.Variable.Name,
                ["parameter"] = r.Variable.Parameter,
                ["needed"] = r.Variable.Needed,
                ["source"] = r.Source,
            })]));
            var missing = rows.Where(r => r.Variable.Needed && r.Source is null).Select(r => r.Variable).ToList();
            if (missing.Count > 0)
            {
                throw new ToolException(
                    $"{missing.Count} variable{(missing.Count == 1 ? " is" : "s are")} missing for a local run; add {(missing.Count == 1 ? "it" : "them")} to .env "
                    + $"(dotnet civis env example writes a template):{System.Environment.NewLine}"
                    + string.Join(System.Environment.NewLine, missing.Select(m => $"  {m.Name}: {m.Description}")));
            }

            context.Output.Info($"Every variable a local run of '{manifest.Name}' needs is set.");
            return Task.FromResult(ToolExitCodes.Success);
        }));
        return command;
    }

    private static Command CreateExample(CivisTool tool)
    {
        var output = new Option<string>("--output", "-o") { Description = "Where to write it; - for standard output.", DefaultValueFactory = _ => ".env.example" };
        var command = new Command("example", "Write .env.example: every variable of the manifest's parameters, with what it is for, and no values.") { output };
        command.SetAction(tool.Action(async (parseResult, cancellationToken) =>
        {
            var context = tool.Context;
            var manifest = Manifests.Load(context, parseResult.GetValue(tool.ManifestOption));
            var text = Example(manifest);
            var target = parseResult.GetRequiredValue(output);
            if (target == "-")
            {
                context.Output.Raw(text.TrimEnd('\n'));
                return ToolExitCodes.Success;
            }

            var path = context.ResolvePath(target);
            await File.WriteAllTextAsync(path, text, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
            context.Output.Line(path);
            return ToolExitCodes.Success;
        }));
        return command;
    }

    public static Command CreateLocal(CivisTool tool)
    {
        var commandArgument = new Argument<string[]>("COMMAND")
        {
            Description = "The command to run (default: dotnet run). Put it after --, such as: dotnet civis local -- dotnet run --project src/MyJob.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var show = new Option<bool>("--print") { Description = "Print the variables the run would get (names, and values of non-secret parameters) and run nothing." };
        var command = new Command("local", "Run the job here with its parameters' variables named as the platform injects them, over .env, with DEV=1.") { commandArgument, show };
        command.SetAction(tool.Action(async (parseResult, cancellationToken) =>
        {
            var context = tool.Context;
            var manifest = Manifests.Load(context, parseResult.GetValue(tool.ManifestOption));
            var environment = LocalRunner.Environment(context, manifest);
            var fromManifest = LocalRunner.PlatformVariables(manifest);
            foreach (var (name, value) in fromManifest.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                context.Output.Info($"{name}={(context.GetProcessVariable(name) is null ? value : "(from the environment)")}");
            }

            if (parseResult.GetValue(show))
            {
                context.Output.WriteJson(new JsonObject([.. fromManifest.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]));
                return ToolExitCodes.Success;
            }

            var commandLine = parseResult.GetValue(commandArgument) is { Length: > 0 } given ? given : ["dotnet", "run"];
            return await LocalRunner.RunAsync(context, commandLine, environment, cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary>Where a variable is set for a local run, or <see langword="null"/>; never its value.</summary>
    private static string? Source(ToolContext context, LocalVariables.Variable variable)
        => context.GetProcessVariable(variable.Name) is { Length: > 0 } ? "set (environment)"
            : context.DotEnv.TryGetValue(variable.Name, out var v) && v.Length > 0 ? "set (.env)"
            : variable.FromManifest ? "from the manifest (dotnet civis local)"
            : variable.Alternatives.FirstOrDefault(a => context.GetVariable(a) is not null) is { } alternative ? $"replaced by {alternative}"
            : null;

    internal static string Example(CivisJobManifest manifest)
    {
        var text = new StringBuilder();
        text.Append("# Variables for a local run of '").Append(manifest.Name).Append("' (from ").Append(Path.GetFileName(manifest.File)).Append(").\n");
        text.Append("# Copy to .env (never committed) and fill in. Generated by: dotnet civis env example\n");
        text.Append("DEV=1\n");
        string? parameter = null;
        foreach (var variable in LocalVariables.For(manifest))
        {
            if (variable.Parameter != parameter)
            {
                parameter = variable.Parameter;
                text.Append('\n').Append("# ").Append(variable.Parameter).Append('\n');
                foreach (var alternative in variable.Alternatives)
                {
                    text.Append("# In DEV, ").Append(alternative).Append(" (a postgres:// URI) may replace these, or the local warehouse when neither is set.\n");
                    text.Append("# ").Append(alternative).Append("=postgres://ita:secret@localhost:5432/ita\n");
                }
            }

            text.Append("# ").Append(variable.Description).Append(variable.Needed ? " (required)" : "").Append(variable.FromManifest ? " (dotnet civis local sets it from the manifest)" : "").Append('\n');
            text.Append(variable.Needed || variable.FromManifest ? "" : "# ").Append(variable.Name).Append('=').Append('\n');
        }

        return text.ToString();
    }
}
