using Aqueduct.Civis.Api.Models;

namespace Aqueduct.Civis.Api;

/// <summary>Remote hosts: databases and other systems the platform connects to (<c>/remote_hosts</c>).</summary>
public partial class RemoteHostsClient
{
    private readonly CivisPipeline _pipeline = null!;

    internal RemoteHostsClient(CivisPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking only.</summary>
    protected RemoteHostsClient()
    {
    }

    /// <summary>The remote hosts the user can see (<c>GET /remote_hosts</c>).</summary>
    /// <param name="type">Only hosts of this type, such as <c>RemoteHostTypes::Redshift</c>.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The remote hosts.</returns>
    public virtual IAsyncEnumerable<RemoteHost> ListAsync(string? type = null, CancellationToken cancellationToken = default)
        => CivisPager.ListAsync(_pipeline, "remote_hosts", Paths.Query(("type", type)), 0, CivisJsonContext.Default.ListRemoteHost, cancellationToken);
}
