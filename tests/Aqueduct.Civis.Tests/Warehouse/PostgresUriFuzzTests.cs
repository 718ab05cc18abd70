using System.Text;

namespace Aqueduct.Civis.Tests.Warehouse;

/// <summary>
/// Thousands of generated URIs (fixed seed) that hold a known password in every place and encoding a
/// person might put it, mangled at random: no exception message may contain any 4-character piece of it.
/// </summary>
public sealed class PostgresUriFuzzTests
{
    private const string Password = "Qx7!Wz@9/Kv?#Jm:Rt%&=Yb+";
    private const int Cases = 5000;

    private static readonly string[] Fragments =
        [.. Enumerable.Range(0, Password.Length - 3).Select(i => Password.Substring(i, 4)).Distinct(StringComparer.Ordinal)];

    private static readonly string[] Junk = ["%", "%z", "%0", "%00", "%C3%28", "[", "]", ":", "/", "?", "#", "&", "=", "@", ",", " ", "+", "é", "\0", "%2F", "%40"];

    [Fact]
    public void Parse_GeneratedInputsHoldingAPassword_NoMessageContainsAPieceOfIt()
    {
        var random = new Random(20260104);
        var failures = new List<string>();
        var rejected = 0;
        for (var i = 0; i < Cases; i++)
        {
            var uri = Generate(random);
            try
            {
                PostgresUri.Parse(uri);
            }
            catch (FormatException e)
            {
                rejected++;
                if (Fragments.FirstOrDefault(f => e.Message.Contains(f, StringComparison.Ordinal)) is { } leaked)
                {
                    failures.Add($"case {i}: the message holds '{leaked}': {e.Message}");
                }
            }
            catch (Exception e)
            {
                failures.Add($"case {i}: {e.GetType().Name} instead of FormatException (leak check: {Fragments.Any(f => e.Message.Contains(f, StringComparison.Ordinal))}) at {e.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(System.Environment.NewLine, failures.Take(20)));
        Assert.True(rejected > Cases / 4, $"only {rejected} of {Cases} inputs were rejected: the generator no longer exercises the error paths");
    }

    private static string Generate(Random random)
    {
        var password = Pick(random, Password, Uri.EscapeDataString(Password), PartlyEncoded(random, Password), Password[..(random.Next(Password.Length) + 1)]);
        var user = Pick(random, "u", "", "us:er", "us%40er", password);
        var userInfo = random.Next(6) switch
        {
            0 => "",
            1 => user + "@",
            2 => ":" + password + "@",
            _ => user + ":" + password + "@",
        };
        var hosts = string.Join(",", Enumerable.Range(0, random.Next(1, 4)).Select(_ => Pick(random, "h", "db.example", "[::1]", "[2001:db8::1", "%2Ftmp", "", password)
            + Pick(random, "", "", ":5432", ":", ":0", ":70000", ":" + password, ":12a")));
        var database = Pick(random, "", "/", "/d", "/my%20db", "/" + password, "/%zz");
        var parameters = Enumerable.Range(0, random.Next(4)).Select(_ => Pick(random,
            "password=" + password, "sslmode=require", "sslmode=" + password, "port=" + password, "connect_timeout=" + password,
            "application_name=a%20b", password + "=1", password, "user=" + password, "target_session_attrs=" + password,
            "load_balance_hosts=" + password, "keepalives=" + password, "ssl=" + password, "sslpassword=" + password, "password=" + password + "=x"));
        var query = random.Next(3) == 0 ? "" : "?" + string.Join("&", parameters);
        var uri = new StringBuilder(Pick(random, "postgresql://", "postgres://", "POSTGRESQL://", "postgresql:/", "mysql://")
            + userInfo + hosts + database + query);

        // Mangle it: insert, drop or swap a few characters.
        for (var edits = random.Next(4); edits > 0; edits--)
        {
            var at = random.Next(uri.Length + 1);
            switch (random.Next(3))
            {
                case 0:
                    uri.Insert(at, Junk[random.Next(Junk.Length)]);
                    break;
                case 1 when at < uri.Length:
                    uri.Remove(at, 1);
                    break;
                default:
                    uri.Insert(at, password);
                    break;
            }
        }

        return uri.ToString();
    }

    private static string PartlyEncoded(Random random, string text) =>
        string.Concat(text.Select(c => random.Next(2) == 0 ? c.ToString() : string.Concat(Encoding.UTF8.GetBytes(c.ToString()).Select(b => random.Next(2) == 0 ? $"%{b:X2}" : $"%{b:x2}"))));

    private static string Pick(Random random, params string[] choices) => choices[random.Next(choices.Length)];
}
