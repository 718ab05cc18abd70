#!/usr/bin/env python3
"""Generates the typed Civis API from the spec: every definition a model, every operation a method.

Run from anywhere: python3 eng/generate-api.py [--out DIR]
DIR (default: the repository root) receives, relative to it:
  src/Aqueduct.Civis/Api/Models/*.cs              one class per model (namespace Aqueduct.Civis.Api.Models)
  src/Aqueduct.Civis/Api/*Client.g.cs             the generated half of each sub-client (one per group: first path segment)
  src/Aqueduct.Civis/Api/CivisClient.g.cs         the sub-clients of groups without a hand-written client
  src/Aqueduct.Civis/Api/Internal/CivisJsonContext.cs   the one source-generated JSON context
  src/Aqueduct.Civis/Api/Internal/CivisOperations.g.cs  the generated operations, for the contract tests
The spec is eng/civis-api/civis_api_spec.json (see eng/civis-api/SPEC-NOTE.md). The output is deterministic: the
same spec and generator give the same bytes (GeneratorDeterminismTests checks it).

Naming policy (no numbered names in the public API):
  1. NAMES, the curated map, comes first.
  2. Request definitions with exactly the properties of a curated response definition share its class.
  3. A numbered definition (JobOutput7) that is structurally identical (same properties, same types, recursively)
     to another of the same base name (JobOutput, JobOutput2) shares its class; the group takes the unnumbered
     name, or else a name from its use.
  4. Any other numbered definition is named by its use: the operation that sends or answers it
     (ImportsListSyncsResponse, ScriptsPutArchiveRequest) or, nested, its parent's name and property.
  5. Every other definition keeps its spec name.
Operation methods follow civis-python's names, PascalCased: GET of a collection is List, GET of an item Get, then
Post, Put, Patch, Delete, followed by the path's non-parameter segments after the group
(GET /scripts/containers/{id}/runs -> Scripts.ListContainersRunsAsync, civis-python's scripts.list_containers_runs).
Operations a hand-written method already covers (HANDWRITTEN) are not generated again.
"""
import argparse
import html
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(ROOT, 'eng', 'civis-api', 'civis_api_spec.json')
API = os.path.join('src', 'Aqueduct.Civis', 'Api')
GENERATOR = 'eng/generate-api.py'

# Spec definition -> C# type name. First, before any other rule.
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
    # The spec's TableColumn would share a name with the curated TableColumn (ImportTableColumns).
    'TableColumn': 'DatabaseTableColumn',
}

# Operations a hand-written method covers: (method, path) -> the method. Not generated again. It must list exactly
# the operations of CivisOperations.HandWritten (src/Aqueduct.Civis/Api/Internal/CivisOperations.cs); the generator
# stops when they differ.
HANDWRITTEN = {
    ('GET', '/users/me'): 'UsersClient.GetMeAsync',
    ('GET', '/databases'): 'DatabasesClient.ListAsync',
    ('GET', '/databases/{id}/schemas'): 'DatabasesClient.ListSchemasAsync',
    ('GET', '/databases/{id}/schemas/{schema_name}/tables/{table_name}'): 'DatabasesClient.GetTableAsync',
    ('GET', '/credentials'): 'CredentialsClient.ListAsync',
    ('GET', '/remote_hosts'): 'RemoteHostsClient.ListAsync',
    ('GET', '/scripts'): 'ScriptsClient.ListContainersAsync',
    ('POST', '/scripts/containers'): 'ScriptsClient.CreateContainerAsync',
    ('GET', '/scripts/containers/{id}'): 'ScriptsClient.GetContainerAsync',
    ('PATCH', '/scripts/containers/{id}'): 'ScriptsClient.UpdateContainerAsync',
    ('PUT', '/scripts/containers/{id}'): 'ScriptsClient.ReplaceContainerAsync',
    ('POST', '/scripts/containers/{id}/runs'): 'ScriptsClient.StartContainerRunAsync',
    ('GET', '/scripts/containers/{id}/runs'): 'ScriptsClient.ListContainerRunsAsync',
    ('GET', '/scripts/containers/{id}/runs/{run_id}'): 'ScriptsClient.GetContainerRunAsync',
    ('DELETE', '/scripts/containers/{id}/runs/{run_id}'): 'ScriptsClient.CancelContainerRunAsync',
    ('GET', '/scripts/containers/{id}/runs/{run_id}/logs'): 'ScriptsClient.ReadContainerRunLogsAsync',
    ('POST', '/scripts/containers/{id}/runs/{run_id}/logs'): 'ScriptsClient.AddContainerRunLogsAsync',
    ('GET', '/scripts/containers/{id}/runs/{run_id}/outputs'): 'ScriptsClient.ListContainerRunOutputsAsync',
    ('POST', '/scripts/containers/{id}/runs/{run_id}/outputs'): 'ScriptsClient.AddContainerRunOutputAsync',
    ('POST', '/scripts/sql'): 'ScriptsClient.CreateSqlAsync',
    ('POST', '/scripts/sql/{id}/runs'): 'ScriptsClient.StartSqlRunAsync',
    ('GET', '/scripts/sql/{id}/runs/{run_id}'): 'ScriptsClient.GetSqlRunAsync',
    ('DELETE', '/scripts/sql/{id}/runs/{run_id}'): 'ScriptsClient.WaitForSqlRunAsync',
    ('GET', '/jobs/{id}'): 'JobsClient.GetAsync',
    ('POST', '/jobs/{id}/runs'): 'JobsClient.StartRunAsync',
    ('GET', '/jobs/{id}/runs'): 'JobsClient.ListRunsAsync',
    ('GET', '/jobs/{id}/runs/{run_id}'): 'JobsClient.GetRunAsync',
    ('DELETE', '/jobs/{id}/runs/{run_id}'): 'JobsClient.CancelRunAsync',
    ('GET', '/jobs/{id}/runs/{run_id}/logs'): 'JobsClient.ReadLogsAsync',
    ('GET', '/jobs/{id}/runs/{run_id}/outputs'): 'JobsClient.ListRunOutputsAsync',
    ('POST', '/files'): 'FilesClient.CreateAsync',
    ('POST', '/files/multipart'): 'FilesClient.UploadAsync',
    ('POST', '/files/multipart/{id}/complete'): 'FilesClient.UploadAsync',
    ('GET', '/files/{id}'): 'FilesClient.GetAsync',
    ('POST', '/imports/files/csv'): 'ImportsClient.CreateCsvAsync',
    ('POST', '/imports/files/csv/{id}/runs'): 'ImportsClient.StartCsvRunAsync',
    ('GET', '/imports/files/csv/{id}/runs/{run_id}'): 'ImportsClient.GetCsvRunAsync',
    ('DELETE', '/imports/files/csv/{id}/runs/{run_id}'): 'ImportsClient.WaitForCsvRunAsync',
    ('POST', '/queries'): 'QueriesClient.CreateAsync',
    ('GET', '/queries/{id}'): 'QueriesClient.GetAsync',
    ('DELETE', '/queries/{id}/runs/{run_id}'): 'QueriesClient.WaitAsync',
    ('GET', '/queries/{id}/runs/{run_id}/logs'): 'QueriesClient.WaitAsync',
    ('POST', '/json_values'): 'JsonValuesClient.CreateAsync',
    ('GET', '/services'): 'ServicesClient.ListAsync',
    ('GET', '/services/{id}'): 'ServicesClient.GetAsync',
    ('POST', '/services/{id}/tokens'): 'ServicesClient.CreateTokenAsync',
    ('GET', '/services/{id}/tokens'): 'ServicesClient.ListTokensAsync',
    ('DELETE', '/services/{id}/tokens/{token_id}'): 'ServicesClient.DeleteTokenAsync',
}

# Hand-written calls that cover only part of an operation (a fixed filter): the operation is generated as well.
PARTIAL = {('GET', '/scripts')}

# Properties whose recorded values do not match the declared type: typed loosely (JsonElement). The generator adds
# every property whose recorded example contradicts the spec.
LOOSE = {('UserMe', 'customBranding'), ('UserMe', 'roleAssumer'), ('JsonValue', 'value')}
# Integer properties with a recorded value beyond the range of int: typed long.
WIDE = set()

# Request properties for which an explicit null means something ("to keep a file indefinitely, specify null"): typed
# CivisOptional<T>, so "not set" (left out of the JSON) and "set to null" (sent as null) differ.
NULL_MEANS = re.compile(r'specify null|null is passed|set (?:it )?to null|pass(?:ing)? null', re.I)

CS_KEYWORDS = {'abstract', 'as', 'base', 'bool', 'break', 'byte', 'case', 'catch', 'char', 'checked', 'class', 'const',
               'continue', 'decimal', 'default', 'delegate', 'do', 'double', 'else', 'enum', 'event', 'explicit', 'extern',
               'false', 'finally', 'fixed', 'float', 'for', 'foreach', 'goto', 'if', 'implicit', 'in', 'int', 'interface',
               'internal', 'is', 'lock', 'long', 'namespace', 'new', 'null', 'object', 'operator', 'out', 'override',
               'params', 'private', 'protected', 'public', 'readonly', 'ref', 'return', 'sbyte', 'sealed', 'short',
               'sizeof', 'stackalloc', 'static', 'string', 'struct', 'switch', 'this', 'throw', 'true', 'try', 'typeof',
               'uint', 'ulong', 'unchecked', 'unsafe', 'ushort', 'using', 'virtual', 'void', 'volatile', 'while'}

# Names a model may not take: JsonSerializerContext members and types every file of the assembly sees.
RESERVED = {'Default', 'Options', 'GeneratedSerializerOptions', 'File', 'Directory', 'Path', 'Stream', 'Task', 'Thread',
            'Timer', 'Monitor', 'Environment', 'Version', 'Attribute', 'Type', 'Action', 'Index', 'Range', 'Exception',
            'Random', 'Buffer', 'Math', 'Console', 'Convert', 'Guid', 'Uri', 'Object', 'String', 'Enum', 'Array',
            'Tuple', 'Lazy', 'Progress', 'Parallel', 'Barrier', 'Volatile', 'Interlocked', 'Models', 'Enumerable',
            'Queryable', 'Lookup', 'HttpMethod', 'HttpClient', 'JsonElement', 'JsonDocument', 'DateTimeOffset'}


def fail(message):
    sys.stderr.write('generate-api: ' + message + '\n')
    sys.exit(1)


def ref_name(schema):
    r = (schema or {}).get('$ref')
    return r.split('/')[-1] if r else None


def pascal(name):
    parts = re.split(r'[^0-9A-Za-z]+', name)
    text = ''.join(p[:1].upper() + p[1:] for p in parts if p)
    return text if text and not text[0].isdigit() else '_' + text


def camel(name):
    text = pascal(name)
    text = text[:1].lower() + text[1:]
    return '@' + text if text in CS_KEYWORDS else text


def doc(text, first_sentence=True):
    text = ' '.join((text or '').split())
    if first_sentence:
        m = re.match(r'(.+?[.!?])(\s|$)', text)
        if m:
            text = m.group(1)
    return html.escape(text, quote=False)


spec = json.load(open(SPEC, encoding='utf-8'))
D = spec['definitions']
METHODS = ('get', 'post', 'put', 'patch', 'delete')


def norm(path):
    return path.rstrip('/') if len(path) > 1 else path


OPS = []  # (METHOD, path, operation), in spec order
for raw_path, item in spec['paths'].items():
    for m, op in item.items():
        if m in METHODS:
            OPS.append((m.upper(), norm(raw_path), op))


def success(op):
    """The 2xx status and its schema, or None."""
    for code in sorted(op.get('responses', {})):
        if code.startswith('2'):
            return code, op['responses'][code].get('schema')
    return None, None


# ---- contradictions between the spec and its recorded examples ----

DATE = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$')


def is_timestamp(name, prop):
    f = prop.get('format')
    return prop.get('type') == 'string' and (f == 'date-time' or (f == 'time' and name.endswith('At')))


def fits(value, name, prop):
    """Whether a recorded value has the type the spec declares."""
    if value is None:
        return True
    if '$ref' in prop:
        return isinstance(value, dict)
    t = prop.get('type')
    if t == 'string' and is_timestamp(name, prop):
        return isinstance(value, str) and bool(DATE.match(value))
    return {'string': isinstance(value, str), 'integer': isinstance(value, int) and not isinstance(value, bool),
            'number': isinstance(value, (int, float)) and not isinstance(value, bool), 'boolean': isinstance(value, bool),
            'array': isinstance(value, list), 'object': isinstance(value, dict)}.get(t, True)


def check(value, defn):
    """Finds properties whose recorded values contradict the spec, so they are typed loosely."""
    if not isinstance(value, dict) or defn not in D:
        return
    for name, prop in D[defn].get('properties', {}).items():
        v = value.get(name)
        if not fits(v, name, prop):
            LOOSE.add((defn, name))
            continue
        if prop.get('type') == 'integer' and isinstance(v, int) and not -2**31 <= v < 2**31:
            WIDE.add((defn, name))
        r = ref_name(prop) or ref_name(prop.get('items', {}))
        if r:
            for item in (v if isinstance(v, list) else [v]):
                check(item, r)
        elif prop.get('type') == 'array' and isinstance(v, list):
            items = prop.get('items', {})
            if any(not fits(item, '', items) for item in v):
                LOOSE.add((defn, name))
            elif items.get('type') == 'integer' and any(isinstance(i, int) and not -2**31 <= i < 2**31 for i in v):
                WIDE.add((defn, name))


for method, path, op in OPS:
    _, schema = success(op)
    target = schema and (ref_name(schema) or ref_name(schema.get('items', {})))
    if not target:
        continue
    for example in op.get('x-examples') or []:
        for request in (example or {}).get('requests') or []:
            if 200 <= request.get('response_status', 0) < 300 and request.get('response_body'):
                try:
                    body = json.loads(request['response_body'])
                except ValueError:
                    continue
                for item in (body if isinstance(body, list) else [body]):
                    check(item, target)

def recorded_as_array(op):
    """Whether the recorded answers are JSON arrays although the spec declares one object (GET /jobs/{id}/children)."""
    bodies = []
    for example in op.get('x-examples') or []:
        for request in (example or {}).get('requests') or []:
            if 200 <= request.get('response_status', 0) < 300 and request.get('response_body'):
                try:
                    bodies.append(json.loads(request['response_body']))
                except ValueError:
                    pass
    return bool(bodies) and all(isinstance(b, list) for b in bodies)


# ---- operation names ----

GROUPS = {}  # group segment -> list of operations


def group_of(path):
    return path.strip('/').split('/')[0]


def client_name(group):
    return pascal(group) + 'Client'


def base_method_name(method, path):
    segments = path.strip('/').split('/')
    rest = [s for s in segments[1:] if not s.startswith('{')]
    verb = {'GET': 'List' if not segments[-1].startswith('{') else 'Get'}.get(method, pascal(method.lower()))
    return verb + ''.join(pascal(s) for s in rest)


HAND_METHODS = {}  # client class -> method names written by hand
for fname in sorted(os.listdir(os.path.join(ROOT, API))):
    if fname.endswith('Client.cs'):
        text = open(os.path.join(ROOT, API, fname), encoding='utf-8').read()
        HAND_METHODS[fname[:-3]] = set(re.findall(r'public virtual [^(=]*?\b(\w+)\s*\(', text))

hand_table = set()
ops_text = open(os.path.join(ROOT, API, 'Internal', 'CivisOperations.cs'), encoding='utf-8').read()
for m, p in re.findall(r'new\("(\w+)", "([^"]+)"', ops_text):
    hand_table.add((m, p))
if hand_table != set(HANDWRITTEN):
    fail('HANDWRITTEN and CivisOperations.HandWritten differ: ' + repr(sorted(hand_table ^ set(HANDWRITTEN))))
spec_ops = {(m, p) for m, p, _ in OPS}
if not set(HANDWRITTEN) <= spec_ops:
    fail('HANDWRITTEN names operations the spec does not have: ' + repr(sorted(set(HANDWRITTEN) - spec_ops)))

GENERATED = []  # dicts, sorted by group then path then method
for method, path, op in sorted(OPS, key=lambda o: (group_of(o[1]), o[1], METHODS.index(o[0].lower()))):
    if (method, path) in HANDWRITTEN and (method, path) not in PARTIAL:
        continue
    GENERATED.append({'method': method, 'path': path, 'op': op, 'group': group_of(path),
                      'base': base_method_name(method, path)})

by_client = {}
for g in GENERATED:
    by_client.setdefault(g['group'], []).append(g)
for group, items in by_client.items():
    taken = set(HAND_METHODS.get(client_name(group), set()))
    counts = {}
    for g in items:
        counts[g['base']] = counts.get(g['base'], 0) + 1
    for g in items:
        name = g['base']
        if counts[name] > 1 or name + 'Async' in taken:
            # Two operations with civis-python's name (or a hand-written method of that name): the path parameters tell them apart.
            params = [s[1:-1] for s in g['path'].strip('/').split('/') if s.startswith('{')]
            name += 'By' + ''.join(pascal(p) for p in params) if params else 'Operation'
        if name + 'Async' in taken:
            fail(f'{g["method"]} {g["path"]}: no free method name in {client_name(group)} ({name}Async)')
        taken.add(name + 'Async')
        g['name'] = name

# ---- model names ----

USES = {}  # definition -> list of (kind, a, b): ('op', generated-op, 'Request'|'Response') or ('prop', parent, property)
for g in GENERATED:
    for p in g['op'].get('parameters', []):
        if p['in'] == 'body':
            USES.setdefault(ref_name(p['schema']), []).append(('op', g, 'Request'))
    _, schema = success(g['op'])
    if schema:
        r = ref_name(schema) or ref_name(schema.get('items', {}))
        if r:
            USES.setdefault(r, []).append(('op', g, 'Response'))
for defn in sorted(D):
    for pn, pv in D[defn].get('properties', {}).items():
        r = ref_name(pv) or ref_name(pv.get('items', {}))
        if r:
            USES.setdefault(r, []).append(('prop', defn, pn))
# Hand-written operations' definitions, so they count as used (their classes are the curated ones).
for method, path, op in OPS:
    if (method, path) in HANDWRITTEN:
        for p in op.get('parameters', []):
            if p['in'] == 'body':
                USES.setdefault(ref_name(p['schema']), []).append(('hand', method, path))
        _, schema = success(op)
        if schema and (ref_name(schema) or ref_name(schema.get('items', {}))):
            USES.setdefault(ref_name(schema) or ref_name(schema['items']), []).append(('hand', method, path))


def numbered(defn):
    m = re.match(r'^(.*?[A-Za-z])(\d+)$', defn)
    return (m.group(1), int(m.group(2))) if m else None


def base_of(defn):
    n = numbered(defn)
    return n[0] if n else defn


def prim_sig(owner, name, prop):
    if (owner, name) in LOOSE:
        return 'loose'
    if (owner, name) in WIDE:
        return 'wide:' + json.dumps({k: v for k, v in prop.items() if k != 'description'}, sort_keys=True)
    if ref_name(prop) or ref_name(prop.get('items', {})):
        return None
    return json.dumps({k: v for k, v in prop.items() if k != 'description'}, sort_keys=True)


# Structural classes by partition refinement: two definitions are equal when their properties have the same names and
# types, and referenced definitions are equal in turn.
part = {}
for defn in D:
    props = D[defn].get('properties', {})
    part[defn] = json.dumps([(pn, prim_sig(defn, pn, pv), 'array' if pv.get('type') == 'array' else '')
                             for pn, pv in sorted(props.items())])
while True:
    new = {}
    for defn in D:
        refs = []
        for pn, pv in sorted(D[defn].get('properties', {}).items()):
            r = ref_name(pv) or ref_name(pv.get('items', {}))
            refs.append(part.get(r, '') if r and prim_sig(defn, pn, pv) != 'loose' else '')
        new[defn] = json.dumps([part[defn], refs])
    ids = {}
    for defn in sorted(D):
        ids.setdefault(new[defn], len(ids))
    new = {defn: str(ids[new[defn]]) for defn in D}
    old_ids = {}
    for defn in sorted(D):
        old_ids.setdefault(part[defn], len(old_ids))
    if len(set(new.values())) == len(old_ids):
        part = new
        break
    part = new

CANON = {}  # definition -> the definition whose class it uses
for defn in D:
    CANON[defn] = defn
# Rule 2: request definitions shaped like a curated response share its class.
responses_by_shape = {}
for defn in NAMES:
    if not defn.endswith('Request'):
        responses_by_shape.setdefault(frozenset(D[defn].get('properties', {})), defn)
for defn in sorted(D):
    if defn.endswith(('CreateRequest', 'PatchRequest', 'UpdateRequest')) and defn not in NAMES:
        key = frozenset(D[defn].get('properties', {}))
        if key in responses_by_shape:
            CANON[defn] = responses_by_shape[key]
# Rule 3: numbered definitions equal to another of the same base share one class.
families = {}
for defn in sorted(D):
    if defn in NAMES or CANON[defn] != defn:
        continue
    families.setdefault((base_of(defn), part[defn]), []).append(defn)


def family_order(defn):
    n = numbered(defn)
    return (n[1] if n else 0, defn)


for key, members in families.items():
    members.sort(key=family_order)
    for defn in members[1:]:
        CANON[defn] = members[0]

CS = {}  # canonical definition -> C# name
used_names = {}
for defn, name in NAMES.items():
    used_names.setdefault(name, defn)
    # Curated definitions that share a name share the first one's class.
    CANON[defn] = used_names[name]
    CS.setdefault(used_names[name], name)


def use_name(defn, seen=()):
    """A name from the first use of a definition: its operation and role, or its parent and property."""
    for use in sorted(USES.get(defn, []), key=lambda u: (u[0] != 'op', str(u[1]['path'] if u[0] == 'op' else u[1]), str(u[2]))):
        if use[0] == 'op':
            return pascal(use[1]['group']) + use[1]['name'] + use[2]
        if use[0] == 'prop' and use[1] not in seen:
            parent = CANON[use[1]]
            prop = pascal(use[2])
            if prop.endswith('ies'):
                prop = prop[:-3] + 'y'
            elif prop.endswith('s') and not prop.endswith('ss'):
                prop = prop[:-1]
            return name_of(parent, seen + (defn,)) + prop
    return None


def name_of(defn, seen=()):
    defn = CANON[defn]
    if defn in CS:
        return CS[defn]
    if defn in NAMES:
        return NAMES[defn]
    name = defn
    family = [d for d in D if CANON[d] == defn]
    unnumbered = [d for d in family if not numbered(d)]
    if numbered(defn) and not unnumbered:
        name = use_name(defn, seen) or base_of(defn)
    if name in RESERVED:
        name = 'Civis' + name
    return name


order = sorted((d for d in D if CANON[d] == d), key=lambda d: (d not in NAMES, numbered(d) is not None, d))
for defn in order:
    if defn in CS:
        continue
    name = name_of(defn)
    if name in used_names and used_names[name] != defn:
        # A spec name or a use name another definition has: the use name, then the base name with the use's role.
        alternative = use_name(defn)
        if alternative and alternative not in used_names:
            name = alternative
        else:
            fail(f'definition {defn} would be named {name}, the name of {used_names[name]}; add it to NAMES')
    if re.search(r'\d$', name):
        fail(f'definition {defn} would be named {name}; add it to NAMES')
    CS[defn] = name
    used_names[name] = defn


def cs_name(defn):
    return CS[CANON[defn]]


# ---- C# types ----

def optional(owner, name, prop):
    return owner.endswith('Request') and bool(NULL_MEANS.search(prop.get('description') or '')) and '$ref' not in prop


def prop_type(owner, name, prop, reachable):
    if (owner, name) in LOOSE:
        return 'JsonElement?'
    r = ref_name(prop)
    if r:
        reachable.append(r)
        return cs_name(r) + '?'
    t, f = prop.get('type'), prop.get('format')
    wide = (owner, name) in WIDE
    if t == 'integer':
        return 'long?' if wide or re.search(r'size|bytes|Size|Bytes|rows|Rows', name) else 'int?'
    if t == 'number':
        return 'double?'
    if t == 'boolean':
        return 'bool?'
    if t == 'string':
        # Timestamps are often declared with format "time" but hold full date-times.
        return 'DateTimeOffset?' if is_timestamp(name, prop) else 'string?'
    if t == 'array':
        items = prop.get('items', {})
        r = ref_name(items)
        if r:
            reachable.append(r)
            inner = cs_name(r)
        elif items.get('type') == 'integer':
            inner = 'long' if wide or re.search(r'size|bytes|Size|Bytes', name) else 'int'
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


HEADER = ['// <auto-generated>', '// Generated from the Civis API spec by ' + GENERATOR + '. Change the generator, not this file.',
          '// </auto-generated>', '#nullable enable', '']
FILES = {}  # relative path -> text
OPTIONAL_INNER = set()


def emit_model(defn, reachable):
    name = cs_name(defn)
    d = D[defn]
    aliases = sorted(x for x in D if CANON[x] == defn and x != defn)
    spec_names = ', '.join(f'<c>{x}</c>' for x in [defn] + aliases)
    summary = doc(d.get('description')) or f'The {name} object of the Civis API'
    lines = HEADER + ['using System.Text.Json;', 'using System.Text.Json.Serialization;', '', 'namespace Aqueduct.Civis.Api.Models;', '',
                      f'/// <summary>{summary.rstrip(".")} (spec: {spec_names}).</summary>',
                      f'public sealed class {name}', '{']
    seen = set()
    for pn, pv in d.get('properties', {}).items():
        cs_prop = pascal(pn)
        if cs_prop == name:
            cs_prop += 'Value'
        while cs_prop in seen or cs_prop == 'AdditionalProperties':
            cs_prop += '_'
        seen.add(cs_prop)
        t = prop_type(defn, pn, pv, reachable)
        desc = doc(pv.get('description')) or f'The {pn} property.'
        attributes = [f'    [JsonPropertyName("{pn}")]']
        if optional(defn, pn, pv) and (defn, pn) not in LOOSE:
            OPTIONAL_INNER.add(t)
            attributes += ['    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]',
                           f'    [JsonConverter(typeof(Aqueduct.Civis.Api.Internal.CivisOptionalConverter<{t}>))]']
            desc += ' Unset, it is left out; set to <see langword="null"/>, it is sent as null.'
            t = f'CivisOptional<{t}>'
        lines += [f'    /// <summary>{desc}</summary>'] + attributes + [f'    public {t} {cs_prop} {{ get; set; }}', '']
    lines += ['    /// <summary>Properties the model does not name, kept as they came.</summary>',
              '    [JsonExtensionData]', '    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }', '}', '']
    FILES[os.path.join(API, 'Models', name + '.cs')] = '\n'.join(lines)


# Every definition reachable from an operation (generated or hand-written) and the curated ones get a class.
queue = sorted(NAMES) + sorted(d for d in USES if any(u[0] in ('op', 'hand') for u in USES[d]))
emitted = {}
while queue:
    defn = CANON[queue.pop(0)]
    if defn in emitted:
        continue
    emitted[defn] = cs_name(defn)
    more = []
    emit_model(defn, more)
    queue += more

# ---- operations ----

LISTED = set()
for name in ['Database', 'DatabaseSchema', 'Credential', 'RemoteHost', 'ScriptSummary', 'ContainerRun', 'RunLogEntry',
             'RunOutput', 'JobRun', 'ServiceSummary', 'ServiceTokenSummary', 'CsvImportRun', 'SqlRun']:
    LISTED.add(name)
OPERATION_ROWS = []


def param_type(p):
    t = p.get('type')
    if t == 'integer':
        return 'int'
    if t == 'boolean':
        return 'bool'
    if t == 'array':
        inner = {'integer': 'int', 'string': 'string'}.get(p.get('items', {}).get('type'), 'string')
        return f'IEnumerable<{inner}>'
    return 'string'


def page_maximum(op):
    for p in op.get('parameters', []):
        if p['name'] == 'limit':
            m = re.search(r'[Mm]aximum (?:allowed is|of) (\d+)', p.get('description') or '')
            if m:
                return int(m.group(1))
    return 50


def emit_operation(g):
    method, path, op = g['method'], g['path'], g['op']
    params = op.get('parameters', [])
    paged = any(p['name'] == 'page_num' for p in params)
    code, schema = success(op)
    response = schema and (ref_name(schema) or ref_name(schema.get('items', {})))
    # A known contradiction: the spec declares an object, the platform answers with a list of them.
    is_list = bool(schema and (schema.get('type') == 'array' or (response and recorded_as_array(op))))
    body = next((p for p in params if p['in'] == 'body'), None)
    path_params = [p for p in params if p['in'] == 'path']
    query_params = [p for p in params if p['in'] == 'query' and not (paged and p['name'] in ('limit', 'page_num'))]
    sig, docs, checks = [], [], []
    names = {}
    for p in path_params:
        n = camel(p['name'])
        names[p['name']] = n
        t = param_type(p)
        sig.append(f'{t} {n}')
        docs.append((n, p.get('description') or p['name']))
        if t == 'string':
            checks.append(f'ArgumentException.ThrowIfNullOrEmpty({n});')
    body_type = None
    if body:
        body_type = 'Models.' + cs_name(ref_name(body['schema']))
        if body.get('required'):
            sig.append(f'{body_type} body')
            checks.append('ArgumentNullException.ThrowIfNull(body);')
    for p in query_params:
        n = camel(p['name'])
        if n == 'body' or n == 'cancellationToken':
            n += 'Value'
        names[p['name']] = n
        sig.append(f'{param_type(p)}? {n} = null')
        docs.append((n, p.get('description') or p['name']))
    if body and not body.get('required'):
        sig.insert(len(path_params), f'{body_type}? body = null')
    if body:
        docs.insert(len(path_params), ('body', 'The request body.'))
    sig.append('CancellationToken cancellationToken = default')
    docs.append(('cancellationToken', 'Cancels the call.' if not paged else 'Cancels the listing.'))

    segments = []
    has_int = False
    for s in path.strip('/').split('/'):
        if s.startswith('{'):
            p = next(x for x in path_params if x['name'] == s[1:-1])
            if param_type(p) == 'int':
                has_int = True
                segments.append('{' + names[p['name']] + '}')
            else:
                segments.append('{Paths.Segment(' + names[p['name']] + ')}')
        else:
            segments.append(s)
    rel = '/'.join(segments)
    if has_int:
        path_expr = f'string.Create(CultureInfo.InvariantCulture, $"{rel}")'
    elif '{' in rel:
        path_expr = f'$"{rel}"'
    else:
        path_expr = f'"{rel}"'
    query_expr = 'null'
    if query_params:
        parts = []
        for p in query_params:
            n = names[p['name']]
            parts.append(f'.. QueryValues.Each("{p["name"]}", {n})' if p.get('type') == 'array' else f'("{p["name"]}", {n})')
        query_expr = 'Paths.Query([' + ', '.join(parts) + '])'

    J = 'CivisJsonContext.Default.'
    http = 'HttpMethod.' + method.capitalize()
    summary = doc(op.get('summary') or op.get('description') or '', first_sentence=False).rstrip('.')
    lines = [f'    /// <summary>{summary} (<c>{method} {path}</c>).</summary>']
    for n, text in docs:
        lines.append(f'    /// <param name="{n.lstrip("@")}">{doc(text)}</param>')
    body_arg = 'body' if not body or body.get('required') else f'body ?? new {body_type}()'
    if response:
        rt = 'Models.' + cs_name(response)
        if paged:
            LISTED.add(cs_name(response))
            ret = f'IAsyncEnumerable<{rt}>'
            lines.append('    /// <returns>Every item, fetched a page at a time.</returns>')
        elif is_list:
            LISTED.add(cs_name(response))
            ret = f'Task<IReadOnlyList<{rt}>>'
            lines.append('    /// <returns>The items.</returns>')
        else:
            ret = f'Task<{rt}>'
            lines.append('    /// <returns>The answer.</returns>')
    else:
        ret = 'Task'
        lines.append('    /// <returns>A task that completes when the platform accepted the call.</returns>')
    is_async = not paged and (bool(response and is_list) or (not response and bool(body)))
    head = f'    public virtual {"async " if is_async else ""}{ret} {g["name"]}Async({", ".join(sig)})'
    target = J + ('List' if is_list else '') + (cs_name(response) if response else '')
    lines.append(head)
    lines.append('    {')
    lines += ['        ' + c for c in checks]
    full = path_expr
    if query_expr != 'null' and not paged:
        lines.append(f'        var requestQuery = {query_expr};')
        lines.append(f'        var requestPath = {path_expr};')
        full = 'requestQuery.Length == 0 ? requestPath : requestPath + "?" + requestQuery'
    body_info = J + body_type[len('Models.'):] if body else None
    if paged:
        call = f'CivisPager.ListAsync(_pipeline, {path_expr}, {query_expr}, {page_maximum(op)}, {target}, cancellationToken)'
    elif response and body:
        call = f'_pipeline.SendAsync({http}, {full}, {body_arg}, {body_info}, {target}, cancellationToken)'
    elif response and method == 'GET':
        call = f'_pipeline.GetAsync({full}, {target}, cancellationToken)'
    elif response:
        call = f'_pipeline.SendAsync({http}, {full}, {target}, cancellationToken)'
    elif body:
        call = f'_pipeline.SendAsync(_pipeline.Request({http}, {full}, CivisPipeline.JsonBody({body_arg}, {body_info})), cancellationToken)'
    else:
        call = f'_pipeline.SendAsync({http}, {full}, cancellationToken)'
    if is_async and response:
        lines.append(f'        return await {call}.ConfigureAwait(false);')
    elif is_async:
        lines.append(f'        using var response = await {call}.ConfigureAwait(false);')
    else:
        lines.append(f'        return {call};')
    lines.append('    }')
    OPERATION_ROWS.append(
        f'        new("{method}", "{path}", {J + body_type[7:] if body else "null"}, {J + cs_name(response) if response else "null"}, '
        f'{"true" if is_list else "false"}, "{client_name(g["group"])}.{g["name"]}Async", {"true" if paged else "false"}),')
    return lines


CLIENT_DOCS = {}
for group, items in sorted(by_client.items()):
    cls = client_name(group)
    hand = cls in HAND_METHODS
    body = []
    for g in items:
        body += emit_operation(g) + ['']
    body = body[:-1]
    lines = HEADER + ['using System.Globalization;', '', 'namespace Aqueduct.Civis.Api;', '']
    if hand:
        lines += [f'/// <content>The operations of <c>/{group}</c> generated from the spec.</content>',
                  f'public partial class {cls}', '{']
    else:
        title = group.replace('_', ' ')
        lines += [f'/// <summary>The <c>/{group}</c> operations of the Civis API ({title}), generated from the spec.</summary>',
                  f'public partial class {cls}', '{',
                  '    private readonly CivisPipeline _pipeline = null!;', '',
                  f'    internal {cls}(CivisPipeline pipeline) => _pipeline = pipeline;', '',
                  '    /// <summary>For mocking only.</summary>', f'    protected {cls}()', '    {', '    }', '']
        CLIENT_DOCS[group] = title
    lines += body + ['}', '']
    text = '\n'.join(lines)
    if 'CultureInfo' not in text.split('namespace', 1)[1]:
        text = text.replace('using System.Globalization;\n\n', '')
    FILES[os.path.join(API, cls + '.g.cs')] = text

# CivisClient: the sub-clients of groups without a hand-written client.
lines = HEADER + ['using Aqueduct.Civis.Api;', '', 'namespace Aqueduct.Civis;', '', '/// <content>The sub-clients generated from the spec.</content>',
                  'public partial class CivisClient', '{']
fields, inits = [], []
for group in sorted(CLIENT_DOCS):
    cls = client_name(group)
    prop = pascal(group)
    field = '_' + camel(group).lstrip('@')
    fields.append(f'    private {cls} {field} = null!;')
    inits.append(f'        {field} = new {cls}(pipeline);')
    lines += [f'    /// <summary>The <c>/{group}</c> operations ({CLIENT_DOCS[group]}).</summary>', f'    public virtual {cls} {prop} => {field};', '']
lines += fields + ['', '    private void InitializeGeneratedClients(CivisPipeline pipeline)', '    {'] + inits + ['    }', '}', '']
FILES[os.path.join(API, 'CivisClient.g.cs')] = '\n'.join(lines)

# The JSON context.
ctx = HEADER + ['using System.Text.Json;', 'using System.Text.Json.Serialization;', '', 'namespace Aqueduct.Civis.Api.Internal;', '',
                '/// <summary>Source-generated JSON metadata for every model: camelCase, nulls left out of requests, unknown properties kept.</summary>',
                '[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.Strict)]',
                '[JsonSerializable(typeof(JsonElement))]', '[JsonSerializable(typeof(List<JsonElement>))]']
for t in sorted(OPTIONAL_INNER):
    ctx.append(f'[JsonSerializable(typeof({t}))]')
for n in sorted(set(emitted.values())):
    ctx.append(f'[JsonSerializable(typeof(Models.{n}))]')
for n in sorted(LISTED):
    ctx.append(f'[JsonSerializable(typeof(List<Models.{n}>))]')
ctx += ['internal sealed partial class CivisJsonContext : JsonSerializerContext', '{', '}', '']
FILES[os.path.join(API, 'Internal', 'CivisJsonContext.cs')] = '\n'.join(ctx)

ops = HEADER + ['namespace Aqueduct.Civis.Api.Internal;', '', '/// <content>The operations generated from the spec.</content>',
                'internal static partial class CivisOperations', '{',
                '    private static CivisJsonContext G => CivisJsonContext.Default;', '',
                f'    /// <summary>The {len(OPERATION_ROWS)} operations generated from the spec, with their methods.</summary>',
                '    public static readonly IReadOnlyList<Operation> Generated =', '    [']
ops += [row.replace('CivisJsonContext.Default.', 'G.') for row in OPERATION_ROWS]
ops += ['    ];', '}', '',
        '/// <summary>Query values of the generated operations.</summary>', 'internal static class QueryValues', '{',
        '    /// <summary>One <c>name=value</c> pair per item, as civis-python sends a list: <c>status=a&amp;status=b</c>.</summary>',
        '    public static IEnumerable<(string Name, object? Value)> Each<T>(string name, IEnumerable<T>? values)',
        '        => values is null ? [] : values.Select(value => (name, (object?)value));', '}', '']
FILES[os.path.join(API, 'Internal', 'CivisOperations.g.cs')] = '\n'.join(ops)


def main():
    parser = argparse.ArgumentParser(description='Generates the typed Civis API from the spec.')
    parser.add_argument('--out', default=ROOT, help='the directory the src/ tree is written under (default: the repository root)')
    args = parser.parse_args()
    out = args.out
    models = os.path.join(out, API, 'Models')
    os.makedirs(models, exist_ok=True)
    os.makedirs(os.path.join(out, API, 'Internal'), exist_ok=True)
    for f in os.listdir(models):
        if f.endswith('.cs'):
            os.remove(os.path.join(models, f))
    for f in os.listdir(os.path.join(out, API)):
        if f.endswith('.g.cs'):
            os.remove(os.path.join(out, API, f))
    for rel, text in sorted(FILES.items()):
        with open(os.path.join(out, rel), 'w', encoding='utf-8', newline='\n') as fh:
            fh.write(text)
    total = len(OPS)
    print(f'{len(emitted)} models for {len(D)} definitions; {len(OPERATION_ROWS)} operations generated, '
          f'{len(HANDWRITTEN)} hand-written, {total} in the spec; {len(LOOSE)} properties typed loosely; '
          f'{len(by_client)} sub-clients, {len(CLIENT_DOCS)} new')


if __name__ == '__main__':
    main()
