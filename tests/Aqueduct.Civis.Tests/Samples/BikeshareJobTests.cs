using System.Globalization;
using System.IO.Compression;
using System.Text;
using Aqueduct.Civis.Testing;
using Aqueduct.Civis.Tests.Infrastructure;
using Bikeshare;
using Npgsql;
using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Samples;

/// <summary>The bikeshare sample end to end, through the job host, on the throwaway server.</summary>
public sealed class BikeshareJobTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>, IAsyncLifetime
{
    private static readonly string TinyFixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "trips-10.csv");
    private readonly StringWriter output = new();
    private readonly StringWriter errors = new();

    public async ValueTask InitializeAsync()
    {
        // One database for the class: every test starts without the schema.
        await using var command = database.DataSource.CreateCommand("drop schema if exists transportation cascade");
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        output.Dispose();
        errors.Dispose();
        return ValueTask.CompletedTask;
    }

    private string PostgresUri => Civis.PostgresUri.Format(new NpgsqlConnectionStringBuilder(database.ConnectionString));

    private Task<int> RunAsync(CivisEnvironment environment, params string[] args)
    {
        output.GetStringBuilder().Clear();
        errors.GetStringBuilder().Clear();
        return CivisJob.RunAsync(args, BikeshareJob.RunAsync, options =>
        {
            BikeshareJob.Configure(options);
            options.Environment = environment;
            options.Output = output;
            options.ErrorOutput = errors;
            options.HandleShutdownSignals = false;
        }, TestContext.Current.CancellationToken);
    }

    private CivisEnvironment Dev(params (string, string?)[] more) =>
        Create([("DEV", "1"), ("POSTGRES_URI", PostgresUri), ("REDSHIFT_URI", PostgresUri), .. more]);

    private async Task<long> CountAsync(string where = "true")
    {
        await using var command = database.DataSource.CreateCommand($"select count(*) from transportation.bike_trips where {where}");
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    [Fact]
    public async Task RunAsync_DevTwice_InsertsEveryBundledTripThenNone()
    {
        Assert.Equal(CivisJobExitCodes.Success, await RunAsync(Dev()));
        Assert.Contains("Read 39,810 CSV rows: 10,000 trips", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Inserted 10,000 new trips into transportation.bike_trips, skipped 0 already there", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(10_000, await CountAsync());

        Assert.Equal(CivisJobExitCodes.Success, await RunAsync(Dev()));
        Assert.Contains("Inserted 0 new trips into transportation.bike_trips, skipped 10,000 already there", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(10_000, await CountAsync());
    }

    [Fact]
    public async Task RunAsync_Dev_CreatesTheTableWithThePlatformsColumns()
    {
        Assert.Equal(CivisJobExitCodes.Success, await RunAsync(Dev((BikeshareSettings.Source, TinyFixture))));

        await using var command = database.DataSource.CreateCommand(
            "select string_agg(column_name || ' ' || data_type, ', ' order by column_name) from information_schema.columns " +
            "where table_schema = 'transportation' and table_name = 'bike_trips'");
        Assert.Equal(
            "bike_type text, distance double precision, duration double precision, end_datetime timestamp without time zone, " +
            "end_station text, end_station_name text, est_calories double precision, est_carbon_offset double precision, " +
            "name_group text, optional_kiosk_id_group text, start_datetime timestamp without time zone, start_station text, " +
            "start_station_name text, trip_id integer, visible_id text",
            await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        Assert.Equal(10, await CountAsync());
        Assert.Equal(1, await CountAsync("trip_id = 1912819 and duration = 57120 and start_datetime = '2016-07-07 04:18:45' and end_station_name = 'Broadway & 3rd'"));
    }

    [Fact]
    public async Task RunAsync_MigrateFromAFile_ReplacesEveryTrip()
    {
        Assert.Equal(CivisJobExitCodes.Success, await RunAsync(Dev()));
        await using (var tamper = database.DataSource.CreateCommand(
            "update transportation.bike_trips set duration = -1; insert into transportation.bike_trips (trip_id) values (-5)"))
        {
            await tamper.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal(CivisJobExitCodes.Success, await RunAsync(Dev(), "migrate", TinyFixture));

        Assert.Contains("Migrated transportation.bike_trips: replaced its contents with 10 trips", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(10, await CountAsync());
        Assert.Equal(0, await CountAsync("duration < 0 or trip_id = -5"));
    }

    [Fact]
    public async Task RunAsync_MigrateVariable_ReloadsFromTheSource()
    {
        Assert.Equal(CivisJobExitCodes.Success, await RunAsync(Dev((BikeshareSettings.Source, TinyFixture))));
        await using (var tamper = database.DataSource.CreateCommand("update transportation.bike_trips set bike_type = 'tampered'"))
        {
            await tamper.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal(CivisJobExitCodes.Success, await RunAsync(Dev((BikeshareSettings.Source, TinyFixture), ("MIGRATE", "true"))));

        Assert.Equal(10, await CountAsync());
        Assert.Equal(0, await CountAsync("bike_type = 'tampered'"));
    }

    [Fact]
    public async Task RunAsync_ProductionWithoutTableauCredentials_FailsWithOneMessageNamingBoth()
    {
        var exitCode = await RunAsync(Create(("POSTGRES_URI", PostgresUri)));

        Assert.Equal(CivisJobExitCodes.ConfigurationError, exitCode);
        var message = errors.ToString();
        Assert.Contains("BIKESHARE_USERNAME: Missing bikeshare username", message, StringComparison.Ordinal);
        Assert.Contains("BIKESHARE_PASSWORD: Missing bikeshare password", message, StringComparison.Ordinal);
        Assert.Single(message.Split('\n'), line => line.Contains("cannot run", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_DevWithTableauSourceWithoutCredentials_FailsTheSameWay()
    {
        var exitCode = await RunAsync(Dev((BikeshareSettings.Source, "tableau")));

        Assert.Equal(CivisJobExitCodes.ConfigurationError, exitCode);
        Assert.Contains("BIKESHARE_USERNAME: Missing bikeshare username", errors.ToString(), StringComparison.Ordinal);
        Assert.Contains("BIKESHARE_PASSWORD: Missing bikeshare password", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_UnknownArgument_IsAConfigurationError()
    {
        Assert.Equal(CivisJobExitCodes.ConfigurationError, await RunAsync(Dev(), "migrat"));
        Assert.Contains("command line is wrong", errors.ToString(), StringComparison.Ordinal); // System.CommandLine rejects it before the job starts
        Assert.Contains("'migrat'", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Production_LoadsFromTableauAndAttachesTheTableAsAGzipCsvFileOutput()
    {
        await using var tableau = await FakeTableau.StartAsync();
        tableau.Csv = await File.ReadAllBytesAsync(TinyFixture, TestContext.Current.CancellationToken);
        await using var api = await FakeCivisApi.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var client = new CivisClient(api.CreateClientOptions());
        var jobId = api.AddContainerScript("bikeshare");
        var runId = (await client.Scripts.StartContainerRunAsync(jobId, TestContext.Current.CancellationToken)).Id!.Value;
        var settings = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        var invariant = CultureInfo.InvariantCulture;

        var exitCode = await RunAsync(Create(
            ("CIVIS_API_KEY", api.ApiKey), ("CIVIS_API_ENDPOINT", api.BaseAddress.ToString()),
            ("CIVIS_JOB_ID", jobId.ToString(invariant)), ("CIVIS_RUN_ID", runId.ToString(invariant)),
            ("POSTGRES_HOST", settings.Host), ("POSTGRES_PORT", settings.Port.ToString(invariant)), ("POSTGRES_DATABASE", settings.Database),
            ("POSTGRES_CREDENTIAL_USERNAME", settings.Username), ("POSTGRES_CREDENTIAL_PASSWORD", settings.Password),
            ("BIKESHARE_USERNAME", tableau.Username), ("BIKESHARE_PASSWORD", tableau.Password),
            ("BIKESHARE_TABLEAU_SERVER", tableau.BaseAddress.ToString()), ("BIKESHARE_TABLEAU_SITE", tableau.Site),
            ("BIKESHARE_TABLEAU_VIEW", tableau.ViewUrlName), ("BIKESHARE_TABLEAU_API_VERSION", tableau.ApiVersion)));

        Assert.True(exitCode == CivisJobExitCodes.Success, errors.ToString());
        Assert.Equal(10, await CountAsync());
        Assert.Contains("production mode", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(tableau.Password, output.ToString(), StringComparison.Ordinal);
        Assert.Equal("POST /api/3.19/auth/signout", tableau.Calls[^1]);

        var outputs = await client.Scripts.ListContainerRunOutputsAsync(jobId, runId, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);
        var file = Assert.Single(outputs, o => o.ObjectType == "File"); // beside the host's run summary (a JSONValue)
        Assert.Equal("File", file.ObjectType);
        using var gzip = new GZipStream(new MemoryStream(api.GetFileContent(file.ObjectId!.Value)!), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        var lines = (await reader.ReadToEndAsync(TestContext.Current.CancellationToken)).TrimEnd('\n').Split('\n');
        Assert.Equal(11, lines.Length);
        Assert.StartsWith("trip_id,", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("1912819,", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_DevWithPlatformRoute_LoadsThroughTheFrontDoorsImport()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await FakeCivisApi.StartAsync(cancellationToken: ct);
        api.SqlExportHandler = Aqueduct.Civis.Tests.Data.TestCsv.RunOn(database.DataSource); // the platform route reads the catalogs by SQL
        api.CsvImportHandler = async (run, token) =>
        {
            var destination = run.Import["destination"]!;
            var stage = new TableName((string?)destination["schema"], (string)destination["table"]!);
            var columns = run.Import["tableColumns"]!.AsArray().Select(c => new ColumnDefinition((string)c!["name"]!, (string)c["sqlType"]!));
            await database.DataSource.LoadCsvAsync(stage, new CsvSource(new MemoryStream(run.Files[0]!)), WriteMode.Drop, new TableDefinition(columns), token);
        };

        var exitCode = await RunAsync(Dev(
            (BikeshareSettings.Source, TinyFixture), ("AQUEDUCT_WAREHOUSE_ROUTE", "platform"), ("POSTGRES_ID", "5"),
            ("CIVIS_API_KEY", api.ApiKey), ("CIVIS_API_ENDPOINT", api.BaseAddress.ToString())));

        Assert.True(exitCode == CivisJobExitCodes.Success, errors.ToString());
        Assert.Equal(10, await CountAsync());
        var import = Assert.Single(api.CsvImportRuns).Import;
        Assert.Equal(5, (int?)import["destination"]!["remoteHostId"]);
        Assert.Equal("transportation", (string?)import["destination"]!["schema"]);
    }
}
