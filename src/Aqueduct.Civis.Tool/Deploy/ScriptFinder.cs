using System.Text.Json;
using System.Text.Json.Nodes;

namespace Aqueduct.Civis.Tool.Deploy;

/// <summary>
/// Finds the manifest's script on the platform: by the <c>id:</c> the manifest records (deploy writes it after
/// creating the script, and the author commits it), or, for a manifest without one, by its exact name and image name
/// among the user's container scripts that are not archived (<see cref="CivisJobManifest.IsSameJob"/>; one match only).
/// </summary>
internal static class ScriptFinder
{
    public static async Task<(int Id, JsonObject Script)?> FindAsync(CivisClient client, CivisJobManifest manifest, CancellationToken cancellationToken)
    {
        if (manifest.Id is { } id)
        {
            try
            {
                var response = await client.SendAsync(HttpMethod.Get, $"scripts/containers/{id}", cancellationToken: cancellationToken).ConfigureAwait(false);
                return (id, AsObject(response.Content));
            }
            catch (CivisApiException e) when (e.StatusCode == 404)
            {
                throw new CivisJobManifestException([new CivisManifestError(
                    manifest.IdLocation ?? manifest.NameLocation, "id",
                    $"the platform has no container script {id} that this key can see; remove the id line to create the script anew.")]);
            }
        }

        // The fallback key (docs/deploy.md): the exact name, and the image name as the marker, of a script not archived.
        var matches = new List<int>();
        await foreach (var script in client.ListAsync("scripts", "type=containers", cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (script.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() == manifest.Name
                && script.TryGetProperty("id", out var scriptId) && scriptId.TryGetInt32(out var value)
                && manifest.IsSameJob(await client.Scripts.GetContainerAsync(value, cancellationToken).ConfigureAwait(false)))
            {
                matches.Add(value);
            }
        }

        switch (matches.Count)
        {
            case 0:
                return null;
            case 1:
                var found = await client.SendAsync(HttpMethod.Get, $"scripts/containers/{matches[0]}", cancellationToken: cancellationToken).ConfigureAwait(false);
                return (matches[0], AsObject(found.Content));
            default:
                throw new CivisJobManifestException([new CivisManifestError(
                    manifest.NameLocation, "name",
                    $"{matches.Count} container scripts are named '{manifest.Name}' and run {manifest.Image.Name} (ids {string.Join(", ", matches)}): add 'id: <the right one>' to the manifest.")]);
        }
    }

    internal static JsonObject AsObject(JsonElement? element)
        => element is { ValueKind: JsonValueKind.Object } e ? JsonNode.Parse(e.GetRawText())!.AsObject() : [];
}
