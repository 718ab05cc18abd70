namespace Aqueduct.Civis.Tests.Data;

public class TableNameTests
{
    [Theory]
    [InlineData("bike_trips", null, "bike_trips")]
    [InlineData("transportation.bike_trips", "transportation", "bike_trips")]
    [InlineData("\"schema.has.periods\".bar", "schema.has.periods", "bar")]
    [InlineData("\"Mixed Case\".\"Table \"\"Q\"\"\"", "Mixed Case", "Table \"Q\"")]
    [InlineData("Transportation.Bike_Trips", "transportation", "bike_trips")]
    [InlineData(" transportation . bike_trips ", "transportation", "bike_trips")]
    [InlineData("\"select\".\"from\"", "select", "from")]
    public void Parse_ValidName_SplitsIntoParts(string text, string? schema, string name)
    {
        var table = TableName.Parse(text);
        Assert.Equal(schema, table.Schema);
        Assert.Equal(name, table.Name);
    }

    [Theory]
    [InlineData("ÄB", "Äb")]
    [InlineData("Straße.İstanbul_ÉTÉ", "straße", "İstanbul_ÉtÉ")]
    [InlineData("KELVIN\u212A", "kelvin\u212A")]
    public void Parse_UnquotedNonAscii_FoldsOnlyAsciiLettersAsPostgresDoes(string text, string first, string? second = null)
    {
        var table = TableName.Parse(text);
        Assert.Equal(second is null ? (null, first) : (first, second), (table.Schema, table.Name));
    }

    [Theory]
    [InlineData("a.b.c")]
    [InlineData("\"a\".b.\"c.d\"")]
    public void Parse_MoreThanTwoParts_ThrowsQuotingTheInput(string text)
    {
        var e = Assert.Throws<FormatException>(() => TableName.Parse(text));
        Assert.Contains($"'{text}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("3 parts", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".table")]
    [InlineData("schema.")]
    [InlineData("\"\".table")]
    [InlineData("\"unterminated.table")]
    [InlineData("\"a\"b.table")]
    [InlineData("sch\"ema.table")]
    public void Parse_Malformed_ThrowsFormatException(string text)
    {
        var e = Assert.Throws<FormatException>(() => TableName.Parse(text));
        Assert.Contains($"'{text}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Malformed_ReturnsFalse()
    {
        Assert.False(TableName.TryParse("a.b.c", out var table));
        Assert.Null(table);
        Assert.True(TableName.TryParse("a.b", out table));
        Assert.Equal(new TableName("a", "b"), table);
    }

    [Theory]
    [InlineData("bike_trips", "\"bike_trips\"")]
    [InlineData("transportation.bike_trips", "\"transportation\".\"bike_trips\"")]
    [InlineData("\"schema.has.periods\".bar", "\"schema.has.periods\".\"bar\"")]
    [InlineData("\"we\"\"ird\".\"Ta ble\"", "\"we\"\"ird\".\"Ta ble\"")]
    public void ToString_Always_QuotesEveryPart(string text, string sql)
    {
        Assert.Equal(sql, TableName.Parse(text).ToString());
    }

    [Fact]
    public void ToString_ParsedBack_GivesTheSameName()
    {
        var table = new TableName("a.\"b\"", "C d");
        Assert.Equal(table, TableName.Parse(table.ToString()));
    }

    [Fact]
    public void Constructor_EmptyPart_Throws()
    {
        Assert.Throws<ArgumentException>(() => new TableName("", "t"));
        Assert.Throws<ArgumentException>(() => new TableName("s", ""));
    }

    [Fact]
    public void ColumnDefinition_TypeWithSqlInjection_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ColumnDefinition("x", "int; drop table y"));
        Assert.Equal("\"Trip \"\"Id\"\"\" integer NOT NULL", new ColumnDefinition("Trip \"Id\"", "integer", nullable: false).ToString());
    }

    [Fact]
    public void TableDefinition_KeyNotAColumn_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => new TableDefinition([new("a", "int")], primaryKey: ["b"]));
        Assert.Contains("b", e.Message, StringComparison.Ordinal);
    }
}
