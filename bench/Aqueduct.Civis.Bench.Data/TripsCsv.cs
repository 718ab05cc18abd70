using System.Globalization;
using System.Text;

namespace Aqueduct.Civis.Bench.Data;

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

    private static readonly string[] BikeTypes = ["standard", "electric", "smart"];

    /// <summary>Writes the CSV with a header; deterministic for a given row count.</summary>
    public static void Generate(string path, int rows)
    {
        var random = new Random(20210601);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.NewLine = "\n";
        writer.WriteLine(Columns);
        var start = new DateTime(2016, 7, 7, 4, 17, 0);
        var line = new StringBuilder(200);
        for (var i = 0; i < rows; i++)
        {
            var from = random.Next(Stations.Length);
            var to = random.Next(Stations.Length);
            var begin = start.AddSeconds(i * 97L + random.Next(60));
            var minutes = random.Next(2, 180);
            line.Clear();
            line.Append(CultureInfo.InvariantCulture, $"{1_000_000 + i},{BikeTypes[i % 3]},{begin:yyyy-MM-dd HH:mm:ss},{begin.AddMinutes(minutes):yyyy-MM-dd HH:mm:ss},")
                .Append(CultureInfo.InvariantCulture, $"{3000 + from},{Quote(Stations[from])},{3000 + to},{Quote(Stations[to])},")
                .Append(CultureInfo.InvariantCulture, $"Walk-up,{(i % 7 == 0 ? "" : "Kiosk " + (from + 1))},{random.Next(100000, 999999)},")
                .Append(CultureInfo.InvariantCulture, $"{random.NextDouble() * 12:0.000},{minutes * 60},{random.NextDouble() * 900:0.0},{random.NextDouble() * 20:0.00}");
            writer.WriteLine(line);
        }
    }

    private static string Quote(string value) => value.Contains(',', StringComparison.Ordinal) ? "\"" + value + "\"" : value;
}
