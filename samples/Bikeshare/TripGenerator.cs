using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Bikeshare;

/// <summary>
/// Writes a made-up long-form export shaped like Tableau's (the same columns, four measure rows per trip, numbers
/// with thousands separators, US datetimes), deterministic for a seed: the fixtures, and 1M trips for load tests.
/// </summary>
public static class TripGenerator
{
    /// <summary>The export's header, as Tableau writes it.</summary>
    public const string Header =
        "Trip ID,Bike Type,Start Datetime,End Datetime,Start Station,Start Station Name,End Station,End Station Name," +
        "Name (group),Optional Kiosk ID (group),Visible ID,Measure Names,Measure Values";

    private static readonly string[] StationNames =
    [
        "Union Station West Portal", "7th & Flower", "Grand & Olympic", "Main & 1st", "Figueroa & 9th", "Broadway & 3rd",
        "Pershing Square", "Little Tokyo", "City Hall", "Spring & 4th", "Hope & Olympic", "Venice Beach, Windward",
        "Pasadena \"Old Town\"", "Expo Park/USC", "Chinatown Gold Line", "Arts District",
    ];

    private static readonly string[] BikeTypes = ["standard", "electric", "smart"];

    /// <summary>Writes <paramref name="trips"/> trips to a file, gzip-compressed when its name ends in <c>.gz</c>.</summary>
    /// <param name="path">The file, created or overwritten.</param>
    /// <param name="trips">How many trips.</param>
    /// <param name="seed">The random seed; the same seed gives the same file.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    /// <returns>The number of CSV rows written (the header not counted).</returns>
    public static async Task<long> WriteFileAsync(string path, int trips, int seed = 2016, CancellationToken cancellationToken = default)
    {
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionLevel.SmallestSize) : file;
            await using (stream.ConfigureAwait(false))
            {
                var writer = new StreamWriter(stream, new UTF8Encoding(false), 64 * 1024);
                await using (writer.ConfigureAwait(false))
                {
                    return await WriteAsync(writer, trips, seed, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Writes <paramref name="trips"/> trips as CSV.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="trips">How many trips.</param>
    /// <param name="seed">The random seed; the same seed gives the same text.</param>
    /// <param name="cancellationToken">Cancels writing.</param>
    /// <returns>The number of CSV rows written (the header not counted).</returns>
    public static async Task<long> WriteAsync(TextWriter writer, int trips, int seed = 2016, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfNegative(trips);
        var random = new Random(seed);
        var inv = CultureInfo.InvariantCulture;
        var start = new DateTime(2016, 7, 7, 4, 17, 0, DateTimeKind.Unspecified);
        var line = new StringBuilder(256);
        long rows = 0;
        await writer.WriteAsync(Header + "\r\n").ConfigureAwait(false);
        for (var i = 0; i < trips; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var tripId = 1_912_818 + (i * 3) + random.Next(3);
            start = start.AddSeconds(random.Next(5, 120));
            var minutes = random.Next(2, 1_440);
            var end = start.AddMinutes(minutes);
            var from = random.Next(StationNames.Length);
            var to = random.Next(StationNames.Length);
            var bike = BikeTypes[random.Next(BikeTypes.Length)];
            var kiosk = random.Next(10) == 0 ? string.Empty : (3000 + from).ToString(inv);
            var distance = Math.Round(random.NextDouble() * 12, 2);
            var attributes = string.Join(',',
                tripId.ToString(inv), bike, start.ToString("M/d/yyyy h:mm:ss tt", inv), end.ToString("M/d/yyyy h:mm:ss tt", inv),
                (3000 + from).ToString(inv), Quote(StationNames[from]), (3000 + to).ToString(inv), Quote(StationNames[to]),
                random.Next(4) == 0 ? "Walk-up" : "Monthly Pass", kiosk, random.Next(1, 20_000).ToString("00000", inv));

            // The measures as Tableau formats them: grouped thousands, quoted because of the commas.
            (string Name, double Value)[] measures =
            [
                ("Distance", distance),
                ("Duration", minutes * 60),
                ("Est Calories", Math.Round(distance * random.Next(30, 140), 0)),
                ("Est Carbon Offset", Math.Round(distance * 0.91, 2)),
            ];
            foreach (var (name, value) in measures)
            {
                if (name == "Est Carbon Offset" && random.Next(50) == 0)
                {
                    continue; // now and then Tableau leaves a measure out
                }

                line.Clear().Append(attributes).Append(',').Append(name).Append(',').Append(Quote(value.ToString("#,##0.##", inv))).Append("\r\n");
                await writer.WriteAsync(line, cancellationToken).ConfigureAwait(false);
                rows++;
            }
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        return rows;
    }

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
