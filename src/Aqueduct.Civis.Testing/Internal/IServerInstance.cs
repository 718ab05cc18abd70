namespace Aqueduct.Civis.Testing.Internal;

/// <summary>A server from one source, owning whatever must be stopped or removed when it is no longer needed.</summary>
internal interface IServerInstance : IAsyncDisposable
{
    /// <summary>The superuser connection string to the maintenance database.</summary>
    string ConnectionString { get; }

    /// <summary>Where the server came from.</summary>
    PostgresServerSource Source { get; }
}
