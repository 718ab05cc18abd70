using System.Text.Json.Serialization.Metadata;

namespace Aqueduct.Civis.Api.Internal;

/// <summary>
/// Every operation the typed sub-clients call, with the model of its request body and answer. The
/// contract tests check each against the spec; the tests against the fake check that the client
/// calls nothing that is not listed here.
/// </summary>
internal static partial class CivisOperations
{
    /// <summary>
    /// One typed operation: method, the spec's path template, the JSON types of its body and answer, and for a generated
    /// operation its method (<c>ReportsClient.GetAsync</c>) and whether it is paged.
    /// </summary>
    public sealed record Operation(string Method, string Path, JsonTypeInfo? Request, JsonTypeInfo? Response, bool ResponseIsList = false, string? Member = null, bool Paged = false);

    private static CivisJsonContext J => CivisJsonContext.Default;

    private static IReadOnlyList<Operation>? _all;

    /// <summary>Every typed operation: the hand-written ones, then the generated ones.</summary>
    public static IReadOnlyList<Operation> All => _all ??= [.. HandWritten, .. Generated];

    /// <summary>The operations the hand-written methods call (eng/generate-api.py does not generate them again).</summary>
    public static readonly IReadOnlyList<Operation> HandWritten =
    [
        new("GET", "/users/me", null, J.CurrentUser),
        new("GET", "/databases", null, J.Database, true),
        new("GET", "/databases/{id}/schemas", null, J.DatabaseSchema, true),
        new("GET", "/databases/{id}/schemas/{schema_name}/tables/{table_name}", null, J.DatabaseTable),
        new("GET", "/credentials", null, J.Credential, true),
        new("GET", "/remote_hosts", null, J.RemoteHost, true),
        new("GET", "/scripts", null, J.ScriptSummary, true),
        new("POST", "/scripts/containers", J.ContainerScriptCreateRequest, J.ContainerScript),
        new("GET", "/scripts/containers/{id}", null, J.ContainerScript),
        new("PATCH", "/scripts/containers/{id}", J.ContainerScriptPatchRequest, J.ContainerScript),
        new("PUT", "/scripts/containers/{id}", J.ContainerScriptUpdateRequest, J.ContainerScript),
        new("POST", "/scripts/containers/{id}/runs", null, J.ContainerRun),
        new("GET", "/scripts/containers/{id}/runs", null, J.ContainerRun, true),
        new("GET", "/scripts/containers/{id}/runs/{run_id}", null, J.ContainerRun),
        new("DELETE", "/scripts/containers/{id}/runs/{run_id}", null, null),
        new("GET", "/scripts/containers/{id}/runs/{run_id}/logs", null, J.RunLogEntry, true),
        new("POST", "/scripts/containers/{id}/runs/{run_id}/logs", J.RunLogCreateRequest, null),
        new("GET", "/scripts/containers/{id}/runs/{run_id}/outputs", null, J.RunOutput, true),
        new("POST", "/scripts/containers/{id}/runs/{run_id}/outputs", J.RunOutputCreateRequest, J.RunOutput),
        new("POST", "/scripts/sql", J.SqlScriptCreateRequest, J.SqlScript),
        new("POST", "/scripts/sql/{id}/runs", null, J.SqlRun),
        new("GET", "/scripts/sql/{id}/runs/{run_id}", null, J.SqlRun),
        new("DELETE", "/scripts/sql/{id}/runs/{run_id}", null, null),
        new("GET", "/jobs/{id}", null, J.Job),
        new("POST", "/jobs/{id}/runs", null, J.JobRun),
        new("GET", "/jobs/{id}/runs", null, J.JobRun, true),
        new("GET", "/jobs/{id}/runs/{run_id}", null, J.JobRun),
        new("DELETE", "/jobs/{id}/runs/{run_id}", null, null),
        new("GET", "/jobs/{id}/runs/{run_id}/logs", null, J.RunLogEntry, true),
        new("GET", "/jobs/{id}/runs/{run_id}/outputs", null, J.RunOutput, true),
        new("POST", "/files", J.FileCreateRequest, J.FileCreateResponse),
        new("POST", "/files/multipart", J.MultipartFileCreateRequest, J.MultipartFileCreateResponse),
        new("POST", "/files/multipart/{id}/complete", null, null),
        new("GET", "/files/{id}", null, J.CivisFile),
        new("POST", "/imports/files/csv", J.CsvImportCreateRequest, J.CsvImport),
        new("POST", "/imports/files/csv/{id}/runs", null, J.CsvImportRun),
        new("GET", "/imports/files/csv/{id}/runs/{run_id}", null, J.CsvImportRun),
        new("DELETE", "/imports/files/csv/{id}/runs/{run_id}", null, null),
        new("POST", "/queries", J.QueryCreateRequest, J.Query),
        new("GET", "/queries/{id}", null, J.QueryDetail),
        new("DELETE", "/queries/{id}/runs/{run_id}", null, null),
        new("GET", "/queries/{id}/runs/{run_id}/logs", null, J.RunLogEntry, true),
        new("POST", "/json_values", J.JsonValueCreateRequest, J.JsonValue),
        new("GET", "/services", null, J.ServiceSummary, true),
        new("GET", "/services/{id}", null, J.Service),
        new("POST", "/services/{id}/tokens", J.ServiceTokenCreateRequest, J.ServiceToken),
        new("GET", "/services/{id}/tokens", null, J.ServiceTokenSummary, true),
        new("DELETE", "/services/{id}/tokens/{token_id}", null, null),
    ];
}
