using Aqueduct.Civis.Api.Models;

namespace Aqueduct.Civis.Api;

/// <summary>The signed-in user (<c>/users</c>).</summary>
public partial class UsersClient
{
    private readonly CivisPipeline _pipeline = null!;

    internal UsersClient(CivisPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking only.</summary>
    protected UsersClient()
    {
    }

    /// <summary>The user the API key belongs to (<c>GET /users/me</c>); a cheap check that the key works.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The user.</returns>
    public virtual Task<CurrentUser> GetMeAsync(CancellationToken cancellationToken = default)
        => _pipeline.GetAsync("users/me", CivisJsonContext.Default.CurrentUser, cancellationToken);
}
