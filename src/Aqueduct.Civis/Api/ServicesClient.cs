using Aqueduct.Civis.Api.Models;

namespace Aqueduct.Civis.Api;

/// <summary>Services (hosted apps), their tokens and share links (<c>/services</c>).</summary>
public partial class ServicesClient
{
    private readonly CivisPipeline _pipeline = null!;

    internal ServicesClient(CivisPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking only.</summary>
    protected ServicesClient()
    {
    }

    /// <summary>A service (<c>GET /services/{id}</c>).</summary>
    /// <param name="id">The service.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The service, with its <c>CurrentUrl</c>.</returns>
    public virtual Task<Service> GetAsync(int id, CancellationToken cancellationToken = default)
        => _pipeline.GetAsync($"services/{id}", CivisJsonContext.Default.Service, cancellationToken);

    /// <summary>The services the user can see (<c>GET /services</c>).</summary>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The services.</returns>
    public virtual IAsyncEnumerable<ServiceSummary> ListAsync(CancellationToken cancellationToken = default)
        => CivisPager.ListAsync(_pipeline, "services", null, 50, CivisJsonContext.Default.ListServiceSummary, cancellationToken);

    /// <summary>
    /// Creates a token for a service (<c>POST /services/{id}/tokens</c>). The token's secret is in
    /// the answer only this once. Names are unique per service.
    /// </summary>
    /// <param name="id">The service.</param>
    /// <param name="request">The token's name and, optionally, lifetime in seconds and machine-token flag.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The token, with its secret.</returns>
    public virtual Task<ServiceToken> CreateTokenAsync(int id, ServiceTokenCreateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _pipeline.SendAsync(HttpMethod.Post, $"services/{id}/tokens", request, CivisJsonContext.Default.ServiceTokenCreateRequest, CivisJsonContext.Default.ServiceToken, cancellationToken);
    }

    /// <summary>The tokens of a service, without their secrets (<c>GET /services/{id}/tokens</c>).</summary>
    /// <param name="id">The service.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The tokens.</returns>
    public virtual IAsyncEnumerable<ServiceTokenSummary> ListTokensAsync(int id, CancellationToken cancellationToken = default)
        => CivisPager.ListAsync(_pipeline, $"services/{id}/tokens", null, 0, CivisJsonContext.Default.ListServiceTokenSummary, cancellationToken);

    /// <summary>Revokes a token (<c>DELETE /services/{id}/tokens/{token_id}</c>).</summary>
    /// <param name="id">The service.</param>
    /// <param name="tokenId">The token.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the token is revoked.</returns>
    public virtual Task DeleteTokenAsync(int id, int tokenId, CancellationToken cancellationToken = default)
        => _pipeline.SendAsync(HttpMethod.Delete, $"services/{id}/tokens/{tokenId}", cancellationToken);

    /// <summary>
    /// Creates a token and returns a link that opens the service with it:
    /// <c>currentUrl?civis_service_token=&lt;token&gt;</c>. The link is a secret; treat it like one.
    /// </summary>
    /// <param name="id">The service.</param>
    /// <param name="tokenName">A name for the token, unique for the service.</param>
    /// <param name="expiresIn">How long the token works; <see langword="null"/> for the platform's default.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The share link.</returns>
    public virtual async Task<Uri> CreateShareLinkAsync(int id, string tokenName, TimeSpan? expiresIn = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenName);
        var service = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(service.CurrentUrl))
        {
            throw new InvalidOperationException($"Service {id} has no current URL; is it deployed?");
        }

        var token = await CreateTokenAsync(id, new ServiceTokenCreateRequest { Name = tokenName, ExpiresIn = expiresIn is { } e ? (int)e.TotalSeconds : null }, cancellationToken).ConfigureAwait(false);
        var builder = new UriBuilder(service.CurrentUrl);
        var query = builder.Query.TrimStart('?');
        builder.Query = (query.Length > 0 ? query + "&" : "") + "civis_service_token=" + Uri.EscapeDataString(token.Token ?? "");
        return builder.Uri;
    }
}
