using System.IO.Compression;
using System.Text;
using Npgsql;

namespace Aqueduct.Civis.Data;

/// <summary>Streams <c>COPY … TO STDOUT</c> output to a stream, byte for byte, optionally through gzip.</summary>
internal static class CsvExporter
{
    private const int BufferSize = 256 * 1024;
    private const int MaxRowGuess = 16 * 1024;

    /// <summary>Runs the COPY and returns the number of CSV records written (a header included).</summary>
    public static async Task<long> ExportAsync(
        NpgsqlDataSource dataSource, string copySql, Stream destination, bool gzip, CommandTimeouts timeouts, CancellationToken cancellationToken)
    {
        var step = "opening a connection";
        try
        {
            var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                // A read-only transaction only to scope the server-side bound to this export (SET LOCAL).
                step = "starting the export";
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    using (var bound = new NpgsqlCommand($"SET LOCAL statement_timeout = {timeouts.Milliseconds}", connection) { CommandTimeout = timeouts.Seconds })
                    {
                        await bound.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    var records = await CopyOutAsync(connection, copySql, destination, gzip, timeouts, s => step = s, cancellationToken).ConfigureAwait(false);
                    step = "finishing the export";
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return records;
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException && CommandTimeouts.IsTimeout(e))
        {
            throw new TimeoutException(
                $"The CSV export timed out after {timeouts.Value} (the command timeout, CsvExportOptions.CommandTimeout) while {step}.", e);
        }
    }

    private static async Task<long> CopyOutAsync(
        NpgsqlConnection connection, string copySql, Stream destination, bool gzip, CommandTimeouts timeouts, Action<string> step, CancellationToken cancellationToken)
    {
        {
            var output = gzip ? new GZipStream(destination, CompressionLevel.Fastest, leaveOpen: true) : destination;
            var scanner = default(CsvScanner);
            var buffer = new byte[BufferSize];
            try
            {
                var reader = await connection.BeginTextExportAsync(copySql, cancellationToken).ConfigureAwait(false);
                step("reading the rows");
                if (reader is NpgsqlCopyTextReader copyReader)
                {
                    copyReader.Timeout = timeouts.Milliseconds;
                }

                try
                {
                    // NpgsqlCopyTextReader is a StreamReader over the raw COPY stream: reading its bytes directly
                    // skips decoding and re-encoding. The fallback decodes if that ever changes.
                    if (reader is StreamReader { BaseStream: { CanRead: true } raw })
                    {
                        // The server sends a message per row: gather many before each write.
                        var filled = 0;
                        int n;
                        do
                        {
                            n = await raw.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                            filled += n;
                            if (filled > 0 && (n == 0 || filled > buffer.Length - MaxRowGuess))
                            {
                                scanner.Scan(buffer.AsSpan(0, filled));
                                await output.WriteAsync(buffer.AsMemory(0, filled), cancellationToken).ConfigureAwait(false);
                                filled = 0;
                            }
                        }
                        while (n > 0);
                    }
                    else
                    {
                        var chars = new char[BufferSize / 4];
                        var encoder = Encoding.UTF8.GetEncoder();
                        int n;
                        while ((n = await reader.ReadAsync(chars, cancellationToken).ConfigureAwait(false)) > 0)
                        {
                            var bytes = encoder.GetBytes(chars.AsSpan(0, n), buffer, flush: false);
                            scanner.Scan(buffer.AsSpan(0, bytes));
                            await output.WriteAsync(buffer.AsMemory(0, bytes), cancellationToken).ConfigureAwait(false);
                        }
                    }
                }
                catch
                {
                    if (reader is NpgsqlCopyTextReader copy)
                    {
                        await CancelQuietlyAsync(copy).ConfigureAwait(false);
                    }

                    throw;
                }
                finally
                {
                    reader.Dispose();
                }
            }
            finally
            {
                if (gzip)
                {
                    await output.DisposeAsync().ConfigureAwait(false);
                }
            }

            await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
            return scanner.Records;
        }
    }

    private static async Task CancelQuietlyAsync(NpgsqlCopyTextReader reader)
    {
        try
        {
            await reader.CancelAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The original failure is what the caller needs.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
