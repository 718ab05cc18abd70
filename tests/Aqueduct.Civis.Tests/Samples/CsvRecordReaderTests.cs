using Bikeshare;

namespace Aqueduct.Civis.Tests.Samples;

/// <summary>The bikeshare job's CSV reader (RFC 4180), also when the text arrives one character at a time.</summary>
public sealed class CsvRecordReaderTests
{
    private static async Task<List<string[]>> ReadAllAsync(string text, bool trickle)
    {
        var reader = new CsvRecordReader(trickle ? new TrickleReader(text) : new StringReader(text));
        var records = new List<string[]>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            records.Add([.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetString)]);
        }

        return records;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReadAsync_QuotesDoubledQuotesLineBreaksAndEmptyFields_AreRead(bool trickle)
    {
        var records = await ReadAllAsync("a,\"b,1\",\"say \"\"hi\"\"\"\r\n,\"two\r\nlines\",\r\nlast,x\"y,\"\"", trickle);

        Assert.Equal(3, records.Count);
        Assert.Equal(["a", "b,1", "say \"hi\""], records[0]);
        Assert.Equal(["", "two\r\nlines", ""], records[1]);
        Assert.Equal(["last", "x\"y", ""], records[2]);
    }

    [Theory]
    [InlineData("a,b\n", 1)]
    [InlineData("a,b\r\n", 1)]
    [InlineData("a,b", 1)]
    [InlineData("", 0)]
    [InlineData("a\nb\n", 2)]
    public async Task ReadAsync_LineEndings_GiveOneRecordPerLine(string text, int expected) =>
        Assert.Equal(expected, (await ReadAllAsync(text, trickle: true)).Count);

    [Fact]
    public async Task ReadAsync_UnclosedQuote_FailsNamingTheRecord()
    {
        var exception = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync("a,b\n\"open,c\n", trickle: false));

        Assert.Contains("record 2", exception.Message, StringComparison.Ordinal);
    }

    /// <summary>Hands out one character per read, so every buffer boundary is exercised.</summary>
    private sealed class TrickleReader(string text) : TextReader
    {
        private int position;

        public override ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
        {
            if (position == text.Length || buffer.Length == 0)
            {
                return ValueTask.FromResult(0);
            }

            buffer.Span[0] = text[position++];
            return ValueTask.FromResult(1);
        }
    }
}
