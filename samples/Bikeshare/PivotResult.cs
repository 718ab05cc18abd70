namespace Bikeshare;

/// <summary>The pivoted export: one trip per trip id, and how many CSV rows it came from.</summary>
/// <param name="Trips">The trips, in order of first appearance.</param>
/// <param name="CsvRows">The CSV rows read (the header not counted).</param>
public sealed record PivotResult(IReadOnlyList<BikeTrip> Trips, long CsvRows);
