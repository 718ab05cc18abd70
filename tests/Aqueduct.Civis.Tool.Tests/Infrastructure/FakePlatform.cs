using Aqueduct.Civis.Testing;

namespace Aqueduct.Civis.Tool.Tests.Infrastructure;

/// <summary>A FakeCivisApi and a job directory for one test, and the tool run against them.</summary>
internal sealed class FakePlatform : IAsyncDisposable
{
    private FakePlatform(FakeCivisApi api, string directory)
    {
        Api = api;
        Directory = directory;
    }

    public FakeCivisApi Api { get; }

    /// <summary>The tool's working directory (where the manifest and .env live).</summary>
    public string Directory { get; }

    public Dictionary<string, string?> Variables => new()
    {
        ["CIVIS_API_KEY"] = Api.ApiKey,
        ["CIVIS_API_ENDPOINT"] = Api.BaseAddress.AbsoluteUri,
    };

    public static async Task<FakePlatform> StartAsync()
        => new(await FakeCivisApi.StartAsync(cancellationToken: TestContext.Current.CancellationToken), System.IO.Directory.CreateTempSubdirectory("aqueduct-tool-").FullName);

    /// <summary>Writes a file into the job directory.</summary>
    public string Write(string name, string content)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public Task<ToolProcess> RunAsync(params string[] arguments) => ToolProcess.RunAsync(Directory, Variables, arguments);

    public ToolProcess Start(params string[] arguments) => ToolProcess.Start(Directory, Variables, arguments);

    /// <summary>The requests received since <paramref name="from"/> (an index into the request log).</summary>
    public IReadOnlyList<FakeCivisRequest> RequestsSince(int from) => [.. Api.Requests.Skip(from)];

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
