using System.Text;
using Aqueduct.Civis.Data;
using static Aqueduct.Civis.Tests.Data.TestCsv;

namespace Aqueduct.Civis.Tests.Data;

/// <summary>The one header reader (CsvFiles.ReadStartAsync) and gzip detection (CsvFiles.OpenPlainAsync) both routes use.</summary>
public sealed class CsvStartTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    public async Task ReadStartAsync_OneByteReadsWithBomAndQuotedNewline_ReadsHeaderAndKeepsRest(int bufferSize)
    {
        var csv = "\uFEFF\"a,\r\nb\",c\r\n1,2\r\n";

        var stream = new TrickleStream(Encoding.UTF8.GetBytes(csv));

        var start = await CsvFiles.ReadStartAsync(stream, hasHeader: true, ',', bufferSize, Ct);

        Assert.Equal(["a,\r\nb", "c"], start.Header);
        Assert.Equal(2, start.HeaderLines);
        Assert.Equal("1,2\r\n", await RestAsync(start, stream));
    }

    [Fact]
    public async Task ReadStartAsync_NoHeader_SkipsOnlyTheBom()
    {
        var stream = new TrickleStream(Encoding.UTF8.GetBytes("\uFEFF1,2\n"));

        var start = await CsvFiles.ReadStartAsync(stream, hasHeader: false, ',', 64, Ct);

        Assert.Null(start.Header);
        Assert.Equal(0, start.HeaderLines);
        Assert.Equal("1,2\n", await RestAsync(start, stream));
    }

    [Fact]
    public async Task ReadStartAsync_PartialBomOnly_IsNotSkipped()
    {
        var start = await CsvFiles.ReadStartAsync(new MemoryStream([0xEF, 0xBB]), hasHeader: false, ',', 64, Ct);

        Assert.Equal([0xEF, 0xBB], start.Rest.ToArray());
    }

    [Fact]
    public async Task ReadStartAsync_HeaderLongerThanBuffer_GrowsAndReadsIt()
    {
        var name = new string('n', 100_000);

        var start = await CsvFiles.ReadStartAsync(new MemoryStream(Encoding.UTF8.GetBytes($"{name};x\n1;2\n")), hasHeader: true, ';', 1024, Ct);

        Assert.Equal([name, "x"], start.Header);
        Assert.Equal("1;2\n", Encoding.UTF8.GetString(start.Rest.Span));
    }

    [Fact]
    public async Task ReadStartAsync_EndlessHeader_ThrowsAfterLimitWithoutReadingOn()
    {
        var endless = new EndlessStream((byte)'x');

        var error = await Assert.ThrowsAsync<CsvDataException>(() => CsvFiles.ReadStartAsync(endless, hasHeader: true, ',', 4096, Ct));

        Assert.Contains("longer than 1 MiB", error.Message, StringComparison.Ordinal);
        Assert.InRange(endless.BytesRead, CsvFiles.MaxHeaderBytes, 4L * CsvFiles.MaxHeaderBytes);
    }

    [Theory]
    [InlineData("", "no header line")]
    [InlineData("\r\n1\r\n", "no header line")]
    [InlineData("a,\"b", "unclosed double quote")]
    public async Task ReadStartAsync_MissingOrTruncatedHeader_ThrowsCsvDataException(string csv, string reason)
    {
        var error = await Assert.ThrowsAsync<CsvDataException>(() =>
            CsvFiles.ReadStartAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), hasHeader: true, ',', 64, Ct));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CsvCompression.Auto, true)]
    [InlineData(CsvCompression.Gzip, true)]
    public async Task OpenPlainAsync_GzipOnForwardOnlyStream_DecompressesAndSaysGzip(CsvCompression compression, bool expected)
    {
        var (plain, gzip) = await CsvFiles.OpenPlainAsync(new TrickleStream(Gzip("a\n1\n")), compression, Ct);
        await using (plain)
        {
            var start = await CsvFiles.ReadStartAsync(plain, hasHeader: true, ',', 64, Ct);

            Assert.Equal(expected, gzip);
            Assert.Equal(["a"], start.Header);
            Assert.Equal("1\n", await RestAsync(start, plain));
        }
    }

    [Theory]
    [InlineData(CsvCompression.Auto)]
    [InlineData(CsvCompression.None)]
    public async Task OpenPlainAsync_PlainText_PassesBytesThrough(CsvCompression compression)
    {
        var (plain, gzip) = await CsvFiles.OpenPlainAsync(new TrickleStream("\u001fa\n"u8.ToArray()), compression, Ct);
        await using (plain)
        {
            var all = new MemoryStream();
            await plain.CopyToAsync(all, Ct);

            Assert.False(gzip);
            Assert.Equal("\u001fa\n"u8.ToArray(), all.ToArray());
        }
    }

    [Fact]
    public async Task ReadAsync_TruncatedGzip_ThrowsCsvDataException()
    {
        var cut = Gzip(string.Concat(Enumerable.Range(0, 1000).Select(i => $"{i}\n")))[..^8];
        var (plain, _) = await CsvFiles.OpenPlainAsync(new MemoryStream(cut), CsvCompression.Auto, Ct);
        await using (plain)
        {
            var buffer = new byte[65536];

            var error = await Assert.ThrowsAsync<CsvDataException>(async () =>
            {
                while (await CsvFiles.ReadAsync(plain, buffer, Ct) > 0)
                {
                }
            });

            Assert.Contains("gzip", error.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>What a route reads after the header: the bytes read past it, then the rest of the stream.</summary>
    private static async Task<string> RestAsync(CsvStart start, Stream stream)
    {
        var rest = new MemoryStream();
        rest.Write(start.Rest.Span);
        await stream.CopyToAsync(rest, Ct);
        return Encoding.UTF8.GetString(rest.ToArray());
    }
}
