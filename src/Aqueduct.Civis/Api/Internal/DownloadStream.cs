using System.Globalization;

namespace Aqueduct.Civis.Api.Internal;

/// <summary>
/// A download's body, uncapped but bounded in time: a read that gets no data within the attempt timeout (the server
/// stopped sending) fails with <see cref="CivisApiException"/> instead of waiting for ever. Owns the response.
/// </summary>
internal sealed class DownloadStream(HttpResponseMessage response, Stream inner, CivisRequest request, TimeSpan timeout, TimeProvider timeProvider) : ReadOnlyStream
{
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // A synchronous read cannot be cancelled: a stall aborts the connection under it instead.
        using var stall = new CancellationTokenSource(timeout, timeProvider);
        using var abort = stall.Token.Register(static state => ((HttpResponseMessage)state!).Dispose(), response);
        try
        {
            return inner.Read(buffer);
        }
        catch (Exception e) when (stall.IsCancellationRequested)
        {
            throw Stalled(e);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var stall = new CancellationTokenSource(timeout, timeProvider);
        using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stall.Token) : null;
        try
        {
            return await inner.ReadAsync(buffer, linked?.Token ?? stall.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (stall.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw Stalled(e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            response.Dispose();
        }

        base.Dispose(disposing);
    }

    private CivisApiException Stalled(Exception cause) => new(
        string.Create(CultureInfo.InvariantCulture,
            $"{request.Method.Method} {request.DisplayPath} failed: the download stalled, no data came within {timeout.TotalSeconds:0.###} s (CivisClientOptions.Transport.AttemptTimeout)."),
        0, null, null, request.Method.Method, request.DisplayPath, cause);
}
