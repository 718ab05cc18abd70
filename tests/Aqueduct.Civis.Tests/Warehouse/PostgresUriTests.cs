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
    public void Parse_UnknownParameters_ThrowNamingEveryPositionNotTheText()
    {
        // An unknown name may be a piece of a password with a raw '/' in it, so it is named by position.
        var e = Assert.Throws<FormatException>(() => PostgresUri.Parse("postgresql://h/d?sslmode=require&foo=1&bar=2"));
        Assert.Contains("2, 3", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("foo", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("bar", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownParameterThatDiffersInCase_SuggestsTheKnownName()
    {
        var e = Assert.Throws<FormatException>(() => PostgresUri.Parse("postgresql://h/d?SSLMode=require"));
        Assert.Contains("'sslmode'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RawQuestionMarkAndHashInPassword_AreTheUserInfoAsInLibpq()
    {
        // libpq's user-info ends at the first '@' before any '/': '?' and '#' do not end it.
        var b = PostgresUri.Parse("postgresql://u:Pa?ss#wd@h:6000/d");
        Assert.Equal(("u", "Pa?ss#wd", "h", 6000, "d"), (b.Username, b.Password, b.Host, b.Port, b.Database));
    }

    [Fact]
    public void Parse_RawAtInPassword_UserInfoEndsAtTheFirstAtAndTheHostIsRejected()
    {
        var e = Assert.Throws<FormatException>(() => PostgresUri.Parse("postgresql://u:Se@cretWord@h/d"));
        Assert.DoesNotContain("cretWord", e.Message, StringComparison.Ordinal);
        Assert.Contains("%40", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RawSlashInPassword_IsRejectedWithoutQuotingIt()
    {
        // libpq reads "u" as the host and "Sec" as its port: the message says so without the text.
        var e = Assert.Throws<FormatException>(() => PostgresUri.Parse("postgresql://u:Sec/retWord@h/d"));
        Assert.DoesNotContain("Sec", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("retWord", e.Message, StringComparison.Ordinal);
        Assert.Contains("%2F", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgresql://u:Sec/1234?retWordX@h/d")]
    [InlineData("postgresql://u:5432/retWordX?x=1@h/d")]
    [InlineData("postgresql://h/d?password=retWordX=1")]
    [InlineData("postgresql://h/d?sslmode=retWordX")]
    [InlineData("postgresql://h/d?load_balance_hosts=retWordX")]
    [InlineData("postgresql://h/d?target_session_attrs=retWordX")]
    [InlineData("postgresql://h/d?port=retWordX")]
    [InlineData("postgresql://h:retWordX/d")]
    [InlineData("postgresql://h/d?retWordX")]
    [InlineData("postgresql://h/d?retWordX=1")]
    [InlineData("postgresql://[retWordX/d")]
    [InlineData("postgresql://[::1]retWordX/d")]
    [InlineData("postgresql://u:retWordX\0@h/d")]
    public void Parse_Malformed_MessageNeverQuotesTheText(string uri)
    {
        var e = Assert.Throws<FormatException>(() => PostgresUri.Parse(uri));
        Assert.DoesNotContain("retWord", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SecondEqualsInValue_IsRejectedAsLibpqDoes() =>
        Assert.Throws<FormatException>(() => PostgresUri.Parse("postgresql://h/d?application_name=a=b"));

    [Fact]
    public void Parse_EmptyPort_DefaultsAsLibpqDoes() => Assert.Equal(5432, PostgresUri.Parse("postgresql://h:/d").Port);

    [Fact]
    public void Parse_EmptyIPv6Host_IsRejected() => Assert.Throws<FormatException>(() => PostgresUri.Parse("postgresql://[]:1/d"));

    [Fact]
    public void Format_SeveralHostsWithTheirPorts_WritesEachPort()
    {
        var b = PostgresUri.Parse("postgresql://h1,h2:5433,[::1]:5434/db");
        Assert.Equal("postgresql://h1:5432,h2:5433,[::1]:5434/db", PostgresUri.Format(b));
    }

    [Fact]
    public void Format_EmptyUserNameWithPassword_KeepsThePassword()
    {
        var b = new NpgsqlConnectionStringBuilder { Host = "h", Password = "p w" };
        Assert.Equal("postgresql://:p%20w@h", PostgresUri.Format(b));
        Assert.Equal("p w", PostgresUri.Parse(PostgresUri.Format(b)).Password);
    }

    [Fact]
    public void FormatThenParse_EveryLibpqParameter_RoundTrips()
    {
        var b = EveryParameter();
        var back = PostgresUri.Parse(PostgresUri.Format(b));
        Assert.Equal(string.Join("; ", Settings(b)), string.Join("; ", Settings(back)));
    }

    internal static NpgsqlConnectionStringBuilder EveryParameter() => new()
    {
        Host = "h1:6001,[::1]:6002,h3:5432",
        Port = 5432,
        Database = "d b/x",
        Username = "u@x",
        Password = "p:w/@?#&= ",
        Passfile = "/etc/pg pass",
        Timeout = 7,
        ClientEncoding = "LATIN1",
        Options = "-c search_path=a,b",
        ApplicationName = "app & name",
        TcpKeepAlive = true,
        TcpKeepAliveTime = 30,
        TcpKeepAliveInterval = 5,
        SslMode = SslMode.Disable,
        SslCertificate = "/c/cert.pem",
        SslKey = "/c/key.pem",
        SslPassword = "ssl&pw=",
        RootCertificate = "/c/root.pem",
        SslNegotiation = SslNegotiation.Direct,
        ChannelBinding = ChannelBinding.Disable,
        GssEncryptionMode = GssEncryptionMode.Require,
        KerberosServiceName = "krb svc",
        TargetSessionAttributes = "read-write",
        LoadBalanceHosts = true,
    };

    internal static SortedDictionary<string, string> Settings(NpgsqlConnectionStringBuilder b)
    {
        var copy = new NpgsqlConnectionStringBuilder(b.ConnectionString);
        return new(copy.Keys.Cast<string>().ToDictionary(k => k, k => Convert.ToString(copy[k], System.Globalization.CultureInfo.InvariantCulture) ?? ""), StringComparer.Ordinal);
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
    public void TryParse_ValidInvalidAndNull_ReturnsWhetherItParsed()
    {
        Assert.True(PostgresUri.TryParse("postgres://h/d", out var b));
        Assert.Equal("d", b.Database);
        Assert.False(PostgresUri.TryParse("nope", out _));
        Assert.False(PostgresUri.TryParse(null, out _));
    }

    [Fact]
    public void IsUri_UriOrConnectionString_TellsThemApart()
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
    public void FormatThenParse_EveryPart_RoundTrips(string password)
    {
        var uri = PostgresUri.Format("db.example", 5439, "da/ta base", "us:er@x", password);
        var b = PostgresUri.Parse(uri);
        Assert.Equal(("db.example", 5439, "da/ta base", "us:er@x", password), (b.Host, b.Port, b.Database, b.Username, b.Password));
    }
}
