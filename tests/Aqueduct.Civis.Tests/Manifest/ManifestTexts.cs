namespace Aqueduct.Civis.Tests.Manifest;

/// <summary>Manifests the tests share.</summary>
internal static class ManifestTexts
{
    /// <summary>A manifest using every key.</summary>
    public const string Full = """
        # The trips job.
        name: Bikeshare trips
        image:
          name: lacity/bikeshare
          tag: "1.4.0"
        repository:
          url: github.com/lacity/bikeshare.git
          ref: main
          credential: lacity-github
        command: dotnet /opt/job/Bikeshare.dll
        resources:
          cpu: 1000
          memory: 2048
          disk: 2.5
        cancelTimeout: 90
        parameters:
          - name: POSTGRES
            type: database
            label: Postgres warehouse
            required: true
            value:
              database: City of Los Angeles - Postgres
              credential: ita-postgres
          - name: BIKESHARE
            type: credential_custom
            required: true
            value: bikeshare-tableau
          - name: AWS
            type: credential_aws
            value: 17
          - name: BIKESHARE_SOURCE
            type: string
            description: Where the trips come from.
            default: tableau
            allowedValues:
              - tableau
              - label: The bundled export
                value: fixture
          - name: batch_size
            type: integer
            default: 500
          - name: RATIO
            type: float
            value: 0.25
          - name: MIGRATE
            type: bool
            value: false
          - name: EXPORT
            type: file
            value: 12345
          - name: NOTE
            type: multi_line_string
            value: |
              line one
              line two
        schedule:
          days: [mon, tuesday, 5]
          hours: [6, 18]
          minutes: [30]
          timeZone: America/Los_Angeles
        notifications:
          failureEmails: [data@lacity.example]
          successEmails: []
          stallWarningMinutes: 120
          urls: [https://hooks.example/civis]
        parent: 4242
        project: ITA Transportation
        shares:
          - user: jane.doe
            permission: manage
          - group: 77
        """;

    /// <summary>The smallest valid manifest.</summary>
    public const string Minimal = """
        name: Minimal
        image: {name: lacity/minimal}
        command: dotnet /opt/job/Minimal.dll
        resources: {cpu: 500, memory: 512}
        """;
}
