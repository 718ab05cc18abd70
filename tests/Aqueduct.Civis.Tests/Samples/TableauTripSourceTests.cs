using System.Net;
using System.Text;
using Bikeshare;

namespace Aqueduct.Civis.Tests.Samples;

/// <summary>The bikeshare job's Tableau source against a loopback fake of Tableau's REST API.</summary>
public sealed class TableauTripSourceTests : IAsyncLifetime
{
    private FakeTableau tableau = null!;
    private readonly HttpClient http = new();

    public async ValueTask InitializeAsync()
    {
        tableau = await FakeTableau.StartAsync();
        tableau.Csv = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "trips-10.csv"), TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await tableau.DisposeAsync();
    }

    private TableauTripSource Source(string? password = null, string? view = null) => new(http, new TableauSettings(
        tableau.BaseAddress, tableau.Site, view ?? tableau.ViewUrlName, tableau.ApiVersion, tableau.Username, password ?? tableau.Password));

    [Fact]
    public async Task ReadAsync_FakeTableau_SignsInDownloadsTheViewAndSignsOut()
    {
        var csv = await Source().ReadAsync(async (stream, ct) =>
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return await reader.ReadToEndAsync(ct);
        }, TestContext.Current.CancellationToken);

        Assert.Equal(Encoding.UTF8.GetString(tableau.Csv), csv);
        Assert.Equal(
            [
                "POST /api/3.19/auth/signin",
                $"GET /api/3.19/sites/{tableau.SiteId}/views?filter=viewUrlName:eq:TripsExport",
                $"GET /api/3.19/sites/{tableau.SiteId}/views/{tableau.ViewId}/data",
                "POST /api/3.19/auth/signout",
            ],
            tableau.Calls);
        Assert.Equal(0, tableau.ActiveTokens);
    }

    [Fact]
    public async Task ReadAsync_StreamedDownload_PivotsAsItArrives()
    {
        var pivot = await Source().ReadAsync(TripPivot.PivotAsync, TestContext.Current.CancellationToken);

        Assert.Equal(10, pivot.Trips.Count);
        Assert.Equal(40, pivot.CsvRows);
    }

    [Fact]
    public async Task ReadAsync_WrongPassword_FailsWithTableausErrorAndNoPassword()
    {
        var exception = await Assert.ThrowsAsync<HttpRequestException>(() =>
            Source(password: "wrong-Pa55word").ReadAsync((_, _) => Task.FromResult(0), TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.Unauthorized, exception.StatusCode);
        Assert.Contains("401001", exception.Message, StringComparison.Ordinal);
        Assert.Contains("signing in as jane@example.org to site 'lacity'", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-Pa55word", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_UnknownView_NamesItAndStillSignsOut()
    {
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Source(view: "NoSuchView").ReadAsync((_, _) => Task.FromResult(0), TestContext.Current.CancellationToken));

        Assert.Contains("no view named 'NoSuchView'", exception.Message, StringComparison.Ordinal);
        Assert.Equal("POST /api/3.19/auth/signout", tableau.Calls[^1]);
        Assert.Equal(0, tableau.ActiveTokens);
    }
}
