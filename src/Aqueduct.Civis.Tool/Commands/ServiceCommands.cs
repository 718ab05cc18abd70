using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Aqueduct.Civis.Api;
using Aqueduct.Civis.Api.Models;

namespace Aqueduct.Civis.Tool.Commands;

/// <summary>
/// <c>service share|unshare|shares NAME</c>: what the team's civis-service tool did, on service tokens
/// (<c>/services/{id}/tokens</c>). A share is a named token; its link is the service's URL with the token.
/// </summary>
internal static class ServiceCommands
{
    /// <summary>The token name a share gets unless <c>--token-name</c> says otherwise.</summary>
    public const string DefaultTokenName = "dotnet-civis-share";

    public static Command Create(CivisTool tool)
    {
        var command = new Command("service", "Share a Civis service with a link, revoke the link, list the links.");
        command.Subcommands.Add(CreateShare(tool));
        command.Subcommands.Add(CreateUnshare(tool));
        command.Subcommands.Add(CreateShares(tool));
        return command;
    }

    private static Argument<string> ServiceArgument() => new("NAME") { Description = "The service's name or id." };

    private static Option<string> TokenNameOption() => new("--token-name")
    {
        Description = "The share's name (a service's token names are unique).",
        DefaultValueFactory = _ => DefaultTokenName,
    };

    private static Command CreateShare(CivisTool tool)
    {
        var service = ServiceArgument();
        var tokenName = TokenNameOption();
        var expires = new Option<string>("--expires")
        {
            Description = "When the link stops working: a duration (7d, 12h, 90m), a date, or 'never'.",
            DefaultValueFactory = _ => "30d",
        };
        var machine = new Option<bool>("--machine") { Description = "A machine token (for programs rather than people)." };
        var command = new Command("share", "Create a share link to a service and print it (the link holds the token: hand it only to its reader).")
        {
            service, tokenName, expires, machine,
        };
        command.SetAction(tool.Action(async (parseResult, cancellationToken) =>
        {
            var context = tool.Context;
            var expiry = FilesCommands.ParseExpiry(parseResult.GetRequiredValue(expires), "--expires");
            if (expiry.In is { } left && left <= TimeSpan.Zero)
            {
                throw new ToolException("--expires is in the past.", ToolExitCodes.Usage);
            }

            var client = context.Client;
            var found = await FindServiceAsync(client, parseResult.GetRequiredValue(service), cancellationToken).ConfigureAwait(false);
            var name = parseResult.GetRequiredValue(tokenName);
            var details = await client.Services.GetAsync(found.Id, cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(details.CurrentUrl))
            {
                throw new ToolException($"Service {found.Id} ('{found.Name}') has no current URL: is it deployed?");
            }

            ServiceToken token;
            try
            {
                token = await client.Services.CreateTokenAsync(found.Id, new ServiceTokenCreateRequest
                {
                    Name = name,
                    MachineToken = parseResult.GetValue(machine) ? true : null,
                    ExpiresIn = expiry.In is { } seconds ? (int)Math.Ceiling(seconds.TotalSeconds) : null,
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (CivisApiException e) when (e.StatusCode == 422)
            {
                throw new ToolException($"Service '{found.Name}' already has a share named '{name}': unshare it first, or pick another --token-name.", ToolExitCodes.Failure, e);
            }

            var builder = new UriBuilder(details.CurrentUrl);
            var query = builder.Query.TrimStart('?');
            builder.Query = (query.Length > 0 ? query + "&" : "") + "civis_service_token=" + Uri.EscapeDataString(token.Token ?? "");
            var link = builder.Uri.AbsoluteUri;
            var until = token.ExpiresAt is { } at ? at.ToString("u", CultureInfo.InvariantCulture) : expiry.At is { } wanted ? wanted.ToString("u", CultureInfo.InvariantCulture) : "the platform's default";
            context.Output.Line(link);
            context.Output.Info($"Shared service {found.Id} ('{found.Name}') as '{name}' (token {token.Id}), valid until {until}.");
            context.Output.WriteJson(new JsonObject
            {
                ["serviceId"] = found.Id,
                ["tokenId"] = token.Id,
                ["name"] = name,
                ["url"] = link,
                ["expiresAt"] = token.ExpiresAt?.ToString("O", CultureInfo.InvariantCulture) ?? expiry.At?.ToString("O", CultureInfo.InvariantCulture),
            });
            return ToolExitCodes.Success;
        }));
        return command;
    }

    private static Command CreateUnshare(CivisTool tool)
    {
        var service = ServiceArgument();
        var tokenName = TokenNameOption();
        var all = new Option<bool>("--all") { Description = "Revoke every share of the service." };
        var command = new Command("unshare", "Revoke a share link of a service.") { service, tokenName, all };
        command.SetAction(tool.Action(async (parseResult, cancellationToken) =>
        {
            var context = tool.Context;
            var client = context.Client;
            var found = await FindServiceAsync(client, parseResult.GetRequiredValue(service), cancellationToken).ConfigureAwait(false);
            var name = parseResult.GetRequiredValue(tokenName);
            var tokens = new List<ServiceTokenSummary>();
            await foreach (var token in client.Services.ListTokensAsync(found.Id, cancellationToken).ConfigureAwait(false))
            {
                if (parseResult.GetValue(all) || token.Name == name)
                {
                    tokens.Add(token);
                }
            }

            if (tokens.Count == 0)
            {
                throw new ToolException($"Service '{found.Name}' has no share named '{name}' (see: dotnet civis service shares {found.Id}).");
            }

            foreach (var token in tokens)
            {
                await client.Services.DeleteTokenAsync(found.Id, token.Id ?? 0, cancellationToken).ConfigureAwait(false);
                context.Output.Line($"Revoked share '{token.Name}' (token {token.Id}) of service {found.Id}.");
            }

            context.Output.WriteJson(new JsonObject { ["serviceId"] = found.Id, ["revoked"] = new JsonArray([.. tokens.Select(t => (JsonNode?)t.Id)]) });
            return ToolExitCodes.Success;
        }));
        return command;
    }

    private static Command CreateShares(CivisTool tool)
    {
        var service = ServiceArgument();
        var command = new Command("shares", "List a service's share links (their tokens are not shown: the platform gives a token only once).") { service };
        command.SetAction(tool.Action(async (parseResult, cancellationToken) =>
        {
            var context = tool.Context;
            var client = context.Client;
            var found = await FindServiceAsync(client, parseResult.GetRequiredValue(service), cancellationToken).ConfigureAwait(false);
            var tokens = new List<ServiceTokenSummary>();
            await foreach (var token in client.Services.ListTokensAsync(found.Id, cancellationToken).ConfigureAwait(false))
            {
                tokens.Add(token);
            }

            context.Output.Table(
                ["ID", "NAME", "USER", "MACHINE", "CREATED", "EXPIRES"],
                tokens.Select(t => (IReadOnlyList<string>)[
                    t.Id?.ToString(CultureInfo.InvariantCulture) ?? "",
                    t.Name ?? "",
                    t.User?.Username ?? t.User?.Name ?? "",
                    t.MachineToken == true ? "yes" : "no",
                    Format(t.CreatedAt),
                    t.ExpiresAt is null ? "never" : Format(t.ExpiresAt),
                ]));
            context.Output.WriteJson(new JsonArray([.. tokens.Select(t => (JsonNode)new JsonObject
            {
                ["id"] = t.Id,
                ["name"] = t.Name,
                ["machineToken"] = t.MachineToken,
                ["createdAt"] = t.CreatedAt?.ToString("O", CultureInfo.InvariantCulture),
                ["expiresAt"] = t.ExpiresAt?.ToString("O", CultureInfo.InvariantCulture),
            })]));
            return ToolExitCodes.Success;
        }));
        return command;
    }

    internal static string Format(DateTimeOffset? time) => time?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";

    /// <summary>A service by id, or by its exact name among the user's services.</summary>
    private static async Task<(int Id, string Name)> FindServiceAsync(CivisClient client, string nameOrId, CancellationToken cancellationToken)
    {
        if (int.TryParse(nameOrId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            var service = await client.Services.GetAsync(id, cancellationToken).ConfigureAwait(false);
            return (id, service.Name ?? nameOrId);
        }

        var matches = new List<ServiceSummary>();
        await foreach (var service in client.Services.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (string.Equals(service.Name, nameOrId, StringComparison.Ordinal))
            {
                matches.Add(service);
            }
        }

        return matches.Count switch
        {
            1 => (matches[0].Id ?? 0, nameOrId),
            0 => throw ToolException.Configuration($"No service is named '{nameOrId}' (names are matched exactly; an id works too)."),
            _ => throw ToolException.Configuration($"{matches.Count} services are named '{nameOrId}' (ids {string.Join(", ", matches.Select(m => m.Id))}): give the id."),
        };
    }
}
