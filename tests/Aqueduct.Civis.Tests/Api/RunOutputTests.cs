using System.Text;
using System.Text.Json.Nodes;
using Aqueduct.Civis.Testing;
using Aqueduct.Civis.Tests.Environment;

namespace Aqueduct.Civis.Tests.Api;

public sealed class RunOutputTests : IAsyncLifetime
{
    private readonly ListLoggerFactory _logs = new();
    private readonly List<string> _tempFiles = [];
    private FakeCivisApi _api = null!;
    private CivisClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _api = await FakeCivisApi.StartAsync();
        _client = new CivisClient(_api.CreateClientOptions());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var file in _tempFiles)
        {
            File.Delete(file);
        }

        await _api.DisposeAsync();
    }

    /// <summary>A running run of a container script, as the current run on the platform.</summary>
    private async Task<(int Job, int Run, CivisRunOutputs Outputs)> OnPlatformAsync()
    {
        var job = _api.AddContainerScript();
        var run = (await _client.Scripts.StartContainerRunAsync(job, Ct)).Id!.Value;
        var env = TestEnvironments.Create(("CIVIS_JOB_ID", job.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("CIVIS_RUN_ID", run.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return (job, run, new CivisRunOutputs(_client, env, _logs));
    }

    private CivisRunOutputs OffPlatform(CivisClient? client) => new(client, TestEnvironments.Create(("DEV", "1")), _logs);

    private string TempFile(byte[] content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"run-output-{Guid.NewGuid():N}.csv");
        File.WriteAllBytes(path, content);
        _tempFiles.Add(path);
        return path;
    }

    [Theory]
    [InlineData("{\"a\":")]
    [InlineData("{'a':1}")]
    [InlineData("NaN")]
    [InlineData("")]
    [InlineData("[1,2")]
    public async Task AttachJsonTextAsync_NotJson_ThrowsNamingTheOutputWithoutCallingTheApi(string json)
    {
        var (_, _, outputs) = await OnPlatformAsync();
        var before = _api.Requests.Count;
        var e = await Assert.ThrowsAsync<ArgumentException>(() => outputs.AttachJsonTextAsync("summary", json, Ct));
        Assert.Contains("'summary'", e.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, _api.Requests.Count);
    }

    [Fact]
    public async Task AttachJsonAsync_LargerThanThePlatformKeeps_ThrowsBeforeUploading()
    {
        var (_, _, outputs) = await OnPlatformAsync();
        var before = _api.Requests.Count;
        var huge = new JsonArray([.. Enumerable.Range(0, 200_000).Select(i => (JsonNode)"abcd")]);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => outputs.AttachJsonAsync("big", huge, Ct));
        Assert.Contains("1000000", e.Message, StringComparison.Ordinal);
        Assert.Contains("'big'", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, _api.Requests.Count);
    }

    [Fact]
    public async Task AttachJsonTextAsync_ExactlyTheLimit_IsAttached()
    {
        var (job, run, outputs) = await OnPlatformAsync();
        var text = "\"" + new string('x', CivisRunOutputs.MaxJsonBytes - 2) + "\"";
        Assert.NotNull(await outputs.AttachJsonTextAsync("limit", text, Ct));
        Assert.Single(await ListAsync(job, run));
    }

    [Fact]
    public async Task AttachJsonAsync_OffPlatform_IsANoOpWithAnInformationLine()
    {
        var result = await OffPlatform(_client).AttachJsonAsync("summary", new JsonObject { ["rows"] = 3 }, Ct);
        Assert.Null(result);
        Assert.Empty(_api.Requests);
        var line = Assert.Single(_logs.Lines);
        Assert.StartsWith("Information: ", line, StringComparison.Ordinal);
        Assert.Contains("'summary'", line, StringComparison.Ordinal);
        Assert.Contains("CIVIS_JOB_ID", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AttachFileAsync_OffPlatformWithoutClient_IsANoOp()
    {
        var path = TempFile("id\n1\n"u8.ToArray());
        Assert.Null(await OffPlatform(null).AttachFileAsync(path, cancellationToken: Ct));
        Assert.Contains(_logs.Lines, l => l.Contains(Path.GetFileName(path), StringComparison.Ordinal));
    }

    [Fact]
    public async Task AttachFileAsync_MissingFile_ThrowsNamingThePathEvenOffPlatform()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.csv");
        var e = await Assert.ThrowsAsync<FileNotFoundException>(() => OffPlatform(null).AttachFileAsync(path, cancellationToken: Ct));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Equal(path, e.FileName);
    }

    [Fact]
    public async Task AttachJsonAsync_OnPlatformWithoutClient_ThrowsNamingTheApiKey()
    {
        var env = TestEnvironments.Create(("CIVIS_JOB_ID", "1"), ("CIVIS_RUN_ID", "2"));
        var e = await Assert.ThrowsAsync<CivisEnvironmentException>(() => new CivisRunOutputs(null, env).AttachJsonAsync("x", (JsonNode)1, Ct));
        Assert.Equal(["CIVIS_API_KEY"], e.VariableNames);
    }

    [Fact]
    public async Task AttachJsonAsync_OnPlatform_StoresTheValueAndAttachesItToTheCurrentRun()
    {
        var (job, run, outputs) = await OnPlatformAsync();

        var output = await outputs.AttachJsonAsync("summary", new JsonObject { ["rows"] = 1200, ["note"] = "naïve \"quoted\"" }, Ct);

        Assert.NotNull(output);
        Assert.Equal("JSONValue", output.ObjectType);
        var listed = Assert.Single(await ListAsync(job, run));
        Assert.Equal("summary", listed.Name);
        Assert.Equal(1200, listed.Value!.Value.GetProperty("rows").GetInt32());
        Assert.Equal("naïve \"quoted\"", listed.Value!.Value.GetProperty("note").GetString());
        Assert.Single(_api.Requests, r => r.Method == "POST" && r.Path == "/json_values");
        Assert.Single(_api.Requests, r => r.Method == "POST" && r.Path == $"/scripts/containers/{job}/runs/{run}/outputs");
        Assert.Contains(_logs.Lines, l => l.StartsWith("Information: Attached JSON value", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AttachJsonAsync_TypedValue_UsesTheGivenMetadata()
    {
        var (job, run, outputs) = await OnPlatformAsync();
        await outputs.AttachJsonAsync("ids", new List<RunOutput> { new() { Name = "n" } }, CivisJsonContext.Default.ListRunOutput, Ct);
        Assert.Equal("n", Assert.Single(await ListAsync(job, run)).Value!.Value[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task AttachJsonAsync_PlatformRejectsTheOutput_ThrowsTheApiError()
    {
        var (job, run, outputs) = await OnPlatformAsync();
        _api.Faults.Enqueue(FakeFault.Status(403).For("POST", $"/scripts/containers/{job}/runs/{run}/outputs"));
        var e = await Assert.ThrowsAsync<CivisApiException>(() => outputs.AttachJsonAsync("summary", (JsonNode)1, Ct));
        Assert.Equal(403, e.StatusCode);
        Assert.Empty(await ListAsync(job, run));
    }

    [Fact]
    public async Task AttachFileAsync_OnPlatform_UploadsAndAttachesAndIsFoundByName()
    {
        var (job, run, outputs) = await OnPlatformAsync();
        var content = Encoding.UTF8.GetBytes("trip_id,distance\n1,2.5\n");
        var path = TempFile(content);

        var output = await outputs.AttachFileAsync(path, "trips.csv", cancellationToken: Ct);

        Assert.NotNull(output);
        Assert.Equal("File", output.ObjectType);
        var fileId = await outputs.FindFileIdAsync(job, run, "trips.csv", Ct);
        Assert.Equal(output.ObjectId, fileId);
        Assert.Equal(content, _api.GetFileContent(fileId));
    }

    [Fact]
    public async Task AttachFileAsync_StreamWithBlankName_Throws()
    {
        var (_, _, outputs) = await OnPlatformAsync();
        using var stream = new MemoryStream([1, 2, 3]);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => outputs.AttachFileAsync(stream, " ", cancellationToken: Ct));
    }

    [Fact]
    public async Task FindFileIdAsync_NoSuchOutput_ThrowsNamingTheRunTheNameAndWhatItHas()
    {
        var (job, run, outputs) = await OnPlatformAsync();
        _api.AttachFileOutput(run, "other.csv", [1]);
        _api.AttachJsonOutput(run, "trips.csv", "1");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => outputs.FindFileIdAsync(job, run, "trips.csv", Ct));

        Assert.Contains($"Run {run} of job {job}", e.Message, StringComparison.Ordinal);
        Assert.Contains("'trips.csv'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'other.csv'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindFileIdAsync_NoOutputsAtAll_SaysNone()
    {
        var (job, run, outputs) = await OnPlatformAsync();
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => outputs.FindFileIdAsync(job, run, "trips.csv", Ct));
        Assert.Contains("(none)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindFileIdAsync_TwoFilesWithTheName_ThrowsAmbiguousNamingBoth()
    {
        var (job, run, outputs) = await OnPlatformAsync();
        var first = _api.AttachFileOutput(run, "trips.csv", [1]);
        var second = _api.AttachFileOutput(run, "trips.csv", [2]);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => outputs.FindFileIdAsync(job, run, "trips.csv", Ct));

        Assert.Contains("2 file outputs named 'trips.csv'", e.Message, StringComparison.Ordinal);
        Assert.Contains(first.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
        Assert.Contains(second.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindFileIdAsync_NameDiffersInCase_IsNotAMatch()
    {
        var (job, run, outputs) = await OnPlatformAsync();
        _api.AttachFileOutput(run, "Trips.csv", [1]);
        await Assert.ThrowsAsync<InvalidOperationException>(() => outputs.FindFileIdAsync(job, run, "trips.csv", Ct));
    }

    [Fact]
    public async Task FindFileIdAsync_UnknownRun_ThrowsTheApiError()
    {
        var (job, _, outputs) = await OnPlatformAsync();
        var e = await Assert.ThrowsAsync<CivisApiException>(() => outputs.FindFileIdAsync(job, 987_654, "trips.csv", Ct));
        Assert.Equal(404, e.StatusCode);
    }

    private async Task<List<RunOutput>> ListAsync(int job, int run)
    {
        var list = new List<RunOutput>();
        await foreach (var output in _client.Jobs.ListRunOutputsAsync(job, run, Ct))
        {
            list.Add(output);
        }

        return list;
    }
}
