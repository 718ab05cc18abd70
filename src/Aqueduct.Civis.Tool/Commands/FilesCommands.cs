using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Aqueduct.Civis.Tool.Commands;

/// <summary><c>files upload PATH</c> and <c>files download ID</c>.</summary>
internal static class FilesCommands
{
    public static Command Create(CivisTool tool)
    {
        var command = new Command("files", "Upload and download Civis files.");
        command.Subcommands.Add(CreateUpload(tool));
        command.Subcommands.Add(CreateDownload(tool));
        return command;
    }

    private static Command CreateUpload(CivisTool tool)
    {
        var path = new Argument<string>("PATH") { Description = "The file to upload." };
        var name = new Option<string?>("--name") { Description = "The file's name on the platform (default: the local file's name)." };
        var expires = new Option<string?>("--expires")
        {
            Description = "When the platform deletes the file: a duration (30d, 12h, 90m) or a date (2027-01-31). Default: the platform's 30 days.",
        };
        var command = new Command("upload", "Upload a file (in parallel parts from 50 MB up) and print its id.") { path, name, expires };
        command.SetAction(tool.Action(async (parseResult, cancellationToken) =>
        {
            var context = tool.Context;
            var file = context.ResolvePath(parseResult.GetRequiredValue(path));
            if (!File.Exists(file))
            {
                throw new ToolException($"{file}: no such file.", ToolExitCodes.Usage);
            }

            var expiresAt = parseResult.GetValue(expires) is { } text ? ParseExpiry(text, "--expires") : null;
            if (expiresAt is { At: null })
            {
                // The library's FilesClient leaves a null expiresAt out of the request, which the platform reads as 30 days.
                throw new ToolException("--expires never is not supported for files: give a duration or a date.", ToolExitCodes.Usage);
            }

            var fileName = parseResult.GetValue(name) ?? Path.GetFileName(file);
            var client = context.Client;
            var source = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous);
            int id;
            await using (source.ConfigureAwait(false))
            {
                var length = source.Length;
                if (context.Output.Console is { } console)
                {
                    id = await console.Progress().StartAsync(async progress =>
                    {
                        var task = progress.AddTask(Markup.Escape(fileName), maxValue: Math.Max(length, 1));
                        var counting = new ProgressStream(source, read => task.Increment(read));
                        return await client.Files.UploadAsync(counting, fileName, expiresAt?.At, cancellationToken).ConfigureAwait(false);
                    }).ConfigureAwait(false);
                }
                else
                {
                    id = await client.Files.UploadAsync(source, fileName, expiresAt?.At, cancellationToken).ConfigureAwait(false);
                }

                context.Output.Line(id.ToString(CultureInfo.InvariantCulture));
                context.Output.Info($"Uploaded {fileName} ({length} bytes) as file {id}.");
                context.Output.WriteJson(new JsonObject { ["id"] = id, ["name"] = fileName, ["size"] = length });
            }

            return ToolExitCodes.Success;
        }));
        return command;
    }

    private static Command CreateDownload(CivisTool tool)
    {
        var id = new Argument<int>("ID") { Description = "The file's id." };
        var output = new Option<string?>("--output", "-o") { Description = "Where to write it (default: the file's name in the working directory; - for standard output)." };
        var command = new Command("download", "Download a file by id.") { id, output };
        command.SetAction(tool.Action(async (parseResult, cancellationToken) =>
        {
            var context = tool.Context;
            var fileId = parseResult.GetValue(id);
            var client = context.Client;
            var info = await client.Files.GetAsync(fileId, cancellationToken).ConfigureAwait(false);
            var target = parseResult.GetValue(output);
            var source = await client.Files.OpenReadAsync(fileId, cancellationToken).ConfigureAwait(false);
            await using (source.ConfigureAwait(false))
            {
                if (target == "-")
                {
                    var stdout = Console.OpenStandardOutput();
                    await using (stdout.ConfigureAwait(false))
                    {
                        await source.CopyToAsync(stdout, cancellationToken).ConfigureAwait(false);
                    }

                    return ToolExitCodes.Success;
                }

                var path = context.ResolvePath(target ?? SafeName(info.Name, fileId));
                var temporary = path + ".part";
                var destination = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
                long written;
                await using (destination.ConfigureAwait(false))
                {
                    await source.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
                    written = destination.Length;
                }

                File.Move(temporary, path, overwrite: true);
                context.Output.Line(path);
                context.Output.Info($"Downloaded file {fileId} ({written} bytes) to {path}.");
                context.Output.WriteJson(new JsonObject { ["id"] = fileId, ["path"] = path, ["size"] = written });
            }

            return ToolExitCodes.Success;
        }));
        return command;
    }

    /// <summary>An expiry given as a duration (<c>30d</c>, <c>12h</c>, <c>90m</c>), <c>never</c>, or a date.</summary>
    internal static Expiry ParseExpiry(string text, string option)
    {
        if (text.Equals("never", StringComparison.OrdinalIgnoreCase))
        {
            return new Expiry(null, null);
        }

        if (text.Length > 1 && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            TimeSpan? duration = char.ToLowerInvariant(text[^1]) switch
            {
                'd' => TimeSpan.FromDays(amount),
                'h' => TimeSpan.FromHours(amount),
                'm' => TimeSpan.FromMinutes(amount),
                's' => TimeSpan.FromSeconds(amount),
                _ => null,
            };
            if (duration is { } d)
            {
                return new Expiry(DateTimeOffset.UtcNow + d, d);
            }
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return new Expiry(at, at - DateTimeOffset.UtcNow);
        }

        throw new ToolException($"{option} '{text}' is not a duration (30d, 12h, 90m), 'never' or a date (2027-01-31).", ToolExitCodes.Usage);
    }

    private static string SafeName(string? name, int id)
    {
        var file = Path.GetFileName(name ?? "");
        return string.IsNullOrWhiteSpace(file) ? $"civis-file-{id}" : file;
    }

    /// <summary>An expiry: the moment, and the duration from now (both <see langword="null"/> for never).</summary>
    internal sealed record Expiry(DateTimeOffset? At, TimeSpan? In);
}
