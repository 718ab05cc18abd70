using System.IO.Compression;

namespace Bikeshare;

/// <summary>An export saved in a file (gzip-compressed when its name ends in <c>.gz</c>): the bundled fixture in DEV, or a full export for <c>migrate</c>.</summary>
/// <param name="path">The file.</param>
public sealed class FileTripSource(string path) : ITripSource
{
    /// <summary>The 10,000-trip export bundled with the sample, the DEV source.</summary>
    public static string BundledFixture => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "trips-10k.csv.gz");

    /// <summary>The file.</summary>
    public string Path { get; } = path;

    /// <inheritdoc/>
    public async Task<T> ReadAsync<T>(Func<Stream, CancellationToken, Task<T>> read, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        var file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (file.ConfigureAwait(false))
        {
            if (!Path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            {
                return await read(file, cancellationToken).ConfigureAwait(false);
            }

            var gzip = new GZipStream(file, CompressionMode.Decompress);
            await using (gzip.ConfigureAwait(false))
            {
                return await read(gzip, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"the export file {Path}";
}
