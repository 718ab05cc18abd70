using Aqueduct.Civis.Api.Models;

namespace Aqueduct.Civis.Api;

/// <summary>JSON values, mostly to attach as run outputs (<c>/json_values</c>).</summary>
public partial class JsonValuesClient
{
    private readonly CivisPipeline _pipeline = null!;

    internal JsonValuesClient(CivisPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking only.</summary>
    protected JsonValuesClient()
    {
    }

    /// <summary>Stores a JSON value (<c>POST /json_values</c>).</summary>
    /// <param name="json">The value as JSON text, at most 1,000,000 bytes.</param>
    /// <param name="name">A name for the value.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored value, with its id for <see cref="ScriptsClient.AddContainerRunOutputAsync"/> (<c>JSONValue</c>).</returns>
    public virtual Task<JsonValue> CreateAsync(string json, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(json);
        return _pipeline.SendAsync(HttpMethod.Post, "json_values", new JsonValueCreateRequest { ValueStr = json, Name = name },
            CivisJsonContext.Default.JsonValueCreateRequest, CivisJsonContext.Default.JsonValue, cancellationToken);
    }
}
