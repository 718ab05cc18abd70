using Aqueduct.Civis.Tests.Infrastructure;
using Npgsql;

namespace Aqueduct.Civis.Tests.Warehouse;

/// <summary>Roles whose passwords hold every awkward character, created once for the class.</summary>
public sealed class OracleRolesFixture(PostgresServerFixture server) : PostgresDatabaseFixture(server)
{
    internal static readonly string[] Passwords =
    [
        "at@sign",
        "colon:inside",
        "slash/inside",
        "question?mark",
        "hash#mark",
        "[brackets]",
        "percent%25literal%",
        "plus+plus",
        "amp&and=equals",
        "with space",
        " leading and trailing ",
        "double\"quote",
        "single'quote",
        "back\\slash",
        "ünïcødé € 東京 𝄞",
        "all @:/?#[]%+&= \"'\\ é",
    ];

    private readonly string prefix = "aq_oracle_" + Guid.NewGuid().ToString("N")[..8] + "_";

    /// <summary>The role whose password is <c>Passwords[index]</c>.</summary>
    public string RoleName(int index) => prefix + index;

    protected override async Task SeedAsync(NpgsqlDataSource dataSource)
    {
        for (var i = 0; i < Passwords.Length; i++)
        {
            // The server quotes the password itself (format %L), so nothing here can mis-escape it.
            await using var command = dataSource.CreateCommand("SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', $1::text, $2::text)");
            command.Parameters.Add(new NpgsqlParameter { Value = RoleName(i) });
            command.Parameters.Add(new NpgsqlParameter { Value = Passwords[i] });
            var create = (string)(await command.ExecuteScalarAsync())!;
            await using var run = dataSource.CreateCommand(create);
            await run.ExecuteNonQueryAsync();
        }
    }

    protected override async Task CleanUpServerAsync(NpgsqlDataSource serverDataSource)
    {
        for (var i = 0; i < Passwords.Length; i++)
        {
            await using var drop = serverDataSource.CreateCommand($"DROP ROLE IF EXISTS \"{RoleName(i)}\"");
            await drop.ExecuteNonQueryAsync();
        }
    }
}
