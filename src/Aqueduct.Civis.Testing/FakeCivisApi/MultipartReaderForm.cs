using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Aqueduct.Civis.Testing;

/// <summary>Reads a multipart/form-data body into its fields, in order.</summary>
internal sealed class MultipartReaderForm(string? contentType, byte[] body)
{
    public async Task<List<(string Name, byte[] Content)>> ReadAsync()
    {
        var fields = new List<(string, byte[])>();
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var media) || media.Boundary.Value is not { } boundary)
        {
            return fields;
        }

        var reader = new MultipartReader(HeaderUtilities.RemoveQuotes(boundary).Value!, new MemoryStream(body));
        while (await reader.ReadNextSectionAsync().ConfigureAwait(false) is { } section)
        {
            var disposition = ContentDispositionHeaderValue.Parse(section.ContentDisposition);
            using var buffer = new MemoryStream();
            await section.Body.CopyToAsync(buffer).ConfigureAwait(false);
            fields.Add((HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "", buffer.ToArray()));
        }

        return fields;
    }
}
