using System.Globalization;
using System.Text;

namespace Aqueduct.Civis.Bench.Data;

/// <summary>One trip of the bikeshare trips table, as the typed-rows load takes it.</summary>
internal sealed record Trip(
    int TripId, string BikeType, DateTime StartDatetime, DateTime EndDatetime, string StartStation, string StartStationName,
    string EndStation, string EndStationName, string NameGroup, string? OptionalKioskIdGroup, string VisibleId,
    double Distance, double Duration, double EstCalories, double EstCarbonOffset);

/// <summary>The bikeshare job's trips table (PLATFORM.md section 8): 15 columns, about 145 bytes a row.</summary>
internal static class TripsCsv
{
    public const string Columns =
        "trip_id,bike_type,start_datetime,end_datetime,start_station,start_station_name,end_station,end_station_name," +
        "name_group,optional_kiosk_id_group,visible_id,distance,duration,est_calories,est_carbon_offset";

    public static readonly TableDefinition Definition = new(
        [
            new("trip_id", "integer", nullable: false), new("bike_type", "text"),
            new("start_datetime", "timestamp"), new("end_datetime", "timestamp"),
            new("start_station", "text"), new("start_station_name", "text"), new("end_station", "text"), new("end_station_name", "text"),
            new("name_group", "text"), new("optional_kiosk_id_group", "text"), new("visible_id", "text"),
            new("distance", "double precision"), new("duration", "double precision"),
            new("est_calories", "double precision"), new("est_carbon_offset", "double precision"),
        ],
        primaryKey: ["trip_id"]);

    private static readonly string[] Stations =
        ["Union Station West Portal", "7th & Flower", "Grand & Olympic", "Main & 1st", "Figueroa & 8th", "Broadway & 3rd",
         "Venice Beach, Windward", "Ocean Front Walk & Navy", "Expo Park/USC", "Chinatown Metro"];

    private static readonly string[] StationIds = [.. Enumerable.Range(3000, Stations.Length).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    private static readonly string[] Kiosks = [.. Enumerable.Range(1, Stations.Length).Select(i => "Kiosk " + i.ToString(CultureInfo.InvariantCulture))];

    private static readonly string[] BikeTypes = ["standard", "electric", "smart"];

    /// <summary>The trips, deterministic for a given count; the CSV holds exactly these values.</summary>
    public static IEnumerable<Trip> Trips(int rows)
    {
        var random = new Random(20210601);
        var start = new DateTime(2016, 7, 7, 4, 17, 0);
        for (var i = 0; i < rows; i++)
        {
            var from = random.Next(Stations.Length);
            var to = random.Next(Stations.Length);
            var begin = start.AddSeconds(i * 97L + random.Next(60));
            var minutes = random.Next(2, 180);
            var visible = random.Next(100000, 999999).ToString(CultureInfo.InvariantCulture);
            yield return new Trip(
                1_000_000 + i, BikeTypes[i % 3], begin, begin.AddMinutes(minutes), StationIds[from], Stations[from], StationIds[to], Stations[to],
                "Walk-up", i % 7 == 0 ? null : Kiosks[from], visible,
                Math.Round(random.NextDouble() * 12, 3), minutes * 60, Math.Round(random.NextDouble() * 900, 1), Math.Round(random.NextDouble() * 20, 2));
        }
    }

    /// <summary>Writes the CSV with a header.</summary>
    public static void Generate(string path, int rows)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.NewLine = "\n";
        writer.WriteLine(Columns);
        var line = new StringBuilder(200);
        foreach (var t in Trips(rows))
        {
            line.Clear();
            line.Append(CultureInfo.InvariantCulture, $"{t.TripId},{t.BikeType},{t.StartDatetime:yyyy-MM-dd HH:mm:ss},{t.EndDatetime:yyyy-MM-dd HH:mm:ss},")
                .Append(CultureInfo.InvariantCulture, $"{t.StartStation},{Quote(t.StartStationName)},{t.EndStation},{Quote(t.EndStationName)},")
                .Append(CultureInfo.InvariantCulture, $"{t.NameGroup},{t.OptionalKioskIdGroup},{t.VisibleId},")
                .Append(CultureInfo.InvariantCulture, $"{t.Distance:0.000},{t.Duration},{t.EstCalories:0.0},{t.EstCarbonOffset:0.00}");
            writer.WriteLine(line);
        }
    }

    private static string Quote(string value) => value.Contains(',', StringComparison.Ordinal) ? "\"" + value + "\"" : value;
}
