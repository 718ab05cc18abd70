using System.Text.Json;
using Aqueduct.Civis.Api.Models;
using Aqueduct.Civis.Testing;

namespace Aqueduct.Civis.Tests.Api;

/// <summary>
/// "expiresAt": null means a file that never expires, and leaving it out the platform's 30 days: CivisOptional keeps the
/// two apart, in the models and on the wire.
/// </summary>
public sealed class FilesExplicitNullTests : IAsyncLifetime
{
    private FakeCivisApi _api = null!;

    public async ValueTask InitializeAsync() => _api = await FakeCivisApi.StartAsync();

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private CivisClient Client(Action<CivisClientOptions>? configure = null)
    {
        var options = _api.CreateClientOptions();
        configure?.Invoke(options);
        return new CivisClient(options);
    }

    private JsonElement CreateBody(string path)
    {
        var call = Assert.Single(_api.Requests, r => r.Method == "POST" && r.Path == path);
        using var document = JsonDocument.Parse(call.Body);
        return document.RootElement.Clone();
    }

    [Fact]
    public void Serialize_ExpiresAtUnset_LeavesItOut()
    {
        var json = JsonSerializer.Serialize(new FileCreateRequest { Name = "a.csv" }, CivisJsonContext.Default.FileCreateRequest);
        Assert.Equal("""{"name":"a.csv"}""", json);
    }

    [Fact]
    public void Serialize_ExpiresAtSetToNull_SendsNull()
    {
        var json = JsonSerializer.Serialize(new FileCreateRequest { Name = "a.csv", ExpiresAt = null }, CivisJsonContext.Default.FileCreateRequest);
        Assert.Equal("""{"name":"a.csv","expiresAt":null}""", json);
    }

    [Fact]
    public void Serialize_ExpiresAtSetToAnInstant_SendsTheInstant()
    {
        var at = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var json = JsonSerializer.Serialize(new FileCreateRequest { Name = "a.csv", ExpiresAt = at }, CivisJsonContext.Default.FileCreateRequest);
        Assert.Equal("""{"name":"a.csv","expiresAt":"2030-01-02T03:04:05+00:00"}""", json);
    }

    [Fact]
    public void Deserialize_ExplicitNullAndMissing_AreToldApart()
    {
        var explicitNull = JsonSerializer.Deserialize("""{"name":"a","expiresAt":null}""", CivisJsonContext.Default.FileCreateRequest)!;
        var missing = JsonSerializer.Deserialize("""{"name":"a"}""", CivisJsonContext.Default.FileCreateRequest)!;

        Assert.True(explicitNull.ExpiresAt.HasValue);
        Assert.Null(explicitNull.ExpiresAt.Value);
        Assert.False(missing.ExpiresAt.HasValue);
    }

    [Fact]
    public void Deserialize_ExpiresAtNotATimestamp_FailsNamingThePath()
    {
        var e = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"name":"a","expiresAt":"soon"}""", CivisJsonContext.Default.FileCreateRequest));
        Assert.Contains("expiresAt", e.Path, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name":"a","expiresAt":12}""")]
    [InlineData("""{"name":"a","expiresAt":{"x":1}}""")]
    [InlineData("""{"name":"a","expiresAt":""")]
    public void Deserialize_ExpiresAtMalformedOrTruncated_Throws(string json)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(json, CivisJsonContext.Default.FileCreateRequest));
    }

    [Fact]
    public void CivisOptional_UnsetNullAndValue_AreDistinctAndEqualToThemselves()
    {
        CivisOptional<DateTimeOffset?> unset = default, none = null, some = DateTimeOffset.UnixEpoch;
        Assert.NotEqual(unset, none);
        Assert.NotEqual(none, some);
        Assert.Equal(none, (CivisOptional<DateTimeOffset?>)null);
        Assert.False(unset.HasValue);
        Assert.True(none.HasValue);
        Assert.Null(none.Value);
        // No ToString of its own: the value may be anything, a secret included.
        Assert.DoesNotContain("1970", some.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UploadAsync_ExpiresAtNull_SendsExplicitNullAndTheDescription()
    {
        var id = await Client().Files.UploadAsync(new MemoryStream([1, 2, 3]), new FileCreateRequest { Name = "keep.csv", ExpiresAt = null, Description = "Kept forever" }, Ct);

        var body = CreateBody("/files");
        Assert.Equal(JsonValueKind.Null, body.GetProperty("expiresAt").ValueKind);
        Assert.Equal("Kept forever", body.GetProperty("description").GetString());
        Assert.Equal([1, 2, 3], _api.GetFileContent(id));
    }

    [Fact]
    public async Task UploadAsync_NameOnly_LeavesExpiresAtOutForThePlatformDefault()
    {
        await Client().Files.UploadAsync(new MemoryStream([1, 2, 3]), "default.csv", cancellationToken: Ct);

        var body = CreateBody("/files");
        Assert.False(body.TryGetProperty("expiresAt", out _), body.GetRawText());
        Assert.False(body.TryGetProperty("description", out _), body.GetRawText());
    }

    [Fact]
    public async Task UploadAsync_ExpiresAtGiven_SendsIt()
    {
        var at = new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero);
        await Client().Files.UploadAsync(new MemoryStream([1]), "dated.csv", at, Ct);

        Assert.Equal(at, CreateBody("/files").GetProperty("expiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task UploadAsync_MultipartWithExpiresAtNull_SendsExplicitNullAndTheDescription()
    {
        var client = Client(o => { o.Uploads.MultipartThreshold = 8 * 1024; o.Uploads.MinPartSize = 1024; });
        var content = new byte[20_000];
        Random.Shared.NextBytes(content);

        var id = await client.Files.UploadAsync(new MemoryStream(content), new FileCreateRequest { Name = "big.bin", ExpiresAt = null, Description = "Parts" }, Ct);

        var body = CreateBody("/files/multipart");
        Assert.Equal(JsonValueKind.Null, body.GetProperty("expiresAt").ValueKind);
        Assert.Equal("Parts", body.GetProperty("description").GetString());
        Assert.True(body.GetProperty("numParts").GetInt32() > 1);
        Assert.Equal(content, _api.GetFileContent(id));
    }

    [Fact]
    public async Task UploadAsync_RequestWithoutName_ThrowsBeforeSending()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Client().Files.UploadAsync(new MemoryStream([1]), new FileCreateRequest(), Ct));
        Assert.Contains("FileCreateRequest.Name", e.Message, StringComparison.Ordinal);
        Assert.Empty(_api.Requests);
    }
}
