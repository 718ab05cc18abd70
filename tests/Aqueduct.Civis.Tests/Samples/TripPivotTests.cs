using System.Text;
using Bikeshare;

namespace Aqueduct.Civis.Tests.Samples;

/// <summary>The bikeshare job's pivot of Tableau's long-form export to one row per trip.</summary>
public sealed class TripPivotTests
{
    private const string Header =
        "Trip ID,Bike Type,Start Datetime,End Datetime,Start Station,Start Station Name,End Station,End Station Name," +
        "Name (group),Optional Kiosk ID (group),Visible ID,Measure Names,Measure Values\r\n";

    private static Task<PivotResult> PivotAsync(string csv) =>
        TripPivot.PivotAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), TestContext.Current.CancellationToken);

    [Theory]
    [InlineData("Trip ID", "trip_id")]
    [InlineData("Name (group)", "name_group")]
    [InlineData("Optional Kiosk ID (group)", "optional_kiosk_id_group")]
    [InlineData("Est Carbon Offset", "est_carbon_offset")]
    [InlineData("Start Station Name", "start_station_name")]
    public void ToSnakeCase_TableauName_GivesTheColumnName(string name, string expected) =>
        Assert.Equal(expected, TripPivot.ToSnakeCase(name));

    [Theory]
    [InlineData("1,234", 1234)]
    [InlineData("1,234,567.5", 1234567.5)]
    [InlineData("0.25", 0.25)]
    [InlineData("-12", -12)]
    public void ParseNumber_WithThousandsSeparators_ReadsInvariantly(string text, double expected) =>
        Assert.Equal(expected, TripPivot.ParseNumber(text));

    [Fact]
    public async Task PivotAsync_FourMeasureRows_GiveOneTripWithEveryMeasure()
    {
        var attributes = "18222186,electric,7/7/2016 4:17:00 PM,7/7/2016 5:02:00 PM,3014,Union Station West Portal,3005,\"Broadway & 3rd\",Monthly Pass,3014,06468";
        var pivot = await PivotAsync(Header +
            $"{attributes},Distance,1.5\r\n{attributes},Duration,\"2,700\"\r\n{attributes},Est Calories,\"1,234\"\r\n{attributes},Est Carbon Offset,0.91\r\n");

        Assert.Equal(4, pivot.CsvRows);
        var trip = Assert.Single(pivot.Trips);
        Assert.Equal(18222186, trip.TripId);
        Assert.Equal("electric", trip.BikeType);
        Assert.Equal(new DateTime(2016, 7, 7, 16, 17, 0), trip.StartDatetime);
        Assert.Equal(new DateTime(2016, 7, 7, 17, 2, 0), trip.EndDatetime);
        Assert.Equal("3014", trip.StartStation);
        Assert.Equal("Union Station West Portal", trip.StartStationName);
        Assert.Equal("Broadway & 3rd", trip.EndStationName);
        Assert.Equal("Monthly Pass", trip.NameGroup);
        Assert.Equal("3014", trip.OptionalKioskIdGroup);
        Assert.Equal("06468", trip.VisibleId);
        Assert.Equal(1.5, trip.Distance);
        Assert.Equal(2700, trip.Duration);
        Assert.Equal(1234, trip.EstCalories);
        Assert.Equal(0.91, trip.EstCarbonOffset);
    }

    [Fact]
    public async Task PivotAsync_InterleavedTripsAndMissingValues_TakesFirstValuesAndLeavesTheRestNull()
    {
        var pivot = await PivotAsync(Header +
            "2,standard,2016-07-07 10:00:00,,1,A,2,B,,,9,Distance,\"1,000.5\"\n" +
            "1,smart,,,1,A,2,B,,,8,Duration,60\n" +
            "2,electric,2016-07-08 10:00:00,,1,A,2,B,Walk-up,,9,Distance,7\n" +
            "1,smart,,,1,A,2,B,,,8,Est Calories,\n");

        Assert.Equal([2, 1], pivot.Trips.Select(t => t.TripId));
        var two = pivot.Trips[0];
        Assert.Equal("standard", two.BikeType);
        Assert.Equal(new DateTime(2016, 7, 7, 10, 0, 0), two.StartDatetime);
        Assert.Equal("Walk-up", two.NameGroup);
        Assert.Equal(1000.5, two.Distance);
        Assert.Null(two.EndDatetime);
        Assert.Null(two.OptionalKioskIdGroup);
        var one = pivot.Trips[1];
        Assert.Equal(60, one.Duration);
        Assert.Null(one.EstCalories);
        Assert.Null(one.Distance);
    }

    [Fact]
    public async Task PivotAsync_UnknownColumn_NamesItInSnakeCase()
    {
        var exception = await Assert.ThrowsAsync<InvalidDataException>(() => PivotAsync(Header.Replace("Visible ID", "Rider Age (years)", StringComparison.Ordinal)));

        Assert.Contains("rider_age_years", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PivotAsync_UnknownMeasure_NamesIt()
    {
        var exception = await Assert.ThrowsAsync<InvalidDataException>(() => PivotAsync(Header + "1,a,,,1,A,2,B,,,8,Top Speed,30\n"));

        Assert.Contains("'Top Speed'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PivotAsync_GeneratedExport_GivesEveryTripOnce()
    {
        var text = new StringWriter();
        var rows = await TripGenerator.WriteAsync(text, 500, seed: 1, TestContext.Current.CancellationToken);

        var pivot = await PivotAsync(text.ToString());

        Assert.Equal(rows, pivot.CsvRows);
        Assert.Equal(500, pivot.Trips.Count);
        Assert.Equal(500, pivot.Trips.Select(t => t.TripId).Distinct().Count());
        Assert.All(pivot.Trips, t => Assert.NotNull(t.Duration));
    }

    [Fact]
    public async Task Generator_SameSeed_WritesTheSameExport()
    {
        var first = new StringWriter();
        var second = new StringWriter();
        await TripGenerator.WriteAsync(first, 50, seed: 3, TestContext.Current.CancellationToken);
        await TripGenerator.WriteAsync(second, 50, seed: 3, TestContext.Current.CancellationToken);

        Assert.Equal(first.ToString(), second.ToString());
    }
}
