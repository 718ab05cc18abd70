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
            var environment = manifest.Parameters.SelectMany(p => p.EnvironmentVariables)
                .Select(v => v.Name)
                .Concat(manifest.Parameters.Select(CivisJobManifest.DevUriVariable).OfType<string>())
                .Distinct(StringComparer.Ordinal)
                .Select(name => KeyValuePair.Create(name, context.GetProcessVariable(name)));
            var check = manifest.CheckLocalEnvironment(context.DotEnv, environment);
            var missing = check.Missing.ToDictionary(m => m.Name, StringComparer.Ordinal);
            var unset = check.Unset.ToDictionary(m => m.Name, StringComparer.Ordinal);
            var rows = manifest.Parameters
                .SelectMany(p => p.EnvironmentVariables.Where(v => v.IsNeeded).Select(v => (Name: v.Name, Parameter: p)))
                .Concat(check.Missing.Where(m => !m.Parameter.EnvironmentVariables.Any(v => v.Name == m.Name)).Select(m => (m.Name, m.Parameter)))
                .Select(r => (r.Name, Parameter: r.Parameter.ToString(), Status: Status(context, r.Name, r.Parameter, missing, unset)))
                .ToList();
            context.Output.Table(["VARIABLE", "PARAMETER", "STATUS"], rows.Select(r => (IReadOnlyList<string>)[r.Name, r.Parameter, r.Status]));
            context.Output.WriteJson(new JsonObject
            {
                ["complete"] = check.IsComplete,
                ["missing"] = new JsonArray([.. check.Missing.Select(m => (JsonNode)new JsonObject { ["name"] = m.Name, ["parameter"] = m.Parameter.Name, ["reason"] = m.Reason })]),
                ["unset"] = new JsonArray([.. check.Unset.Select(m => (JsonNode)new JsonObject { ["name"] = m.Name, ["parameter"] = m.Parameter.Name, ["reason"] = m.Reason })]),
            });
            if (!check.IsComplete)
            {
                throw new ToolException(
                    $"{check.Missing.Count} variable{(check.Missing.Count == 1 ? " is" : "s are")} missing for a local run of '{manifest.Name}'; add {(check.Missing.Count == 1 ? "it" : "them")} to .env "
                    + $"(dotnet civis env example writes a template):{System.Environment.NewLine}"
                    + string.Join(System.Environment.NewLine, check.Missing.Select(m => $"  {m.Name}: {m.Reason}")));
            }

            context.Output.Info($"Every variable a local run of '{manifest.Name}' needs is set.");
            return Task.FromResult(ToolExitCodes.Success);
        }));
        return command;
    }

    /// <summary>Where a variable stands for a local run; never its value.</summary>
    private static string Status(ToolContext context, string name, CivisJobParameter parameter, Dictionary<string, CivisMissingVariable> missing, Dictionary<string, CivisMissingVariable> unset)
        => missing.ContainsKey(name) ? "MISSING"
            : context.GetProcessVariable(name) is { Length: > 0 } ? "set (environment)"
            : context.DotEnv.TryGetValue(name, out var value) && value.Length > 0 ? "set (.env)"
            : unset.ContainsKey(name) ? (parameter.Default is null ? "not set (optional)" : "not set (the default applies)")
            : parameter.Type == CivisParameterType.Database ? "not needed in DEV (URI or local warehouse)"
            : "not set";

    private static Command CreateExample(CivisTool tool)
    {
        var output = new Option<string>("--output", "-o") { Description = "Where to write it; - for standard output.", DefaultValueFactory = _ => ".env.example" };
        var command = new Command("example", "Write .env.example: every variable of the manifest's parameters, with what it is for, and no values.") { output };
        command.SetAction(tool.Action(async (parseResult, cancellationToken) =>
        {
            var context = tool.Context;
            var manifest = Manifests.Load(context, parseResult.GetValue(tool.ManifestOption));
            var text = manifest.CreateEnvExample();
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

            var commandLine = parseResult.GetValue(commandArgument) is { Length: > 0 } given ? given : DefaultCommand(context.WorkingDirectory);
            return await LocalRunner.RunAsync(context, commandLine, environment, cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary><c>dotnet run</c> for the job's project: the one here, or else the one project under the directory that is not a test project.</summary>
    private static string[] DefaultCommand(string directory)
    {
        if (Directory.GetFiles(directory, "*.csproj").Length == 1)
        {
            return ["dotnet", "run"];
        }

        var projects = Directory.GetFiles(directory, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !Path.GetRelativePath(directory, p).Split(Path.DirectorySeparatorChar).Any(part => part is "tests" or "test" or "bin" or "obj")
                && !Path.GetFileNameWithoutExtension(p).EndsWith("Tests", StringComparison.Ordinal))
            .ToList();
        return projects.Count == 1
            ? ["dotnet", "run", "--project", projects[0]]
            : throw new ToolException($"{projects.Count} projects could be the job here: give the command, such as: dotnet civis local -- dotnet run --project src/MyJob", ToolExitCodes.Usage);
    }
}
