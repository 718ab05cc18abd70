using System.Buffers;
using System.Net.Http.Headers;
using Aqueduct.Civis.Api.Models;

namespace Aqueduct.Civis.Api;

/// <summary>Files: upload (in one form post or in parallel parts) and download as a stream (<c>/files</c>).</summary>
public partial class FilesClient
{
    private const int MaxParts = 10_000;
    private readonly CivisPipeline _pipeline = null!;

    internal FilesClient(CivisPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking only.</summary>
    protected FilesClient()
    {
    }

    /// <summary>Creates a file and its presigned upload form (<c>POST /files</c>); <see cref="UploadAsync(Stream, string, DateTimeOffset?, CancellationToken)"/> does the rest.</summary>
    /// <param name="request">The file's name and, optionally, expiry and description.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The file's id, upload URL and form fields.</returns>
    public virtual Task<FileCreateResponse> CreateAsync(FileCreateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _pipeline.SendAsync(HttpMethod.Post, "files", request, CivisJsonContext.Default.FileCreateRequest, CivisJsonContext.Default.FileCreateResponse, cancellationToken);
    }

    /// <summary>A file's details and its download URL (<c>GET /files/{id}</c>).</summary>
    /// <param name="id">The file.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The file.</returns>
    public virtual Task<CivisFile> GetAsync(int id, CancellationToken cancellationToken = default)
        => _pipeline.GetAsync($"files/{id}", CivisJsonContext.Default.CivisFile, cancellationToken);

    /// <summary>
    /// Opens a file's content for reading, straight from storage without buffering it
    /// (<c>GET /files/{id}</c>, then its <c>fileUrl</c>). Dispose the stream when done. The content is not capped
    /// by <see cref="CivisTransportOptions.MaxResponseBodySize"/>, but a read that gets no data within
    /// <see cref="CivisTransportOptions.AttemptTimeout"/> (a stalled download) fails with <see cref="CivisApiException"/>.
    /// </summary>
    /// <param name="id">The file.</param>
    /// <param name="cancellationToken">Cancels opening; reading is cancelled through the stream's own calls.</param>
    /// <returns>The content.</returns>
    public virtual async Task<Stream> OpenReadAsync(int id, CancellationToken cancellationToken = default)
    {
        var file = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(file.FileUrl))
        {
            throw new InvalidOperationException($"File {id} has no download URL (it may not have finished uploading).");
        }

        var uri = new Uri(file.FileUrl);
        var request = new CivisRequest { Method = HttpMethod.Get, Uri = uri, DisplayPath = uri.AbsolutePath, IsCivisApi = false, BufferContent = false };
        var response = await _pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new DownloadStream(response, body, request, _pipeline.Options.Transport.AttemptTimeout, _pipeline.TimeProvider);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Uploads content as a new file and returns its id. Content smaller than
    /// <see cref="CivisUploadOptions.MultipartThreshold"/> goes in one presigned form post; larger
    /// content goes in parts sent in parallel, each retried, and a part that still fails fails the
    /// whole upload with <see cref="CivisUploadException"/> without completing it. When several parts
    /// fail, the exception names the lowest-numbered one, whatever order they failed in.
    /// </summary>
    /// <param name="content">The content, read from its current position. A stream that cannot seek is first spooled to a temporary file.</param>
    /// <param name="name">The file's name on the platform.</param>
    /// <param name="expiresAt">When the platform may delete the file; <see langword="null"/> keeps the platform's default of 30 days.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The new file's id.</returns>
    public virtual Task<int> UploadAsync(Stream content, string name, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return UploadAsync(content, new FileCreateRequest { Name = name, ExpiresAt = expiresAt is { } at ? new CivisOptional<DateTimeOffset?>(at) : default }, cancellationToken);
    }

    /// <summary>
    /// Uploads content as a new file with the name, expiry and description of <paramref name="file"/>, as
    /// <see cref="UploadAsync(Stream, string, DateTimeOffset?, CancellationToken)"/> does. Leave
    /// <see cref="FileCreateRequest.ExpiresAt"/> unset for the platform's default of 30 days, or set it to
    /// <see langword="null"/> for a file that never expires (<c>"expiresAt": null</c> is sent).
    /// </summary>
    /// <param name="content">The content, read from its current position. A stream that cannot seek is first spooled to a temporary file.</param>
    /// <param name="file">The file's name (required), expiry and description.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The new file's id.</returns>
    public virtual async Task<int> UploadAsync(Stream content, FileCreateRequest file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(file);
        if (string.IsNullOrEmpty(file.Name))
        {
            throw new ArgumentException("The file needs a name (FileCreateRequest.Name).", nameof(file));
        }

        var name = file.Name;
        if (!content.CanSeek)
        {
            var spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            await using (spool.ConfigureAwait(false))
            {
                await content.CopyToAsync(spool, cancellationToken).ConfigureAwait(false);
                spool.Position = 0;
                return await UploadAsync(spool, file, cancellationToken).ConfigureAwait(false);
            }
        }

        var start = content.Position;
        var length = content.Length - start;
        if (length >= _pipeline.Options.Uploads.MultipartThreshold)
        {
            return await UploadMultipartAsync(content, start, length, file, cancellationToken).ConfigureAwait(false);
        }

        var created = await CreateAsync(new FileCreateRequest { Name = name, ExpiresAt = file.ExpiresAt, Description = file.Description }, cancellationToken).ConfigureAwait(false);
        if (created.Id is not { } fileId || string.IsNullOrEmpty(created.UploadUrl))
        {
            throw new InvalidOperationException("The platform created the file but gave no id or upload URL.");
        }

        var uploadUri = new Uri(created.UploadUrl);
        var fields = created.UploadFields is { ValueKind: System.Text.Json.JsonValueKind.Object } uploadFields
            ? uploadFields.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value)).ToList()
            : [];
        using var response = await _pipeline.SendAsync(
            new CivisRequest
            {
                Method = HttpMethod.Post,
                Uri = uploadUri,
                DisplayPath = uploadUri.AbsolutePath,
                IsCivisApi = false,
                // Posting the same object to the same presigned key again only overwrites it.
                Idempotent = true,
                Content = () =>
                {
                    content.Position = start;
                    var form = new MultipartFormDataContent();
                    // The storage service wants "key" first and the file last.
                    foreach (var field in fields.OrderBy(f => f.Key == "key" ? 0 : 1))
                    {
                        form.Add(new StringContent(field.Value.ValueKind == System.Text.Json.JsonValueKind.String ? field.Value.GetString()! : field.Value.GetRawText()), field.Key);
                    }

                    var part = new StreamContent(new NonClosingStream(content));
                    part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    form.Add(part, "file", name);
                    return form;
                },
            },
            cancellationToken).ConfigureAwait(false);
        return fileId;
    }

    private static async Task CancelQuietlyAsync(CancellationTokenSource? part)
    {
        if (part is null)
        {
            return;
        }

        try
        {
            await part.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The part finished meanwhile.
        }
    }

    /// <summary>The part size for a given total: <c>max(sqrt(minimum × size), minimum)</c> (minimum 5 MiB by default), enough for at most 10,000 parts.</summary>
    internal static long PartSize(long length, long minimum)
    {
        var size = Math.Max((long)Math.Ceiling(Math.Sqrt((double)minimum * length)), minimum);
        return Math.Max(size, (length + MaxParts - 1) / MaxParts);
    }

    private async Task<int> UploadMultipartAsync(Stream content, long start, long length, FileCreateRequest file, CancellationToken cancellationToken)
    {
        var partSize = PartSize(length, _pipeline.Options.Uploads.MinPartSize);
        if (partSize > Array.MaxLength)
        {
            throw new NotSupportedException($"A {length}-byte upload needs parts of {partSize} bytes; parts over 2 GB are not supported.");
        }

        var partCount = (int)((length + partSize - 1) / partSize);
        var created = await _pipeline.SendAsync(
            HttpMethod.Post, "files/multipart",
            new MultipartFileCreateRequest { Name = file.Name, NumParts = partCount, ExpiresAt = file.ExpiresAt, Description = file.Description },
            CivisJsonContext.Default.MultipartFileCreateRequest, CivisJsonContext.Default.MultipartFileCreateResponse, cancellationToken).ConfigureAwait(false);
        if (created.Id is not { } fileId || created.UploadUrls is not { } urls || urls.Count != partCount)
        {
            throw new InvalidOperationException($"The platform created the multipart file but gave {created.UploadUrls?.Count ?? 0} upload URLs for {partCount} parts.");
        }

        // Parts start in order. A failed part cancels the parts after it and stops new ones, but lets the parts
        // before it finish: so the part reported is always the lowest-numbered part that fails, whatever the timing.
        using var readLock = new SemaphoreSlim(1, 1);
        var failures = new Exception?[partCount];
        var inFlight = new CancellationTokenSource?[partCount];
        var lowestFailure = int.MaxValue;
        var next = -1;

        async Task UploadPartsAsync()
        {
            while (true)
            {
                var index = Interlocked.Increment(ref next);
                if (index >= partCount || index > Volatile.Read(ref lowestFailure))
                {
                    return;
                }

                using var part = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                Interlocked.Exchange(ref inFlight[index], part);
                try
                {
                    if (index > Volatile.Read(ref lowestFailure))
                    {
                        return;
                    }

                    await UploadPartAsync(index, part.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    if (e is OperationCanceledException && part.IsCancellationRequested)
                    {
                        continue; // cancelled by the failure of an earlier part
                    }

                    failures[index] = e;
                    int seen;
                    while (index < (seen = Volatile.Read(ref lowestFailure)) && Interlocked.CompareExchange(ref lowestFailure, index, seen) != seen)
                    {
                    }

                    for (var later = index + 1; later < partCount; later++)
                    {
                        await CancelQuietlyAsync(Volatile.Read(ref inFlight[later])).ConfigureAwait(false);
                    }
                }
                finally
                {
                    Volatile.Write(ref inFlight[index], null);
                }
            }
        }

        async Task UploadPartAsync(int index, CancellationToken ct)
        {
            var offset = index * partSize;
            var size = (int)Math.Min(partSize, length - offset);
            var buffer = ArrayPool<byte>.Shared.Rent(size);
            try
            {
                await readLock.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    content.Position = start + offset;
                    await content.ReadExactlyAsync(buffer.AsMemory(0, size), ct).ConfigureAwait(false);
                }
                finally
                {
                    readLock.Release();
                }

                var uri = new Uri(urls[index]);
                using var response = await _pipeline.SendAsync(
                    new CivisRequest
                    {
                        Method = HttpMethod.Put,
                        Uri = uri,
                        DisplayPath = uri.AbsolutePath,
                        IsCivisApi = false,
                        Content = () => new ByteArrayContent(buffer, 0, size),
                    },
                    ct).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        var workers = new Task[Math.Min(_pipeline.Options.Uploads.MaxParallelUploads, partCount)];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = Task.Run(() => UploadPartsAsync(), CancellationToken.None);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (lowestFailure != int.MaxValue)
        {
            var failure = failures[lowestFailure]!;
            if (failure is CivisApiException api)
            {
                throw new CivisUploadException(
                    $"Part {lowestFailure + 1} of {partCount} of file {fileId} ('{file.Name}') failed: {api.Message} The upload was abandoned and not completed.",
                    fileId, lowestFailure + 1, partCount, api);
            }

            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        await _pipeline.SendAsync(HttpMethod.Post, $"files/multipart/{fileId}/complete", cancellationToken).ConfigureAwait(false);
        return fileId;
    }
}
