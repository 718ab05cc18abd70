using System.CommandLine;
using System.Globalization;
using Aqueduct.Civis;
using Microsoft.Extensions.Logging;

namespace Bikeshare;

/// <summary>
/// The City's bikeshare job: reads the trips view's long-form export (Tableau in production, a file in DEV), pivots it
/// to one row per trip, and inserts the new trips into <c>transportation.bike_trips</c> on the Postgres warehouse
/// (or, with <c>migrate</c>, replaces the table's contents). Outside DEV it attaches the whole table as a gzip CSV
/// to the run.
/// </summary>
public static class BikeshareJob
{
    /// <summary>The table the trips go to.</summary>
    public static readonly TableName Table = TableName.Parse(TableText);

    private const string TableText = "transportation.bike_trips";

    /// <summary>The table's shape, used to create it when missing (PLATFORM.md section 8).</summary>
    public static readonly TableDefinition Definition = new(
    [
        new("trip_id", "integer", nullable: false),
        new("bike_type", "text"),
        new("end_datetime", "timestamp"),
        new("end_station", "text"),
        new("end_station_name", "text"),
        new("name_group", "text"),
        new("optional_kiosk_id_group", "text"),
        new("start_datetime", "timestamp"),
        new("start_station", "text"),
        new("start_station_name", "text"),
        new("visible_id", "text"),
        new("distance", "double precision"),
        new("duration", "double precision"),
        new("est_calories", "double precision"),
        new("est_carbon_offset", "double precision"),
    ], primaryKey: ["trip_id"]);

    /// <summary>
    /// Declares the Tableau credentials, required when the source is Tableau (always in production; in DEV only with
    /// <c>BIKESHARE_SOURCE=tableau</c>). Every missing one is reported at once, before the warehouse starts.
    /// </summary>
    /// <param name="options">The job host's options.</param>
    public static void Configure(CivisJobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Name = "bikeshare";
        options.Command.Description = "Loads the bikeshare trips into the warehouse; outside DEV attaches the table to the run.";
        // The same job, told to replace the table's contents (BikeshareSettings reads `migrate [file]` from job.Arguments).
        options.AddCommand("migrate", "Replace the table's contents with every trip of the export (or of the given file)", RunAsync)
            .Arguments.Add(new Argument<string?>("file") { Description = "An export file (.csv or .csv.gz) to migrate from", Arity = ArgumentArity.ZeroOrOne });
        options.OnStarting((starting, _) =>
        {
            if (BikeshareSettings.UsesTableau(starting.Environment))
            {
                starting.Environment.Require(
                    new RequiredVariable(BikeshareSettings.Username, "Missing bikeshare username"),
                    new RequiredVariable(BikeshareSettings.Password, "Missing bikeshare password"));
            }

            return Task.FromResult<IAsyncDisposable?>(null);
        });
    }

    /// <summary>Runs the job on the job host.</summary>
    /// <param name="job">The job's context.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The run.</returns>
    public static async Task RunAsync(CivisJobContext job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var settings = BikeshareSettings.From(job.Environment, job.Arguments);
        using var http = settings.Tableau is null ? null : new HttpClient(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.All })
        {
            Timeout = TimeSpan.FromMinutes(30), // the whole view: about 4M CSV rows by 2021
        };
        ITripSource source = settings.Tableau is { } tableau
            ? new TableauTripSource(http!, tableau)
            : new FileTripSource(settings.File!);

        job.Logger.LogInformation("Reading trips from {Source}{Mode}", source, settings.Migrate ? " to migrate (replace every trip)" : string.Empty);
        var pivot = await source.ReadAsync(TripPivot.PivotAsync, cancellationToken).ConfigureAwait(false);
        job.Logger.LogInformation("Read {Rows} CSV rows: {Trips} trips", Format(pivot.CsvRows), Format(pivot.Trips.Count));

        // The front door: it picks the route (direct COPY here; the Civis API with AQUEDUCT_WAREHOUSE_ROUTE=platform).
        var postgres = job.Postgres;
        var result = await postgres.LoadAsync(
            Table, pivot.Trips, settings.Migrate ? WriteMode.Truncate : WriteMode.InsertIgnore, Definition, cancellationToken).ConfigureAwait(false);
        if (settings.Migrate)
        {
            job.Logger.LogInformation("Migrated {Table}: replaced its contents with {Inserted} trips in {Elapsed:0.0} s",
                TableText, Format(result.RowsInserted), result.Elapsed.TotalSeconds);
        }
        else
        {
            job.Logger.LogInformation("Inserted {Inserted} new trips into {Table}, skipped {Skipped} already there, in {Elapsed:0.0} s",
                Format(result.RowsInserted), TableText, Format(result.RowsSkipped), result.Elapsed.TotalSeconds);
        }

        if (!job.Environment.IsDev)
        {
            await AttachExportAsync(job, postgres, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task AttachExportAsync(CivisJobContext job, CivisWarehouse postgres, CancellationToken cancellationToken)
    {
        var client = job.GetRequiredClient();
        var path = Path.Combine(Path.GetTempPath(), $"bike_trips-{Guid.NewGuid():N}.csv.gz");
        try
        {
            var rows = await postgres.ExportCsvAsync($"SELECT * FROM {Table} ORDER BY trip_id", path, cancellationToken: cancellationToken).ConfigureAwait(false);
            int fileId;
            var file = File.OpenRead(path);
            await using (file.ConfigureAwait(false))
            {
                fileId = await client.Files.UploadAsync(file, "bike_trips.csv.gz", cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            if (job.Environment is { JobId: { } jobId, RunId: { } runId })
            {
                await client.Scripts.AddContainerRunOutputAsync(jobId, runId, "File", fileId, cancellationToken).ConfigureAwait(false);
                job.Logger.LogInformation("Exported {Rows} trips to Civis file {FileId} (bike_trips.csv.gz), attached to run {RunId}", Format(rows), fileId, runId);
            }
            else
            {
                job.Logger.LogInformation("Exported {Rows} trips to Civis file {FileId} (bike_trips.csv.gz); no run to attach it to", Format(rows), fileId);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
