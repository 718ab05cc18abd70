using System.CommandLine;
using System.Text.Json;

namespace Aqueduct.Civis.Tool.Commands;

/// <summary><c>api METHOD PATH [BODY]</c>: any operation of the API, raw, with the client's retries and errors.</summary>
internal static class ApiCommand
{
    public static Command Create(CivisTool tool)
    {
        var method = new Argument<string>("METHOD") { Description = "GET, POST, PUT, PATCH or DELETE." };
        var path = new Argument<string>("PATH") { Description = "The operation's path with its query, such as /scripts?type=containers or databases/3." };
        var body = new Argument<string?>("BODY") { Description = "The JSON body; @FILE reads it from a file, - from standard input.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("api", "Call any operation of the Civis API and print its JSON answer.") { method, path, body };
        command.SetAction(tool.Action(async (parseResult, cancellationToken) =>
        {
            var context = tool.Context;
            var verb = parseResult.GetRequiredValue(method).ToUpperInvariant();
            if (verb is not ("GET" or "POST" or "PUT" or "PATCH" or "DELETE" or "HEAD"))
            {
                throw new ToolException($"METHOD '{verb}' is not one of GET, POST, PUT, PATCH, DELETE, HEAD.", ToolExitCodes.Usage);
            }

            var text = parseResult.GetValue(body) switch
            {
                null => null,
                "-" => await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false),
                ['@', .. var file] => await File.ReadAllTextAsync(context.ResolvePath(file), cancellationToken).ConfigureAwait(false),
                var inline => inline,
            };
            JsonElement? json = null;
            if (text is not null)
            {
                try
                {
                    using var document = JsonDocument.Parse(text);
                    json = document.RootElement.Clone();
                }
                catch (JsonException e)
                {
                    throw new ToolException($"BODY is not JSON: {e.Message}", ToolExitCodes.Usage);
                }
            }

            var response = await context.Client.SendAsync(new HttpMethod(verb), parseResult.GetRequiredValue(path).TrimStart('/'), json, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (response.Content is { } content)
            {
                context.Output.Raw(ToolOutput.Format(content));
            }
            else
            {
                context.Output.Info($"{(int)response.StatusCode} {response.StatusCode}");
            }

            return ToolExitCodes.Success;
        }));
        return command;
    }
}
