using System.Globalization;
using System.Text;

namespace Bikeshare;

/// <summary>
/// Turns Tableau's long-form export (one CSV row per trip and measure) into one <see cref="BikeTrip"/> per trip:
/// the first non-empty value of each attribute, one property per measure. Headers and measure names are matched
/// by their snake-case names (<see cref="ToSnakeCase"/>), the table's column names.
/// </summary>
/// <remarks>
/// Tableau does not promise any row order, so the trips are held in memory until the end of the export (with
/// repeated texts such as station names stored once). Measured on 1M generated trips (4M CSV rows): the pivot
/// takes about 13 s, and the whole job peaks at about 360 MB resident, the .NET runtime and the load included.
/// </remarks>
public static class TripPivot
{
    /// <summary>The datetime formats read, tried in order: Tableau's US export format first, then ISO 8601.</summary>
    public static readonly string[] DatetimeFormats =
    [
        "M/d/yyyy h:mm:ss tt", "M/d/yyyy h:mm tt", "M/d/yyyy H:mm:ss", "M/d/yyyy H:mm", "M/d/yyyy",
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
    ];

    private const string MeasureNames = "measure_names";
    private const string MeasureValues = "measure_values";

    private static readonly Dictionary<string, Action<BikeTrip, string, Func<string, string>>> Attributes = new(StringComparer.Ordinal)
    {
        ["trip_id"] = static (_, _, _) => { },
        ["bike_type"] = static (t, v, s) => t.BikeType ??= s(v),
        ["start_datetime"] = static (t, v, _) => t.StartDatetime ??= ParseDatetime(v, "Start Datetime"),
        ["end_datetime"] = static (t, v, _) => t.EndDatetime ??= ParseDatetime(v, "End Datetime"),
        ["start_station"] = static (t, v, s) => t.StartStation ??= s(v),
        ["start_station_name"] = static (t, v, s) => t.StartStationName ??= s(v),
        ["end_station"] = static (t, v, s) => t.EndStation ??= s(v),
        ["end_station_name"] = static (t, v, s) => t.EndStationName ??= s(v),
        ["name_group"] = static (t, v, s) => t.NameGroup ??= s(v),
        ["optional_kiosk_id_group"] = static (t, v, s) => t.OptionalKioskIdGroup ??= s(v),
        ["visible_id"] = static (t, v, s) => t.VisibleId ??= s(v),
    };

    private static readonly Dictionary<string, Action<BikeTrip, double>> Measures = new(StringComparer.Ordinal)
    {
        ["distance"] = static (t, v) => t.Distance ??= v,
        ["duration"] = static (t, v) => t.Duration ??= v,
        ["est_calories"] = static (t, v) => t.EstCalories ??= v,
        ["est_carbon_offset"] = static (t, v) => t.EstCarbonOffset ??= v,
    };

    /// <summary>
    /// Snake-cases a Tableau name the way the table's columns are named: lower case, spaces to <c>_</c>, parentheses
    /// dropped (<c>Name (group)</c> → <c>name_group</c>).
    /// </summary>
    /// <param name="name">The header or measure name.</param>
    /// <returns>The column name.</returns>
    public static string ToSnakeCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new StringBuilder(name.Length);
        foreach (var c in name.Trim())
        {
            if (c is '(' or ')')
            {
                continue;
            }

            builder.Append(c == ' ' ? '_' : char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    /// <summary>Parses a number as Tableau writes it, with or without thousands separators (<c>1,234.5</c>), invariantly.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The number.</returns>
    public static double ParseNumber(string text) =>
        double.Parse(text, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    /// <summary>Reads a whole long-form export and pivots it to one trip per trip id, in order of first appearance.</summary>
    /// <param name="csv">The export (UTF-8 CSV with a header).</param>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <returns>The trips and the number of CSV rows read.</returns>
    /// <exception cref="InvalidDataException">A column or measure the table does not have, or a value that does not parse.</exception>
    public static async Task<PivotResult> PivotAsync(Stream csv, CancellationToken cancellationToken = default)
    {
        using var text = new StreamReader(csv, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        var reader = new CsvRecordReader(text);
        var fields = new List<string>();
        if (!await reader.ReadAsync(fields, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidDataException("The export is empty: not even a header.");
        }

        var columns = fields.Select(ToSnakeCase).ToArray();
        var unknown = columns.Where(c => c is not (MeasureNames or MeasureValues) && !Attributes.ContainsKey(c)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidDataException(
                $"The export has columns transportation.bike_trips does not: {string.Join(", ", unknown)} (headers {string.Join(", ", fields)}).");
        }

        var tripIdColumn = Require(columns, "trip_id", "Trip ID");
        var nameColumn = Require(columns, MeasureNames, "Measure Names");
        var valueColumn = Require(columns, MeasureValues, "Measure Values");
        var setters = columns.Select(c => Attributes.GetValueOrDefault(c)).ToArray();

        var pool = new HashSet<string>(StringComparer.Ordinal);
        string Intern(string value)
        {
            if (!pool.TryGetValue(value, out var existing))
            {
                pool.Add(value);
                existing = value;
            }

            return existing;
        }

        var measureSetters = new Dictionary<string, Action<BikeTrip, double>>(StringComparer.Ordinal);

        var trips = new List<BikeTrip>();
        var byId = new Dictionary<int, BikeTrip>();
        long rows = 0;
        while (await reader.ReadAsync(fields, cancellationToken).ConfigureAwait(false))
        {
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue; // a blank line, such as a trailing one
            }

            rows++;
            if (fields.Count != columns.Length)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"CSV record {reader.RecordsRead} has {fields.Count} fields; the header has {columns.Length}."));
            }

            if (!int.TryParse(fields[tripIdColumn], NumberStyles.Integer | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var tripId))
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"CSV record {reader.RecordsRead}: Trip ID '{fields[tripIdColumn]}' is not an integer."));
            }

            if (!byId.TryGetValue(tripId, out var trip))
            {
                trip = new BikeTrip { TripId = tripId };
                byId.Add(tripId, trip);
                trips.Add(trip);
            }

            for (var i = 0; i < fields.Count; i++)
            {
                if (setters[i] is { } set && fields[i].Length > 0)
                {
                    set(trip, fields[i], Intern);
                }
            }

            var measure = fields[nameColumn];
            if (!measureSetters.TryGetValue(measure, out var setMeasure))
            {
                setMeasure = Measures.GetValueOrDefault(ToSnakeCase(measure)) ?? throw new InvalidDataException(
                    $"CSV record {reader.RecordsRead}: the measure '{measure}' has no column in transportation.bike_trips " +
                    $"(known: {string.Join(", ", Measures.Keys)}).");
                measureSetters.Add(measure, setMeasure);
            }

            var value = fields[valueColumn];
            if (value.Length > 0)
            {
                if (!double.TryParse(value, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var number))
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                        $"CSV record {reader.RecordsRead}: the {measure} value '{value}' is not a number."));
                }

                setMeasure(trip, number);
            }
        }

        return new PivotResult(trips, rows);
    }

    private static int Require(string[] columns, string name, string header)
    {
        var index = Array.IndexOf(columns, name);
        return index >= 0 ? index : throw new InvalidDataException($"The export has no '{header}' column.");
    }

    private static DateTime ParseDatetime(string text, string column) =>
        DateTime.TryParseExact(text, DatetimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var value)
            ? value
            : throw new InvalidDataException($"{column} '{text}' is not a datetime in a known format ({DatetimeFormats[0]} or ISO 8601).");
}
