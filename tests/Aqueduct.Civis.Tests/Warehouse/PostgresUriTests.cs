using Npgsql;

namespace Aqueduct.Civis.Tests.Warehouse;

public class PostgresUriTests
{
    [Fact]
    public void Parse_MockEnvironmentUri_ReadsEveryPart()
    {
        var b = PostgresUri.Parse("postgres://ita:secret@postgres:5432/ita");
        Assert.Equal(("postgres", 5432, "ita", "ita", "secret"), (b.Host, b.Port, b.Database, b.Username, b.Password));
    }

    [Fact]
    public void Parse_PostgresqlScheme_IsAccepted() => Assert.Equal("h", PostgresUri.Parse("postgresql://h/db").Host);

    [Fact]
    public void Parse_NoPort_DefaultsTo5432() => Assert.Equal(5432, PostgresUri.Parse("postgresql://u@h/db").Port);

    [Fact]
    public void Parse_OnlyScheme_LeavesEverythingToDefaults()
    {
        var b = PostgresUri.Parse("postgresql://");
        Assert.Null(b.Host);
        Assert.Null(b.Username);
        Assert.Null(b.Password);
        Assert.Null(b.Database);
        Assert.Equal(5432, b.Port);
    }

    [Fact]
    public void Parse_UserWithoutPassword_HasNoPassword()
    {
        var b = PostgresUri.Parse("postgresql://me@localhost");
        Assert.Equal("me", b.Username);
        Assert.Null(b.Password);
    }

    [Fact]
    public void Parse_PercentEncodedParts_AreDecodedAsUtf8()
    {
        var b = PostgresUri.Parse("postgresql://us%40er:p%40ss%3Aw%2Frd%3F%23%5B%5D%25%2B%26%3D%20%22%27%5C%C3%A9%E2%82%AC@db.example:6543/my%20db");
        Assert.Equal("us@er", b.Username);
        Assert.Equal("p@ss:w/rd?#[]%+&= \"'\\é€", b.Password);
        Assert.Equal("my db", b.Database);
        Assert.Equal(6543, b.Port);
    }

    [Fact]
    public void Parse_Plus_StaysAPlus() => Assert.Equal("a+b", PostgresUri.Parse("postgresql://u:a+b@h/d").Password);

    [Fact]
    public void Parse_RawColonInPassword_SplitsAtTheFirstColon() =>
        Assert.Equal("pa:ss", PostgresUri.Parse("postgresql://u:pa:ss@h/d").Password);

    [Fact]
    public void Parse_LowerCaseHex_IsAccepted() => Assert.Equal("a/b", PostgresUri.Parse("postgresql://u:a%2fb@h").Password);

    [Fact]
    public void Parse_IPv6Host_IsUnbracketed()
    {
        var b = PostgresUri.Parse("postgresql://u@[::1]:5433/d");
        Assert.Equal("::1", b.Host);
        Assert.Equal(5433, b.Port);
    }

    [Fact]
    public void Parse_IPv6HostWithoutPort_DefaultsPort()
    {
        var b = PostgresUri.Parse("postgresql://[2001:db8::7]/d");
        Assert.Equal("2001:db8::7", b.Host);
        Assert.Equal(5432, b.Port);
    }

    [Fact]
    public void Parse_SocketDirectoryHost_IsDecoded() =>
        Assert.Equal("/var/run/postgresql", PostgresUri.Parse("postgresql://%2Fvar%2Frun%2Fpostgresql/db").Host);

    [Fact]
    public void Parse_SeveralHosts_BecomeNpgsqlHostList() =>
        Assert.Equal("h1:5432,h2:5433,[::1]:5434", PostgresUri.Parse("postgresql://h1,h2:5433,[::1]:5434/db").Host);

    [Fact]
    public void Parse_QueryParameters_MapToNpgsqlSettings()
    {
        var b = PostgresUri.Parse("postgresql://h/d?sslmode=verify-full&connect_timeout=10&application_name=my%20job&options=-c%20search_path%3Dx&target_session_attrs=read-write&keepalives_idle=30&sslrootcert=%2Fca.pem&client_encoding=UTF8");
        Assert.Equal(SslMode.VerifyFull, b.SslMode);
        Assert.Equal(10, b.Timeout);
        Assert.Equal("my job", b.ApplicationName);
        Assert.Equal("-c search_path=x", b.Options);
        Assert.Equal("read-write", b.TargetSessionAttributes);
        Assert.Equal(30, b.TcpKeepAliveTime);
        Assert.Equal("/ca.pem", b.RootCertificate);
        Assert.Equal("UTF8", b.ClientEncoding);
    }

    [Fact]
    public void Parse_QueryOverridesParts_AsLibpqDoes()
    {
        var b = PostgresUri.Parse("postgresql:///?host=h&port=7&dbname=d&user=u&password=p");
        Assert.Equal(("h", 7, "d", "u", "p"), (b.Host, b.Port, b.Database, b.Username, b.Password));
    }

    [Theory]
    [InlineData("disable", SslMode.Disable)]
    [InlineData("allow", SslMode.Allow)]
    [InlineData("prefer", SslMode.Prefer)]
    [InlineData("require", SslMode.Require)]
    [InlineData("verify-ca", SslMode.VerifyCA)]
    [InlineData("verify-full", SslMode.VerifyFull)]
    public void Parse_SslModes_AreMapped(string name, SslMode mode) =>
        Assert.Equal(mode, PostgresUri.Parse("postgresql://h/d?sslmode=" + name).SslMode);

    [Fact]
    public void Parse_SslTrue_MeansRequire() => Assert.Equal(SslMode.Require, PostgresUri.Parse("postgresql://h/d?ssl=true").SslMode);

    [Fact]
    public void Parse_UnknownParameters_ThrowNamingEveryOne()
    {
        var e = Assert.Throws<FormatException>(() => PostgresUri.Parse("postgresql://h/d?sslmode=require&foo=1&bar=2"));
        Assert.Contains("'foo', 'bar'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mysql://h/d")]
    [InlineData("Host=h;Database=d")]
    [InlineData("postgresql://h:notaport/d")]
    [InlineData("postgresql://h:0/d")]
    [InlineData("postgresql://h:70000/d")]
    [InlineData("postgresql://[::1/d")]
    [InlineData("postgresql://h/d?sslmode=sometimes")]
    [InlineData("postgresql://h/d?connect_timeout=soon")]
    [InlineData("postgresql://h/d?novalue")]
    [InlineData("postgresql://u:bad%zzpw@h/d")]
    [InlineData("postgresql://u:bad%0@h/d")]
    [InlineData("postgresql://u:nul%00@h/d")]
    [InlineData("postgresql://u:%C3%28@h/d")]
    public void Parse_Malformed_ThrowsFormatException(string uri) => Assert.Throws<FormatException>(() => PostgresUri.Parse(uri));

    [Fact]
    public void Parse_BadPasswordEncoding_MessageDoesNotContainThePassword()
    {
        var e = Assert.Throws<FormatException>(() => PostgresUri.Parse("postgresql://u:TopSecret%zz@h/d"));
        Assert.DoesNotContain("TopSecret", e.Message, StringComparison.Ordinal);
        Assert.Contains("password", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_ValidAndInvalid()
    {
        Assert.True(PostgresUri.TryParse("postgres://h/d", out var b));
        Assert.Equal("d", b.Database);
        Assert.False(PostgresUri.TryParse("nope", out _));
        Assert.False(PostgresUri.TryParse(null, out _));
    }

    [Fact]
    public void IsUri_DistinguishesUrisFromConnectionStrings()
    {
        Assert.True(PostgresUri.IsUri("postgres://x"));
        Assert.True(PostgresUri.IsUri("POSTGRESQL://x"));
        Assert.False(PostgresUri.IsUri("Host=x"));
        Assert.False(PostgresUri.IsUri(null));
    }

    [Fact]
    public void Format_AwkwardPassword_PercentEncodesPerRfc3986()
    {
        var uri = PostgresUri.Format("db.example", 5432, "my db", "us@er", "p@ss word+/?#é");
        Assert.Equal("postgresql://us%40er:p%40ss%20word%2B%2F%3F%23%C3%A9@db.example/my%20db", uri);
    }

    [Fact]
    public void Format_NonDefaultPortAndIPv6_AreWritten()
    {
        Assert.Equal("postgresql://u@[::1]:6000/d", PostgresUri.Format("::1", 6000, "d", "u"));
        Assert.Equal("postgresql://h", PostgresUri.Format("h"));
    }

    [Fact]
    public void Format_SslModeAndApplicationName_GoToTheQuery()
    {
        var b = new NpgsqlConnectionStringBuilder { Host = "h", Database = "d", SslMode = SslMode.Require, ApplicationName = "my job" };
        Assert.Equal("postgresql://h/d?sslmode=require&application_name=my%20job", PostgresUri.Format(b));
    }

    [Theory]
    [InlineData("p@ss:w/rd?#[]%+&= \"'\\é€ 𝄞")]
    [InlineData("plain")]
    [InlineData(" leading and trailing ")]
    public void FormatThenParse_RoundTripsEveryPart(string password)
    {
        var uri = PostgresUri.Format("db.example", 5439, "da/ta base", "us:er@x", password);
        var b = PostgresUri.Parse(uri);
        Assert.Equal(("db.example", 5439, "da/ta base", "us:er@x", password), (b.Host, b.Port, b.Database, b.Username, b.Password));
    }
}
