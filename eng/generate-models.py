#!/usr/bin/env python3
"""Generates the Civis API model classes (src/Aqueduct.Civis/Api/Models/*.cs) from the spec.

Run from the repository root: python3 eng/generate-models.py
The spec is eng/civis-api/civis_api_spec.json, the one copy (the Testing project embeds it,
see eng/civis-api/SPEC-NOTE.md). To type another definition, add it to NAMES (spec definition ->
C# type) and run again.
"""
import json, os, re, html

SPEC = 'eng/civis-api/civis_api_spec.json'
OUT = 'src/Aqueduct.Civis/Api/Models'

# Spec definition -> C# type name. Nested definitions not listed keep their spec name.
NAMES = {
    'UserMe': 'CurrentUser', 'UserGroup': 'UserGroup', 'UserSimpleUser': 'UserSummary',
    'Database': 'Database', 'DatabaseSchemaResponseSummary': 'DatabaseSchema', 'Table': 'DatabaseTable',
    'Credential': 'Credential', 'RemoteHostSummary': 'RemoteHost',
    'ContainerScript': 'ContainerScript', 'ScriptSimpleAlias': 'ScriptAlias', 'ScriptProject': 'ScriptProject',
    'ScriptParam': 'ScriptParam', 'ScriptLink': 'ScriptLinks', 'JobSchedule': 'JobSchedule',
    'JobNotifications': 'JobNotifications', 'ScriptRequiredResources': 'RequiredResources', 'JobRun': 'JobRun',
    'ContainerScriptCreateRequest': 'ContainerScriptCreateRequest',
    'ContainerScriptUpdateRequest': 'ContainerScriptUpdateRequest',
    'ContainerScriptPatchRequest': 'ContainerScriptPatchRequest',
    'ContainerRun': 'ContainerRun', 'LogRunLogResponseSummary': 'RunLogEntry',
    'JobOutput': 'RunOutput', 'JobOutputSummary7': 'RunOutput', 'JobOutputCreateRequest': 'RunOutputCreateRequest',
    'ScriptRunLogCreateRequest': 'RunLogCreateRequest', 'ScriptRunLogMessageCreateRequest': 'RunLogMessage',
    'SqlScriptCreateRequest': 'SqlScriptCreateRequest', 'SqlScript': 'SqlScript', 'ScriptCsvSettingsParams': 'CsvSettings',
    'SqlRun': 'SqlRun', 'ScriptOutput': 'SqlRunOutput', 'Job': 'Job',
    'FilePostCreateRequest': 'FileCreateRequest', 'FilePost': 'FileCreateResponse',
    'FileMultipartFilePostParamsCreateRequest': 'MultipartFileCreateRequest', 'FileMultipartFilePost': 'MultipartFileCreateResponse',
    'File': 'CivisFile', 'FileDetectedInfo': 'FileDetectedInfo', 'FileTableColumns': 'FileTableColumn',
    'CsvImportCreateRequest': 'CsvImportCreateRequest', 'CsvImport': 'CsvImport', 'CsvImportRun': 'CsvImportRun',
    'ImportSource': 'CsvImportSource', 'ImportStorageSource': 'CsvImportStoragePath',
    'ImportTableDestination': 'CsvImportDestination', 'ImportTableColumns': 'TableColumn',
    'ImportRedshiftDestinationOptions': 'RedshiftDestinationOptions',
    'QueryCreateRequest': 'QueryCreateRequest', 'Query': 'Query', 'QueryDetail': 'QueryDetail',
    'JsonValueCreateRequest': 'JsonValueCreateRequest', 'JsonValue': 'JsonValue',
    'Service': 'Service', 'ServiceSummary': 'ServiceSummary', 'ServiceDeployment': 'ServiceDeployment',
    'ServiceDeploymentSummary': 'ServiceDeploymentSummary', 'SchedulingMultiSchedule': 'ServiceSchedule',
    'SchedulingRecurrence': 'ServiceScheduleRecurrence', 'ServiceNotifications': 'ServiceNotifications',
    'ServiceTokenCreationParamsCreateRequest': 'ServiceTokenCreateRequest', 'ServiceToken': 'ServiceToken',
    'ServiceTokenSummary': 'ServiceTokenSummary', 'ScriptSummary': 'ScriptSummary',
}

# Types that list calls return: the JSON context also gets List<T> for them.
LISTED = ['Database', 'DatabaseSchema', 'Credential', 'RemoteHost', 'ScriptSummary', 'ContainerRun', 'RunLogEntry',
          'RunOutput', 'JobRun', 'ServiceSummary', 'ServiceTokenSummary', 'CsvImportRun', 'SqlRun']

# Properties whose recorded values do not match the declared type: typed loosely.
LOOSE = {('UserMe', 'customBranding'), ('UserMe', 'roleAssumer'), ('JsonValue', 'value')}

def ref_name(prop):
    r = prop.get('$ref')
    return r.split('/')[-1] if r else None


spec = json.load(open(SPEC))
D = spec['definitions']


def fits(value, prop):
    """Whether a recorded value has the type the spec declares."""
    if value is None:
        return True
    if '$ref' in prop:
        return isinstance(value, dict)
    t = prop.get('type')
    return {'string': isinstance(value, str), 'integer': isinstance(value, int) and not isinstance(value, bool),
            'number': isinstance(value, (int, float)) and not isinstance(value, bool), 'boolean': isinstance(value, bool),
            'array': isinstance(value, list), 'object': isinstance(value, dict)}.get(t, True)


def check(value, defn):
    """Finds properties whose recorded values contradict the spec, so they are typed loosely."""
    if not isinstance(value, dict) or defn not in D:
        return
    for name, prop in D[defn].get('properties', {}).items():
        v = value.get(name)
        if not fits(v, prop):
            LOOSE.add((defn, name))
            continue
        r = ref_name(prop) or ref_name(prop.get('items', {}))
        if r:
            for item in (v if isinstance(v, list) else [v]):
                check(item, r)
        elif prop.get('type') == 'array' and isinstance(v, list):
            if any(not fits(item, prop.get('items', {})) for item in v):
                LOOSE.add((defn, name))


for path_item in spec['paths'].values():
    for operation in path_item.values():
        schema = next((r.get('schema') for c, r in operation.get('responses', {}).items() if c.startswith('2') and r.get('schema')), None)
        target = schema and (ref_name(schema) or ref_name(schema.get('items', {})))
        if not target:
            continue
        for example in operation.get('x-examples') or []:
            for request in (example or {}).get('requests') or []:
                if 200 <= request.get('response_status', 0) < 300 and request.get('response_body'):
                    try:
                        body = json.loads(request['response_body'])
                    except ValueError:
                        continue
                    for item in (body if isinstance(body, list) else [body]):
                        check(item, target)
emitted = {}   # C# name -> spec definition
alias = {}     # request definition -> response definition reused for it


def cs_name(defn):
    return NAMES.get(defn, defn)


def pascal(name):
    name = re.sub(r'[^0-9A-Za-z_]', '_', name)
    parts = re.split(r'_', name)
    return ''.join(p[:1].upper() + p[1:] for p in parts if p)


def doc(text):
    text = ' '.join((text or '').split())
    return html.escape(text, quote=False)


def resolve(defn):
    """A request definition whose properties equal those of a definition with the same C# name reuses it."""
    return alias.get(defn, defn)


def prop_type(owner, name, prop):
    if (owner, name) in LOOSE:
        return 'JsonElement?'
    r = ref_name(prop)
    if r:
        queue.append(r)
        return cs_name(resolve(r)) + '?'
    t, f = prop.get('type'), prop.get('format')
    if t == 'integer':
        return 'long?' if re.search(r'size|bytes|Size|Bytes|rows|Rows', name) else 'int?'
    if t == 'number':
        return 'double?'
    if t == 'boolean':
        return 'bool?'
    if t == 'string':
        # Timestamps are often declared with format "time" but hold full date-times.
        if f == 'date-time' or (f == 'time' and name.endswith('At')):
            return 'DateTimeOffset?'
        return 'string?'
    if t == 'array':
        items = prop.get('items', {})
        r = ref_name(items)
        if r:
            queue.append(r)
            inner = cs_name(resolve(r))
        elif items.get('type') in ('integer',):
            inner = 'long' if re.search(r'size|bytes|Size|Bytes', name) else 'int'
        elif items.get('type') == 'string':
            inner = 'string'
        elif items.get('type') == 'number':
            inner = 'double'
        elif items.get('type') == 'boolean':
            inner = 'bool'
        else:
            inner = 'JsonElement'
        return f'IList<{inner}>?'
    if t == 'object' and 'additionalProperties' in prop:
        return 'IDictionary<string, JsonElement>?'
    return 'JsonElement?'


def emit(defn):
    name = cs_name(defn)
    if name in emitted:
        return
    emitted[name] = defn
    d = D[defn]
    lines = ['// <auto-generated>', f'// Generated from the Civis API spec, definition {defn}, by eng/generate-models.py.',
             '// Change the generator, not this file.', '// </auto-generated>', '#nullable enable', '',
             'using System.Text.Json;', 'using System.Text.Json.Serialization;', '', 'namespace Aqueduct.Civis.Api;', '',
             '/// <summary>', f'/// {doc(d.get("description")) or ("The " + name + " object of the Civis API")} (spec definition <c>{defn}</c>). Properties the model does not',
             '/// name are kept in <see cref="AdditionalProperties"/>.', '/// </summary>',
             f'public sealed class {name}', '{']
    for pn, pv in d.get('properties', {}).items():
        cs_prop = pascal(pn)
        if cs_prop == name:
            cs_prop += 'Value'
        t = prop_type(defn, pn, pv)
        desc = doc(pv.get('description')) or f'The {pn} property.'
        lines += [f'    /// <summary>{desc}</summary>', f'    [JsonPropertyName("{pn}")]', f'    public {t} {cs_prop} {{ get; set; }}', '']
    lines += ['    /// <summary>Properties of the JSON object that the model does not name, kept as they came.</summary>',
              '    [JsonExtensionData]', '    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }', '}', '']
    with open(os.path.join(OUT, name + '.cs'), 'w') as fh:
        fh.write('\n'.join(lines))


def same_shape(a, b):
    return set(D[a].get('properties', {})) == set(D[b].get('properties', {}))


# Request sub-objects with exactly the shape of a response sub-object share its class.
responses_by_shape = {}
for defn in NAMES:
    if not defn.endswith('Request'):
        responses_by_shape.setdefault(frozenset(D[defn].get('properties', {})), defn)
for defn in list(D):
    if defn.endswith(('CreateRequest', 'PatchRequest', 'UpdateRequest')) and defn not in NAMES:
        key = frozenset(D[defn].get('properties', {}))
        if key in responses_by_shape:
            alias[defn] = responses_by_shape[key]

os.makedirs(OUT, exist_ok=True)
for f in os.listdir(OUT):
    if f.endswith('.cs'):
        os.remove(os.path.join(OUT, f))
queue = list(NAMES)
while queue:
    emit(resolve(queue.pop(0)))
print(len(emitted), 'models;', len(LOOSE), 'properties typed loosely')
for n, d in sorted(emitted.items()):
    if n == d:
        print('  unnamed:', d)

ctx = ['// <auto-generated>', '// Generated by eng/generate-models.py. Change the generator, not this file.', '// </auto-generated>',
       '#nullable enable', '', 'using System.Text.Json;', 'using System.Text.Json.Serialization;', '',
       'namespace Aqueduct.Civis.Api.Internal;', '',
       '/// <summary>Source-generated JSON metadata for every model: camelCase, nulls left out of requests, unknown properties kept.</summary>',
       '[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.Strict)]',
       '[JsonSerializable(typeof(JsonElement))]', '[JsonSerializable(typeof(List<JsonElement>))]']
for n in sorted(emitted):
    ctx.append(f'[JsonSerializable(typeof({n}))]')
for n in LISTED:
    ctx.append(f'[JsonSerializable(typeof(List<{n}>))]')
ctx += ['internal sealed partial class CivisJsonContext : JsonSerializerContext', '{', '}', '']
open('src/Aqueduct.Civis/Api/Internal/CivisJsonContext.cs', 'w').write('\n'.join(ctx))
