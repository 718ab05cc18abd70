using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Aqueduct.Civis.Manifest.Internal;

/// <summary>
/// Reads a job manifest by walking YamlDotNet's representation model by hand (no reflection, so AOT and trimming safe),
/// collecting every problem with its file, line and key instead of stopping at the first.
/// </summary>
internal sealed class ManifestReader
{
    private static readonly string[] TopKeys =
        ["id", "name", "image", "repository", "command", "resources", "cancelTimeout", "parameters", "schedule", "notifications", "parent", "project", "shares"];

    private static readonly string[] ImageKeys = ["name", "tag"];
    private static readonly string[] RepositoryKeys = ["url", "ref", "credential"];
    private static readonly string[] ResourceKeys = ["cpu", "memory", "disk"];
    private static readonly string[] ParameterKeys = ["name", "type", "label", "description", "required", "default", "allowedValues", "value"];
    private static readonly string[] DatabaseValueKeys = ["database", "credential"];
    private static readonly string[] AllowedValueKeys = ["label", "value"];
    private static readonly string[] ScheduleKeys = ["enabled", "days", "hours", "minutes", "runsPerHour", "daysOfMonth", "timeZone"];
    private static readonly string[] NotificationKeys = ["failureEmails", "successEmails", "stallWarningMinutes", "urls"];
    private static readonly string[] ShareKeys = ["user", "group", "permission"];
    private static readonly string[] DayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    private readonly string file;
    private readonly List<CivisManifestError> errors = [];
    private readonly List<CivisManifestReference> references = [];

    private ManifestReader(string file) => this.file = file;

    public static CivisJobManifest Read(string text, string file)
    {
        var reader = new ManifestReader(file);
        var manifest = reader.ReadDocument(text);
        if (reader.errors.Count > 0 || manifest is null)
        {
            throw new CivisJobManifestException(reader.errors
                .OrderBy(e => e.Location.Line).ThenBy(e => e.Location.Column));
        }

        return manifest;
    }

    private CivisJobManifest? ReadDocument(string text)
    {
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException exception)
        {
            var message = exception.InnerException is YamlException inner ? inner.Message : exception.Message;
            Error(exception.Start, "(yaml)", "is not valid YAML: " + message);
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way at the end of the text inside an unclosed [ or {.
            var mark = parser.Current?.End ?? Mark.Empty;
            Error(mark, "(yaml)", "is not valid YAML: the text ends inside a flow list or mapping (an unclosed [ or {?) after this point.");
            return null;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            Error(new CivisManifestLocation(file, 1, 1), "(manifest)", "is empty: it needs at least name, image, command and resources.");
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            Error(stream.Documents[1].RootNode.Start, "(manifest)", "holds more than one YAML document; a manifest is one.");
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            Error(stream.Documents[0].RootNode.Start, "(manifest)", "must be a mapping of keys (name:, image:, ...).");
            return null;
        }

        var keys = Keys(root, "", TopKeys);
        var rootLocation = Location(root.Start);
        var manifest = new CivisJobManifest(file);

        if (keys.TryGetValue("id", out var id))
        {
            manifest.Id = Integer(id, "id", 1, int.MaxValue, "the script's id on the platform");
            manifest.IdLocation = Location(id.Start);
        }

        manifest.Name = RequiredString(keys, root, "name", "") ?? "";
        if (manifest.Name.Length > 0 && manifest.Name.Trim() != manifest.Name)
        {
            Error(keys["name"].Start, "name", "must not start or end with spaces.");
        }

        manifest.NameLocation = keys.TryGetValue("name", out var nameNode) ? Location(nameNode.Start) : rootLocation;
        manifest.Image = ReadImage(keys, root);
        if (keys.TryGetValue("repository", out var repository))
        {
            manifest.Repository = ReadRepository(repository);
        }

        manifest.Command = RequiredString(keys, root, "command", "") ?? "";
        manifest.Resources = ReadResources(keys, root);
        if (keys.TryGetValue("cancelTimeout", out var cancelTimeout))
        {
            manifest.CancelTimeout = Integer(cancelTimeout, "cancelTimeout", 0, 24 * 3600, "seconds between SIGTERM and SIGKILL") ?? CivisJobManifest.DefaultCancelTimeout;
        }

        if (keys.TryGetValue("parameters", out var parameters))
        {
            manifest.Parameters = ReadParameters(parameters);
        }

        if (keys.TryGetValue("schedule", out var schedule))
        {
            manifest.Schedule = ReadSchedule(schedule);
        }

        if (keys.TryGetValue("notifications", out var notifications))
        {
            manifest.Notifications = ReadNotifications(notifications);
        }

        if (keys.TryGetValue("parent", out var parent))
        {
            manifest.Parent = Reference(parent, "parent", CivisReferenceKind.ParentJob);
        }

        if (keys.TryGetValue("project", out var project))
        {
            manifest.Project = Reference(project, "project", CivisReferenceKind.Project);
        }

        if (keys.TryGetValue("shares", out var shares))
        {
            manifest.Shares = ReadShares(shares);
        }

        manifest.References = references;
        return manifest;
    }

    private CivisJobImage ReadImage(Dictionary<string, YamlNode> keys, YamlMappingNode root)
    {
        if (!keys.TryGetValue("image", out var node))
        {
            Error(root.Start, "image", "is missing: the Docker image the script runs (image: {name: ..., tag: ...}).");
            return new CivisJobImage("", "latest");
        }

        if (Mapping(node, "image") is not { } map)
        {
            return new CivisJobImage("", "latest");
        }

        var image = Keys(map, "image", ImageKeys);
        var name = RequiredString(image, map, "name", "image") ?? "";
        // A tag is a ':' in the last path segment ("registry:5000/team/job" has a port, not a tag).
        if (name[(name.LastIndexOf('/') + 1)..].Contains(':', StringComparison.Ordinal) || name.Contains('@', StringComparison.Ordinal))
        {
            Error(image["name"].Start, "image.name", $"'{name}' carries a tag or digest: give the name alone and the tag in image.tag.");
        }

        var tag = image.TryGetValue("tag", out var tagNode) ? String(tagNode, "image.tag") : null;
        return new CivisJobImage(name, string.IsNullOrEmpty(tag) ? "latest" : tag);
    }

    private CivisJobRepository? ReadRepository(YamlNode node)
    {
        if (Mapping(node, "repository") is not { } map)
        {
            return null;
        }

        var keys = Keys(map, "repository", RepositoryKeys);
        var url = RequiredString(keys, map, "url", "repository") ?? "";
        if (CivisJobRepository.WithoutUserInfo(url) != url)
        {
            // Never quote it: the user-info is a token or password.
            Error(keys["url"].Start, "repository.url", "holds a user name or password before '@'; remove it and name the git credential under repository.credential.");
            url = CivisJobRepository.WithoutUserInfo(url);
        }

        var @ref = keys.TryGetValue("ref", out var refNode) ? String(refNode, "repository.ref") : null;
        var credential = keys.TryGetValue("credential", out var credentialNode)
            ? Reference(credentialNode, "repository.credential", CivisReferenceKind.GitCredential)
            : null;
        return new CivisJobRepository(url, @ref, credential);
    }

    private CivisJobResources ReadResources(Dictionary<string, YamlNode> keys, YamlMappingNode root)
    {
        if (!keys.TryGetValue("resources", out var node))
        {
            Error(root.Start, "resources", "is missing: the platform needs cpu (shares, 1000 a core) and memory (MB).");
            return new CivisJobResources(0, 0, null);
        }

        if (Mapping(node, "resources") is not { } map)
        {
            return new CivisJobResources(0, 0, null);
        }

        var resources = Keys(map, "resources", ResourceKeys);
        int? cpu = null, memory = null;
        if (resources.TryGetValue("cpu", out var cpuNode))
        {
            cpu = Integer(cpuNode, "resources.cpu", 2, 1_000_000, "CPU shares (1000 a core, at least 2)");
        }
        else
        {
            Error(map.Start, "resources.cpu", "is missing: CPU shares, 1000 a core, at least 2 (for example cpu: 1000).");
        }

        if (resources.TryGetValue("memory", out var memoryNode))
        {
            memory = Integer(memoryNode, "resources.memory", 4, 10_000_000, "memory in MB (at least 4)");
        }
        else
        {
            Error(map.Start, "resources.memory", "is missing: memory in MB, at least 4 (for example memory: 2048).");
        }

        double? disk = null;
        if (resources.TryGetValue("disk", out var diskNode))
        {
            disk = Number(diskNode, "resources.disk", "disk space in GB");
            if (disk is <= 0)
            {
                Error(diskNode.Start, "resources.disk", "must be more than 0 GB.");
            }
        }

        return new CivisJobResources(cpu ?? 0, memory ?? 0, disk);
    }

    private List<CivisJobParameter> ReadParameters(YamlNode node)
    {
        var list = new List<CivisJobParameter>();
        if (Sequence(node, "parameters") is not { } sequence)
        {
            return list;
        }

        var seen = new Dictionary<string, CivisJobParameter>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var key = $"parameters[{i}]";
            if (Mapping(sequence.Children[i], key) is not { } map)
            {
                continue;
            }

            if (ReadParameter(map, key, i) is not { } parameter)
            {
                continue;
            }

            if (seen.TryGetValue(parameter.Name, out var first))
            {
                Error(map.Start, key + ".name", $"'{parameter.Name}' is declared twice (first at line {first.Location.Line}); the platform upper-cases names, so they must differ in more than case.");
                continue;
            }

            seen.Add(parameter.Name, parameter);
            list.Add(parameter);
        }

        // Variables of one parameter must not be another's (a string FOO_HOST beside a database FOO).
        var owners = new Dictionary<string, CivisJobParameter>(StringComparer.Ordinal);
        foreach (var parameter in list)
        {
            foreach (var variable in parameter.EnvironmentVariables)
            {
                if (owners.TryGetValue(variable.Name, out var owner))
                {
                    Error(parameter.Location, parameter.Key + ".name", $"its variable {variable.Name} is also a variable of parameter '{owner.Name}' (line {owner.Location.Line}).");
                }
                else
                {
                    owners.Add(variable.Name, parameter);
                }
            }
        }

        return list;
    }

    private CivisJobParameter? ReadParameter(YamlMappingNode map, string key, int index)
    {
        var keys = Keys(map, key, ParameterKeys);
        var name = RequiredString(keys, map, "name", key);
        if (name is { Length: > 0 } && !IsParameterName(name))
        {
            Error(keys["name"].Start, key + ".name", $"'{name}' is not a valid parameter name: letters, digits and underscores, not starting with a digit (it becomes the variable {name.ToUpperInvariant()}).");
            name = null;
        }

        CivisParameterType? type = null;
        if (!keys.TryGetValue("type", out var typeNode))
        {
            Error(map.Start, key + ".type", $"is missing: one of {string.Join(", ", CivisParameterTypes.PlatformNames)}.");
        }
        else if (String(typeNode, key + ".type") is { } typeName)
        {
            if (CivisParameterTypes.TryParse(typeName, out var parsed))
            {
                type = parsed;
            }
            else
            {
                Error(typeNode.Start, key + ".type", $"'{typeName}' is not a parameter type the platform knows{Suggest(typeName, CivisParameterTypes.PlatformNames)}; " +
                    $"use one of {string.Join(", ", CivisParameterTypes.PlatformNames)}.");
            }
        }

        if (name is null || type is not { } t)
        {
            return null;
        }

        var parameter = new CivisJobParameter(name, t, Location(map.Start), index);
        if (keys.TryGetValue("label", out var label))
        {
            parameter.Label = String(label, key + ".label");
        }

        if (keys.TryGetValue("description", out var description))
        {
            parameter.Description = String(description, key + ".description");
        }

        if (keys.TryGetValue("required", out var required))
        {
            parameter.Required = Boolean(required, key + ".required") ?? false;
        }

        if (keys.TryGetValue("default", out var @default))
        {
            if (t.IsCredential())
            {
                Error(@default.Start, key + ".default", $"a {t.ToPlatformName()} parameter cannot have a default (the platform refuses it); set its value: instead.");
            }
            else if (parameter.Required)
            {
                Error(@default.Start, key + ".default", "a required parameter cannot have a default (the platform refuses it); make it required: false or drop the default.");
            }
            else
            {
                parameter.Default = ScalarValue(@default, key + ".default", t);
            }
        }

        if (keys.TryGetValue("allowedValues", out var allowed))
        {
            parameter.AllowedValues = ReadAllowedValues(allowed, key + ".allowedValues", t);
        }

        if (keys.TryGetValue("value", out var value))
        {
            ReadParameterValue(parameter, value, key + ".value");
        }

        if (parameter.AllowedValues.Count > 0)
        {
            foreach (var (text, node, what) in new[] { (parameter.Default, keys.GetValueOrDefault("default"), "default"), (parameter.Value, keys.GetValueOrDefault("value"), "value") })
            {
                if (text is not null && node is not null && !parameter.AllowedValues.Any(a => a.Value == text))
                {
                    Error(node.Start, $"{key}.{what}", $"'{text}' is not one of the allowed values ({string.Join(", ", parameter.AllowedValues.Select(a => a.Value))}).");
                }
            }
        }

        return parameter;
    }

    private void ReadParameterValue(CivisJobParameter parameter, YamlNode node, string key)
    {
        switch (parameter.Type)
        {
            case CivisParameterType.Database:
                if (node is YamlMappingNode map)
                {
                    var keys = Keys(map, key, DatabaseValueKeys);
                    if (keys.TryGetValue("database", out var database))
                    {
                        parameter.Database = Reference(database, key + ".database", CivisReferenceKind.Database);
                    }
                    else
                    {
                        Error(map.Start, key + ".database", "is missing: the database's name on the platform (GET /databases) or its id.");
                    }

                    if (keys.TryGetValue("credential", out var credential))
                    {
                        parameter.Credential = Reference(credential, key + ".credential", CivisReferenceKind.Credential);
                    }
                }
                else
                {
                    // value: "City of Los Angeles - Postgres" — the database with the user's default database credential.
                    parameter.Database = Reference(node, key, CivisReferenceKind.Database);
                }

                break;
            case CivisParameterType.CredentialCustom or CivisParameterType.CredentialRedshift or CivisParameterType.CredentialAws:
                parameter.Credential = Reference(node, key, CivisReferenceKind.Credential);
                break;
            case CivisParameterType.File:
                parameter.Value = Integer(node, key, 1, int.MaxValue, "a Civis file id")?.ToString(CultureInfo.InvariantCulture);
                break;
            default:
                parameter.Value = ScalarValue(node, key, parameter.Type);
                break;
        }
    }

    private List<CivisAllowedValue> ReadAllowedValues(YamlNode node, string key, CivisParameterType type)
    {
        var list = new List<CivisAllowedValue>();
        if (type is not (CivisParameterType.String or CivisParameterType.MultiLineString or CivisParameterType.Integer or CivisParameterType.Float))
        {
            Error(node.Start, key, $"a {type.ToPlatformName()} parameter cannot have allowed values (only string, multi_line_string, integer and float can).");
            return list;
        }

        if (Sequence(node, key) is not { } sequence)
        {
            return list;
        }

        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var item = sequence.Children[i];
            var itemKey = $"{key}[{i}]";
            if (item is YamlMappingNode map)
            {
                var keys = Keys(map, itemKey, AllowedValueKeys);
                var value = keys.TryGetValue("value", out var valueNode) ? ScalarValue(valueNode, itemKey + ".value", type) : null;
                if (!keys.ContainsKey("value"))
                {
                    Error(map.Start, itemKey + ".value", "is missing.");
                }

                var label = keys.TryGetValue("label", out var labelNode) ? String(labelNode, itemKey + ".label") : null;
                if (value is not null)
                {
                    list.Add(new CivisAllowedValue(label ?? value, value));
                }
            }
            else if (ScalarValue(item, itemKey, type) is { } value)
            {
                list.Add(new CivisAllowedValue(value, value));
            }
        }

        return list;
    }

    private CivisJobSchedule? ReadSchedule(YamlNode node)
    {
        if (Mapping(node, "schedule") is not { } map)
        {
            return null;
        }

        var keys = Keys(map, "schedule", ScheduleKeys);
        var schedule = new CivisJobSchedule
        {
            Enabled = keys.TryGetValue("enabled", out var enabled) ? Boolean(enabled, "schedule.enabled") ?? true : true,
            Days = keys.TryGetValue("days", out var days) ? ReadDays(days) : [],
            Hours = keys.TryGetValue("hours", out var hours) ? IntegerList(hours, "schedule.hours", 0, 23, "hours of the day") : [],
            Minutes = keys.TryGetValue("minutes", out var minutes) ? IntegerList(minutes, "schedule.minutes", 0, 59, "minutes of the hour") : [],
            RunsPerHour = keys.TryGetValue("runsPerHour", out var perHour) ? Integer(perHour, "schedule.runsPerHour", 1, 60, "runs per hour") : null,
            DaysOfMonth = keys.TryGetValue("daysOfMonth", out var daysOfMonth) ? IntegerList(daysOfMonth, "schedule.daysOfMonth", 1, 31, "days of the month") : [],
            TimeZone = keys.TryGetValue("timeZone", out var timeZone) ? String(timeZone, "schedule.timeZone") : null,
        };

        if (schedule.Days.Count > 0 && schedule.DaysOfMonth.Count > 0)
        {
            Error(keys["daysOfMonth"].Start, "schedule.daysOfMonth", "cannot be used together with schedule.days (the platform takes one or the other).");
        }

        if (schedule.Enabled && !keys.ContainsKey("days") && !keys.ContainsKey("daysOfMonth"))
        {
            Error(map.Start, "schedule", "needs days (of the week) or daysOfMonth; without either it never runs. Use enabled: false to pause it.");
        }

        if (schedule.Enabled && !keys.ContainsKey("hours"))
        {
            Error(map.Start, "schedule.hours", "is missing: the hours of the day (0-23) the job runs at.");
        }

        if (schedule.TimeZone is { Length: > 0 } zone && !IsKnownTimeZone(zone))
        {
            Error(keys["timeZone"].Start, "schedule.timeZone", $"'{zone}' is not a time zone this machine knows (use an IANA name such as America/Los_Angeles).");
        }

        return schedule;
    }

    private List<int> ReadDays(YamlNode node)
    {
        var list = new List<int>();
        if (Sequence(node, "schedule.days") is not { } sequence)
        {
            return list;
        }

        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var item = sequence.Children[i];
            var key = $"schedule.days[{i}]";
            if (Scalar(item, key) is not { } text)
            {
                continue;
            }

            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 0 and <= 6)
            {
                list.Add(number);
                continue;
            }

            var index = Array.FindIndex(DayNames, d => d.Equals(text, StringComparison.OrdinalIgnoreCase)
                || (text.Length == 3 && d.StartsWith(text, StringComparison.OrdinalIgnoreCase)));
            if (index >= 0)
            {
                list.Add(index);
            }
            else
            {
                Error(item.Start, key, $"'{text}' is not a day of the week: use 0 (Sunday) to 6 (Saturday), or a name such as monday or mon.");
            }
        }

        return Distinct(list);
    }

    private CivisJobNotifications? ReadNotifications(YamlNode node)
    {
        if (Mapping(node, "notifications") is not { } map)
        {
            return null;
        }

        var keys = Keys(map, "notifications", NotificationKeys);
        return new CivisJobNotifications
        {
            FailureEmails = keys.TryGetValue("failureEmails", out var failure) ? Emails(failure, "notifications.failureEmails") : [],
            SuccessEmails = keys.TryGetValue("successEmails", out var success) ? Emails(success, "notifications.successEmails") : [],
            StallWarningMinutes = keys.TryGetValue("stallWarningMinutes", out var stall) ? Integer(stall, "notifications.stallWarningMinutes", 1, 100_000, "minutes") : null,
            Urls = keys.TryGetValue("urls", out var urls) ? Urls(urls, "notifications.urls") : [],
        };
    }

    private List<CivisJobShare> ReadShares(YamlNode node)
    {
        var list = new List<CivisJobShare>();
        if (Sequence(node, "shares") is not { } sequence)
        {
            return list;
        }

        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var key = $"shares[{i}]";
            if (Mapping(sequence.Children[i], key) is not { } map)
            {
                continue;
            }

            var keys = Keys(map, key, ShareKeys);
            CivisManifestReference? target = null;
            if (keys.TryGetValue("user", out var user) == keys.ContainsKey("group"))
            {
                Error(map.Start, key, "needs exactly one of user: or group: (a name or an id).");
            }
            else
            {
                target = user is not null
                    ? Reference(user, key + ".user", CivisReferenceKind.User)
                    : Reference(keys["group"], key + ".group", CivisReferenceKind.Group);
            }

            var permission = CivisShareLevel.Read;
            if (keys.TryGetValue("permission", out var permissionNode) && String(permissionNode, key + ".permission") is { } text)
            {
                switch (text)
                {
                    case "read": permission = CivisShareLevel.Read; break;
                    case "write": permission = CivisShareLevel.Write; break;
                    case "manage": permission = CivisShareLevel.Manage; break;
                    default:
                        Error(permissionNode.Start, key + ".permission", $"'{text}' is not a permission: use read, write or manage.");
                        break;
                }
            }

            if (target is not null)
            {
                list.Add(new CivisJobShare(target, permission));
            }
        }

        return list;
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private Dictionary<string, YamlNode> Keys(YamlMappingNode map, string path, string[] known)
    {
        var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            var fullKey = path.Length == 0 ? "" : path + ".";
            if (keyNode is not YamlScalarNode { Value: { } name })
            {
                Error(keyNode.Start, path.Length == 0 ? "(manifest)" : path, "has a key that is not plain text.");
                continue;
            }

            if (Array.IndexOf(known, name) < 0)
            {
                Error(keyNode.Start, fullKey + name, $"is not a key of {(path.Length == 0 ? "the manifest" : path)}{Suggest(name, known)}; " +
                    $"the keys are {string.Join(", ", known)}.");
                continue;
            }

            if (!result.TryAdd(name, value))
            {
                Error(keyNode.Start, fullKey + name, "is given twice.");
            }
        }

        return result;
    }

    private YamlMappingNode? Mapping(YamlNode node, string key)
    {
        if (node is YamlMappingNode map)
        {
            return map;
        }

        Error(node.Start, key, "must be a mapping of keys.");
        return null;
    }

    private YamlSequenceNode? Sequence(YamlNode node, string key)
    {
        if (node is YamlSequenceNode sequence)
        {
            return sequence;
        }

        Error(node.Start, key, "must be a list (one '- item' a line, or [a, b]).");
        return null;
    }

    private string? Scalar(YamlNode node, string key)
    {
        if (node is YamlScalarNode scalar)
        {
            return IsNull(scalar) ? null : scalar.Value;
        }

        Error(node.Start, key, "must be a single value, not a mapping or a list.");
        return null;
    }

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private string? String(YamlNode node, string key) => Scalar(node, key);

    private string? RequiredString(Dictionary<string, YamlNode> keys, YamlMappingNode map, string name, string path)
    {
        var key = path.Length == 0 ? name : path + "." + name;
        if (!keys.TryGetValue(name, out var node))
        {
            Error(map.Start, key, "is missing.");
            return null;
        }

        var text = String(node, key);
        if (string.IsNullOrWhiteSpace(text))
        {
            if (node is YamlScalarNode)
            {
                Error(node.Start, key, "is empty.");
            }

            return null;
        }

        return text;
    }

    private int? Integer(YamlNode node, string key, int min, int max, string what)
    {
        if (Scalar(node, key) is not { } text)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            Error(node.Start, key, $"must be an integer ({what}), got '{text}'.");
            return null;
        }

        if (value < min || value > max)
        {
            Error(node.Start, key, $"must be from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)} ({what}), got {text}.");
            return null;
        }

        return (int)value;
    }

    private double? Number(YamlNode node, string key, string what)
    {
        if (Scalar(node, key) is not { } text)
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            Error(node.Start, key, $"must be a number ({what}), got '{text}'.");
            return null;
        }

        return value;
    }

    private bool? Boolean(YamlNode node, string key)
    {
        if (Scalar(node, key) is not { } text)
        {
            return null;
        }

        switch (text)
        {
            case "true" or "True" or "TRUE":
                return true;
            case "false" or "False" or "FALSE":
                return false;
            default:
                Error(node.Start, key, $"must be true or false, got '{text}'.");
                return null;
        }
    }

    private List<int> IntegerList(YamlNode node, string key, int min, int max, string what)
    {
        var list = new List<int>();
        if (Sequence(node, key) is not { } sequence)
        {
            return list;
        }

        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (Integer(sequence.Children[i], $"{key}[{i}]", min, max, what) is { } value)
            {
                list.Add(value);
            }
        }

        return Distinct(list);
    }

    private List<string> Emails(YamlNode node, string key)
    {
        var list = StringList(node, key);
        for (var i = 0; i < list.Count; i++)
        {
            var at = list[i].IndexOf('@', StringComparison.Ordinal);
            if (at <= 0 || at == list[i].Length - 1 || list[i].Any(char.IsWhiteSpace))
            {
                Error(((YamlSequenceNode)node).Children[i].Start, $"{key}[{i}]", $"'{list[i]}' is not an e-mail address.");
            }
        }

        return list;
    }

    private List<string> Urls(YamlNode node, string key)
    {
        var list = StringList(node, key);
        for (var i = 0; i < list.Count; i++)
        {
            if (!Uri.TryCreate(list[i], UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                Error(((YamlSequenceNode)node).Children[i].Start, $"{key}[{i}]", $"'{list[i]}' is not an absolute http(s) URL.");
            }
        }

        return list;
    }

    private List<string> StringList(YamlNode node, string key)
    {
        var list = new List<string>();
        if (Sequence(node, key) is not { } sequence)
        {
            return list;
        }

        for (var i = 0; i < sequence.Children.Count; i++)
        {
            // Keep the positions of the list: an empty item is an error, not skipped, so indexes stay aligned.
            var text = Scalar(sequence.Children[i], $"{key}[{i}]");
            if (string.IsNullOrWhiteSpace(text) && sequence.Children[i] is YamlScalarNode)
            {
                Error(sequence.Children[i].Start, $"{key}[{i}]", "is empty.");
            }

            list.Add(text ?? "");
        }

        return list;
    }

    private string? ScalarValue(YamlNode node, string key, CivisParameterType type)
    {
        if (Scalar(node, key) is not { } text)
        {
            return null;
        }

        switch (type)
        {
            case CivisParameterType.Integer:
                if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
                {
                    Error(node.Start, key, $"must be an integer (the parameter is integer), got '{text}'.");
                    return null;
                }

                return integer.ToString(CultureInfo.InvariantCulture);
            case CivisParameterType.Float:
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
                {
                    Error(node.Start, key, $"must be a number (the parameter is float), got '{text}'.");
                    return null;
                }

                return number.ToString("R", CultureInfo.InvariantCulture);
            case CivisParameterType.Bool:
                return Boolean(node, key) is { } flag ? (flag ? "true" : "false") : null;
            case CivisParameterType.String:
                if (text.Contains('\n', StringComparison.Ordinal))
                {
                    Error(node.Start, key, "has more than one line: make the parameter multi_line_string.");
                    return null;
                }

                return text;
            default:
                return text;
        }
    }

    private CivisManifestReference? Reference(YamlNode node, string key, CivisReferenceKind kind)
    {
        if (Scalar(node, key) is not { } text || text.Length == 0)
        {
            if (node is YamlScalarNode)
            {
                Error(node.Start, key, $"is empty: give the {CivisManifestReference.Describe(kind)}'s name or id.");
            }

            return null;
        }

        var scalar = (YamlScalarNode)node;
        CivisManifestReference reference;
        if (scalar.Style == ScalarStyle.Plain && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            if (id <= 0)
            {
                Error(node.Start, key, $"{id} is not an id (ids start at 1).");
                return null;
            }

            reference = new CivisManifestReference(kind, null, id, key, Location(node.Start));
        }
        else
        {
            reference = new CivisManifestReference(kind, text, null, key, Location(node.Start));
        }

        references.Add(reference);
        return reference;
    }

    private static List<int> Distinct(List<int> list) => [.. list.Distinct().Order()];

    private static bool IsParameterName(string name) =>
        (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static bool IsKnownTimeZone(string zone)
    {
        if (TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            return true;
        }

        // A machine without a time zone database cannot tell: do not fail a manifest for it.
        return TimeZoneInfo.GetSystemTimeZones().Count <= 1;
    }

    internal static string Suggest(string name, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var distance = candidate.Equals(name, StringComparison.OrdinalIgnoreCase) ? 0
                : name.Length >= 3 && candidate.StartsWith(name, StringComparison.OrdinalIgnoreCase) ? 1 // int → integer
                : Distance(name.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best is not null && bestDistance <= Math.Max(2, name.Length / 3) ? $" (did you mean '{best}'?)" : "";
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private CivisManifestLocation Location(Mark mark) => new(file, (int)mark.Line, (int)mark.Column);

    private void Error(Mark mark, string key, string message) => errors.Add(new CivisManifestError(Location(mark), key, message));

    private void Error(CivisManifestLocation location, string key, string message) => errors.Add(new CivisManifestError(location, key, message));
}
