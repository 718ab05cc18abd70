using Aqueduct.Civis.Api.Models;

namespace Aqueduct.Civis.Api;

/// <summary>Credentials (<c>/credentials</c>).</summary>
public partial class CredentialsClient
{
    private readonly CivisPipeline _pipeline = null!;

    internal CredentialsClient(CivisPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking only.</summary>
    protected CredentialsClient()
    {
    }

    /// <summary>The credentials the user can use (<c>GET /credentials</c>).</summary>
    /// <param name="type">Only credentials of these types, comma-separated (such as <c>Database</c>); <see langword="null"/> for all.</param>
    /// <param name="isDefault">Only the user's default credential of each type.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The credentials.</returns>
    public virtual IAsyncEnumerable<Credential> ListAsync(string? type = null, bool? isDefault = null, CancellationToken cancellationToken = default)
        => CivisPager.ListAsync(_pipeline, "credentials", Paths.Query(("type", type), ("default", isDefault)), 1000, CivisJsonContext.Default.ListCredential, cancellationToken);

    /// <summary>The user's default database credential (<c>GET /credentials?default=true&amp;type=Database</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="InvalidOperationException">The user has no default database credential.</exception>
    public virtual async Task<Credential> GetDefaultDatabaseCredentialAsync(CancellationToken cancellationToken = default)
    {
        await foreach (var credential in ListAsync("Database", true, cancellationToken).ConfigureAwait(false))
        {
            return credential;
        }

        throw new InvalidOperationException("The user has no default database credential. Set one in the platform's credentials page.");
    }
}
