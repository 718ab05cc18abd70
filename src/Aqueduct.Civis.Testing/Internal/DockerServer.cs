using System.Security.Cryptography;
using DotNet.Testcontainers.Builders;
using Microsoft.Extensions.Logging;
using Testcontainers.PostgreSql;

namespace Aqueduct.Civis.Testing.Internal;

/// <summary>A PostgreSQL container started through Testcontainers; dispose removes it.</summary>
internal sealed class DockerServer : IServerInstance
{
    private readonly PostgreSqlContainer container;

    private DockerServer(PostgreSqlContainer container)
    {
        this.container = container;
        ConnectionString = container.GetConnectionString();
    }

    /// <inheritdoc />
    public string ConnectionString { get; }

    /// <inheritdoc />
    public PostgresServerSource Source => PostgresServerSource.Docker;

    /// <summary>Starts a container from <paramref name="imageName"/> on a random host port.</summary>
    /// <exception cref="SourceUnavailableException">No Docker engine answers, or the container did not start.</exception>
    public static async Task<DockerServer> StartAsync(string imageName, ILogger logger, CancellationToken cancellationToken = default)
    {
        PostgreSqlContainer container;
        try
        {
            // Build() finds the Docker endpoint and throws at once when no engine answers, so an absent daemon costs
            // no more than Testcontainers' endpoint probe.
            container = new PostgreSqlBuilder(imageName)
                .WithUsername("postgres")
                .WithPassword(RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 32))
                .WithDatabase("postgres")
                .WithLogger(logger)
                .Build();
        }
        catch (DockerUnavailableException ex)
        {
            throw new SourceUnavailableException("no Docker engine answers (" + Summarize(ex.Message) + ")", ex);
        }

        try
        {
            await container.StartAsync(cancellationToken).ConfigureAwait(false);
            return new DockerServer(container);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await container.DisposeAsync().ConfigureAwait(false);
            throw new SourceUnavailableException($"the container from {imageName} did not start: {FirstLine(ex.Message)}", ex);
        }
        catch
        {
            await container.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops and removes the container.</summary>
    public ValueTask DisposeAsync() => container.DisposeAsync();

    /// <summary>Testcontainers' first line plus the endpoints it tried, which its message lists after "Details:".</summary>
    private static string Summarize(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var details = lines.SkipWhile(l => !l.StartsWith("Details:", StringComparison.Ordinal)).Skip(1).Distinct();
        return string.Join(" ", [FirstLine(message), .. details]);
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
