namespace Bikeshare;

/// <summary>
/// One trip, a row of <c>transportation.bike_trips</c>. The properties map to the columns by their snake-case
/// names (<c>NameGroup</c> → <c>name_group</c>), the same names the pivot gives the export's headers.
/// </summary>
public sealed class BikeTrip
{
    /// <summary>The trip's id, the table's primary key.</summary>
    public int TripId { get; set; }

    /// <summary>The bike type (standard, electric, smart).</summary>
    public string? BikeType { get; set; }

    /// <summary>When the trip started, as Tableau shows it (local time, no zone).</summary>
    public DateTime? StartDatetime { get; set; }

    /// <summary>When the trip ended, as Tableau shows it (local time, no zone).</summary>
    public DateTime? EndDatetime { get; set; }

    /// <summary>The start station's id.</summary>
    public string? StartStation { get; set; }

    /// <summary>The start station's name.</summary>
    public string? StartStationName { get; set; }

    /// <summary>The end station's id.</summary>
    public string? EndStation { get; set; }

    /// <summary>The end station's name.</summary>
    public string? EndStationName { get; set; }

    /// <summary>Tableau's <c>Name (group)</c>.</summary>
    public string? NameGroup { get; set; }

    /// <summary>Tableau's <c>Optional Kiosk ID (group)</c>.</summary>
    public string? OptionalKioskIdGroup { get; set; }

    /// <summary>The bike's visible id.</summary>
    public string? VisibleId { get; set; }

    /// <summary>The <c>Distance</c> measure.</summary>
    public double? Distance { get; set; }

    /// <summary>The <c>Duration</c> measure.</summary>
    public double? Duration { get; set; }

    /// <summary>The <c>Est Calories</c> measure.</summary>
    public double? EstCalories { get; set; }

    /// <summary>The <c>Est Carbon Offset</c> measure.</summary>
    public double? EstCarbonOffset { get; set; }
}
