using System.Net;
using System.Text.Json;

namespace Aqueduct.Civis;

/// <summary>
/// The Civis Platform REST API. Thread-safe and meant to be a singleton: calls run concurrently on
/// pooled connections, each with its own timeout and retries. Typed calls are grouped by resource
/// (<see cref="Scripts"/>, <see cref="Files"/>, <see cref="Jobs"/>, <see cref="Reports"/>, ...): every operation of the
/// API has a method, generated from the spec where no hand-written one adds more. <see cref="SendAsync"/> and
/// <see cref="ListAsync"/> remain for raw JSON calls.
/// </summary>
public partial class CivisClient
{
    private readonly CivisPipeline _pipeline = null!;

    /// <summary>Creates a client for the default API address with the given key.</summary>
    /// <param name="apiKey">The Civis API key.</param>
    public CivisClient(string apiKey)
        : this(new CivisClientOptions { ApiKey = apiKey })
    {
    }

    /// <summary>Creates a client with its own pooled <see cref="HttpClient"/>.</summary>
    /// <param name="options">The settings; copied, so later changes do not affect the client.</param>
    public CivisClient(CivisClientOptions options)
        : this(CreateHttpClient(), options)
    {
    }

    /// <summary>Creates a client on an existing <see cref="HttpClient"/>, for example one from <c>IHttpClientFactory</c>.</summary>
    /// <param name="httpClient">The HTTP client; its base address and timeout are not used (the options' are).</param>
    /// <param name="options">The settings; copied, so later changes do not affect the client.</param>
    public CivisClient(HttpClient httpClient, CivisClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        var copy = options.Clone();
        copy.Validate();
        _pipeline = new CivisPipeline(httpClient, copy);
        Users = new UsersClient(_pipeline);
        Databases = new DatabasesClient(_pipeline);
        Credentials = new CredentialsClient(_pipeline);
        RemoteHosts = new RemoteHostsClient(_pipeline);
        Scripts = new ScriptsClient(_pipeline);
        Jobs = new JobsClient(_pipeline);
        Files = new FilesClient(_pipeline);
        Imports = new ImportsClient(_pipeline);
        Queries = new QueriesClient(_pipeline);
        JsonValues = new JsonValuesClient(_pipeline);
        Services = new ServicesClient(_pipeline);
        InitializeGeneratedClients(_pipeline);
    }

    /// <summary>For mocking only.</summary>
    protected CivisClient()
    {
    }

    /// <summary>The API address the client calls.</summary>
    public virtual Uri BaseAddress => _pipeline.Options.BaseAddress;

    /// <summary>The rate limit the latest response reported (<c>X-RateLimit-*</c>), or <see langword="null"/> before any.</summary>
    public virtual CivisRateLimit? RateLimit => _pipeline.RateLimit;

    /// <summary>The signed-in user (<c>/users/me</c>).</summary>
    public virtual UsersClient Users { get; } = null!;

    /// <summary>Databases, schemas and tables (<c>/databases</c>).</summary>
    public virtual DatabasesClient Databases { get; } = null!;

    /// <summary>Credentials (<c>/credentials</c>).</summary>
    public virtual CredentialsClient Credentials { get; } = null!;

    /// <summary>Remote hosts (<c>/remote_hosts</c>).</summary>
    public virtual RemoteHostsClient RemoteHosts { get; } = null!;

    /// <summary>Container and SQL scripts and their runs (<c>/scripts</c>).</summary>
    public virtual ScriptsClient Scripts { get; } = null!;

    /// <summary>Any job's runs, logs and outputs (<c>/jobs</c>).</summary>
    public virtual JobsClient Jobs { get; } = null!;

    /// <summary>File uploads and downloads (<c>/files</c>).</summary>
    public virtual FilesClient Files { get; } = null!;

    /// <summary>CSV imports into tables (<c>/imports/files/csv</c>).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "The platform's own name for the resource group; VB callers can still use it.")]
    public virtual ImportsClient Imports { get; } = null!;

    /// <summary>Ad-hoc queries (<c>/queries</c>).</summary>
    public virtual QueriesClient Queries { get; } = null!;

    /// <summary>JSON values, for run outputs (<c>/json_values</c>).</summary>
    public virtual JsonValuesClient JsonValues { get; } = null!;

    /// <summary>Services, their tokens and share links (<c>/services</c>).</summary>
    public virtual ServicesClient Services { get; } = null!;

    /// <summary>
    /// Calls any operation of the API with a JSON body and returns the JSON answer, with the same
    /// timeouts, retries and errors as the typed calls.
    /// </summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="pathAndQuery">The path relative to the base address, with its query, such as <c>reports/12?x=1</c>.</param>
    /// <param name="body">The JSON body, if any.</param>
    /// <param name="idempotent">Marks a POST or PATCH as safe to repeat, so it is retried like a GET; <see langword="null"/> goes by the method.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status, body and headers of the answer.</returns>
    /// <exception cref="CivisApiException">The API answered with an error, did not answer, or answered with a body that is not JSON.</exception>
    public virtual async Task<CivisResponse> SendAsync(HttpMethod method, string pathAndQuery, JsonElement? body = null, bool? idempotent = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentException.ThrowIfNullOrEmpty(pathAndQuery);
        var content = body is { } json ? CivisPipeline.JsonBody(json, CivisJsonContext.Default.JsonElement) : null;
        var request = _pipeline.Request(method, pathAndQuery, content, idempotent);
        using var response = await _pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        JsonElement? element = null;
        if (bytes.Length > 0 && response.StatusCode != HttpStatusCode.NoContent)
        {
            try
            {
                using var document = JsonDocument.Parse(bytes);
                element = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw CivisPipeline.InvalidJson(request, response, e);
            }
        }

        return new CivisResponse(response.StatusCode, element, CivisPipeline.ReadPagination(response), CivisPipeline.ReadRateLimit(response));
    }

    /// <summary>Lists every item of any paged list operation, page by page, as JSON.</summary>
    /// <param name="path">The list's path, such as <c>reports</c>.</param>
    /// <param name="query">Filters in query-string form (<c>a=1&amp;b=2</c>), without <c>limit</c> or <c>page_num</c>.</param>
    /// <param name="pageSize">
    /// Items per page; by default <see cref="CivisTransportOptions.PageSize"/>, or else 50, the smallest
    /// maximum of any list in the API (check the operation's maximum before asking for more).
    /// </param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The items, fetched a page at a time.</returns>
    /// <exception cref="CivisApiException">
    /// A page failed, or the paging cannot be trusted: a page repeats the previous one, a page before the last is
    /// empty, or the totals cannot be true (the walk stops rather than loop or drop items).
    /// </exception>
    public virtual IAsyncEnumerable<JsonElement> ListAsync(string path, string? query = null, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (pageSize is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "The page size must be at least 1.");
        }

        var limit = pageSize ?? _pipeline.Options.Transport.PageSize ?? 50;
        return CivisPager.ListAsync(_pipeline, path, query, limit, CivisJsonContext.Default.ListJsonElement, cancellationToken, ignorePageSizeOption: true);
    }

    /// <summary>Returns the client's address; never its key.</summary>
    public override string ToString() => $"CivisClient({Internal.SafeUrl.Show(_pipeline?.Options.BaseAddress)})";

    private static HttpClient CreateHttpClient()
        => new(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            // The pipeline's per-attempt timeout governs; HttpClient's own would cut long downloads.
            Timeout = Timeout.InfiniteTimeSpan,
        };
}
