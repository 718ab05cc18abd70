using System.Buffers;
using System.Net.Http.Headers;
using Aqueduct.Civis.Api.Internal;

namespace Aqueduct.Civis.Api;

/// <summary>Files: upload (in one form post or in parallel parts) and download as a stream (<c>/files</c>).</summary>
public class FilesClient
{
    private const int MaxParts = 10_000;
    private readonly CivisPipeline _pipeline = null!;

    internal FilesClient(CivisPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking only.</summary>
    protected FilesClient()
    {
    }

    /// <summary>Creates a file and its presigned upload form (<c>POST /files</c>); <see cref="UploadAsync"/> does the rest.</summary>
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
    /// (<c>GET /files/{id}</c>, then its <c>fileUrl</c>). Dispose the stream when done.
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
        var response = await _pipeline.SendAsync(
            new CivisRequest { Method = HttpMethod.Get, Uri = uri, DisplayPath = uri.AbsolutePath, IsCivisApi = false, BufferContent = false },
            cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Uploads content as a new file and returns its id. Content smaller than
    /// <see cref="CivisClientOptions.MultipartThreshold"/> goes in one presigned form post; larger
    /// content goes in parts sent in parallel, each retried, and a part that still fails fails the
    /// whole upload with <see cref="CivisUploadException"/> without completing it.
    /// </summary>
    /// <param name="content">The content, read from its current position. A stream that cannot seek is first spooled to a temporary file.</param>
    /// <param name="name">The file's name on the platform.</param>
    /// <param name="expiresAt">When the platform may delete the file; <see langword="null"/> keeps the platform's default of 30 days.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The new file's id.</returns>
    public virtual async Task<int> UploadAsync(Stream content, string name, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!content.CanSeek)
        {
            var spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            await using (spool.ConfigureAwait(false))
            {
                await content.CopyToAsync(spool, cancellationToken).ConfigureAwait(false);
                spool.Position = 0;
                return await UploadAsync(spool, name, expiresAt, cancellationToken).ConfigureAwait(false);
            }
        }

        var start = content.Position;
        var length = content.Length - start;
        if (length >= _pipeline.Options.MultipartThreshold)
        {
            return await UploadMultipartAsync(content, start, length, name, expiresAt, cancellationToken).ConfigureAwait(false);
        }

        var file = await CreateAsync(new FileCreateRequest { Name = name, ExpiresAt = expiresAt }, cancellationToken).ConfigureAwait(false);
        if (file.Id is not { } fileId || string.IsNullOrEmpty(file.UploadUrl))
        {
            throw new InvalidOperationException("The platform created the file but gave no id or upload URL.");
        }

        var uploadUri = new Uri(file.UploadUrl);
        var fields = file.UploadFields is { ValueKind: System.Text.Json.JsonValueKind.Object } uploadFields
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

                    var file = new StreamContent(new NonClosingStream(content));
                    file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    form.Add(file, "file", name);
                    return form;
                },
            },
            cancellationToken).ConfigureAwait(false);
        return fileId;
    }

    /// <summary>The part size for a given total: <c>max(sqrt(minimum × size), minimum)</c> (minimum 5 MiB by default), enough for at most 10,000 parts.</summary>
    internal static long PartSize(long length, long minimum)
    {
        var size = Math.Max((long)Math.Ceiling(Math.Sqrt((double)minimum * length)), minimum);
        return Math.Max(size, (length + MaxParts - 1) / MaxParts);
    }

    private async Task<int> UploadMultipartAsync(Stream content, long start, long length, string name, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        var partSize = PartSize(length, _pipeline.Options.MinPartSize);
        if (partSize > Array.MaxLength)
        {
            throw new NotSupportedException($"A {length}-byte upload needs parts of {partSize} bytes; parts over 2 GB are not supported.");
        }

        var partCount = (int)((length + partSize - 1) / partSize);
        var created = await _pipeline.SendAsync(
            HttpMethod.Post, "files/multipart",
            new MultipartFileCreateRequest { Name = name, NumParts = partCount, ExpiresAt = expiresAt },
            CivisJsonContext.Default.MultipartFileCreateRequest, CivisJsonContext.Default.MultipartFileCreateResponse, cancellationToken).ConfigureAwait(false);
        if (created.Id is not { } fileId || created.UploadUrls is not { } urls || urls.Count != partCount)
        {
            throw new InvalidOperationException($"The platform created the multipart file but gave {created.UploadUrls?.Count ?? 0} upload URLs for {partCount} parts.");
        }

        using var readLock = new SemaphoreSlim(1, 1);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _pipeline.Options.MaxParallelUploads, CancellationToken = cancellationToken };
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, partCount), parallel, async (index, ct) =>
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
                    try
                    {
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
                    catch (CivisApiException e)
                    {
                        throw new CivisUploadException(
                            $"Part {index + 1} of {partCount} of file {fileId} ('{name}') failed: {e.Message} The upload was abandoned and not completed.",
                            fileId, index + 1, partCount, e);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }).ConfigureAwait(false);
        }
        catch (AggregateException e) when (e.InnerExceptions.OfType<CivisUploadException>().FirstOrDefault() is { } first)
        {
            throw first;
        }

        await _pipeline.SendAsync(HttpMethod.Post, $"files/multipart/{fileId}/complete", cancellationToken).ConfigureAwait(false);
        return fileId;
    }
}
