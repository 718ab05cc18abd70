namespace Aqueduct.Civis.Tool.Tests.Infrastructure;

/// <summary>Job manifests for the tool's tests; the names resolve against the fake's recorded examples.</summary>
internal static class TestManifests
{
    /// <summary>
    /// A manifest whose database ("redshift the first", id 60) and credential ("db_user-1", id 10) are in the
    /// spec's examples of <c>GET /databases</c> and <c>GET /credentials</c>.
    /// </summary>
    public static string Trips(string hours = "[6]", string batchSize = "500", string database = "redshift the first", string? extra = null, int? id = null) => $"""
        # The trips job.
        {(id is { } i ? $"id: {i}\n" : "")}name: Trips deploy test
        image:
          name: lacity/trips
          tag: "1.0.0"
        command: dotnet /opt/job/Trips.dll
        resources:
          cpu: 1000
          memory: 2048
        parameters:
          - name: POSTGRES
            type: database
            required: true
            value:
              database: {database}
              credential: db_user-1
          - name: batch_size
            type: integer
            value: {batchSize}
        schedule:
          days: [mon]
          hours: {hours}
          minutes: [30]
        {extra}
        """;

    /// <summary>The smallest manifest, for a script that already exists.</summary>
    public static string ForScript(int id, string memory = "2048") => $"""
        id: {id}
        name: Fake container script
        image: {"{"}name: lacity/trips{"}"}
        command: dotnet /opt/job/Trips.dll
        resources: {"{"}cpu: 1000, memory: {memory}{"}"}
        """;
}
