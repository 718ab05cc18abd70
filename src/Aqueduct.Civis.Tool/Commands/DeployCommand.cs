using System.CommandLine;
using System.Text.Json.Nodes;
using Aqueduct.Civis.Tool.Deploy;

namespace Aqueduct.Civis.Tool.Commands;

/// <summary>
/// <c>deploy [--dry-run] [--image-tag T]</c>: validates the manifest, resolves its names, shows the diff against
/// the script on the platform, then creates or updates it. A second deploy of the same manifest sends no write.
/// </summary>
internal static class DeployCommand
{
    public static Command Create(CivisTool tool)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would change and send nothing." };
        var imageTag = new Option<string?>("--image-tag") { Description = "Deploy this image tag instead of the manifest's (for example the tag CI just pushed)." };
        var command = new Command("deploy", "Create or update the manifest's container script on the platform (idempotent).") { dryRun, imageTag };
        command.SetAction(tool.Action(async (parseResult, cancellationToken) =>
        {
            var context = tool.Context;
            var output = context.Output;
            var manifest = Manifests.Load(context, parseResult.GetValue(tool.ManifestOption));
            var deployer = new Deployer(context.Client);
            var plan = await deployer.PlanAsync(manifest, parseResult.GetValue(imageTag), cancellationToken).ConfigureAwait(false);
            Show(output, plan);
            var dry = parseResult.GetValue(dryRun);
            var result = new JsonObject
            {
                ["scriptId"] = plan.ScriptId,
                ["action"] = plan.ScriptId is null ? "create" : plan.IsNoOp ? "none" : "update",
                ["dryRun"] = dry,
                ["changedFields"] = new JsonArray([.. plan.ChangedFields.Select(f => (JsonNode)f)]),
                ["changes"] = new JsonArray([.. plan.ChangedFields.Select(f => (JsonNode)new JsonObject
                {
                    ["field"] = f,
                    ["from"] = plan.Current?[f]?.DeepClone(),
                    ["to"] = plan.Desired[f]?.DeepClone(),
                })]),
                ["writes"] = new JsonArray([.. plan.Writes.Select(w => (JsonNode)w.Description)]),
            };
            if (dry || plan.IsNoOp)
            {
                if (dry && !plan.IsNoOp)
                {
                    output.Info("Dry run: nothing was sent.");
                }

                if (plan.ScriptId is { } known && manifest.Id is null && !dry)
                {
                    await RecordIdAsync(output, manifest, known, cancellationToken).ConfigureAwait(false);
                }

                output.WriteJson(result);
                return ToolExitCodes.Success;
            }

            int id;
            try
            {
                id = await deployer.ApplyAsync(plan, newId => RecordIdAsync(output, manifest, newId, CancellationToken.None), cancellationToken).ConfigureAwait(false);
            }
            catch (DeployFailedException e)
            {
                output.Error(e.Message);
                result["scriptId"] = e.ScriptId;
                result["applied"] = new JsonArray([.. e.Applied.Select(a => (JsonNode)a)]);
                result["notApplied"] = new JsonArray([.. e.NotApplied.Select(a => (JsonNode)a)]);
                output.WriteJson(result);
                return e.InnerException is OperationCanceledException ? ToolExitCodes.Cancelled : ToolExitCodes.Failure;
            }

            if (plan.ScriptId is not null && manifest.Id is null)
            {
                await RecordIdAsync(output, manifest, id, cancellationToken).ConfigureAwait(false);
            }

            result["scriptId"] = id;
            result["applied"] = result["writes"]!.DeepClone();
            output.Line(plan.ScriptId is null ? $"Created script {id} ('{plan.Name}')." : $"Updated script {id} ('{plan.Name}').");
            output.WriteJson(result);
            return ToolExitCodes.Success;
        }));
        return command;
    }

    private static async Task RecordIdAsync(ToolOutput output, CivisJobManifest manifest, int id, CancellationToken cancellationToken)
    {
        await CivisJobManifest.SetIdAsync(manifest.File, id, cancellationToken).ConfigureAwait(false);
        output.Info($"Recorded 'id: {id}' in {manifest.File}: commit it, so every deploy updates this script.");
    }

    private static void Show(ToolOutput output, DeployPlan plan)
    {
        if (plan.ScriptId is null)
        {
            output.Line($"Create container script '{plan.Name}':");
            foreach (var (key, value) in plan.Desired)
            {
                output.Line($"  + {key}: {JsonDiff.Show(value)}");
            }

            foreach (var write in plan.Writes.Skip(1))
            {
                output.Line($"  + {write.Description}");
            }

            return;
        }

        if (plan.IsNoOp)
        {
            output.Line($"Script {plan.ScriptId} ('{plan.Name}') is up to date: nothing to send.");
            return;
        }

        output.Line($"Script {plan.ScriptId} ('{plan.Name}'): {plan.Writes.Count} write{(plan.Writes.Count == 1 ? "" : "s")}");
        foreach (var key in plan.ChangedFields)
        {
            output.Line($"  ~ {key}: {JsonDiff.Show(plan.Current?[key])} -> {JsonDiff.Show(plan.Desired[key])}");
        }

        foreach (var write in plan.Writes.Where(w => w.Method != HttpMethod.Patch))
        {
            output.Line($"  + {write.Description}");
        }
    }
}
