using System.Net.Sockets;
using Aqueduct.Civis.Testing;
using Aqueduct.Civis.Tests.Infrastructure;
using Npgsql;

namespace Aqueduct.Civis.Tests.Testing;

public sealed class PostgresServerTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartAsync_SharedServer_AnswersSelectVersion()
    {
        await using var command = db.DataSource.CreateCommand("select version()");

        var version = (string?)await command.ExecuteScalarAsync(Cancel);

        Assert.StartsWith("PostgreSQL ", version, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateDatabaseAsync_TwoDatabases_AreDistinctAndIsolated()
    {
        var first = await db.Server.CreateDatabaseAsync("isolation", Cancel);
        var second = await db.Server.CreateDatabaseAsync("isolation", Cancel);
        try
        {
            Assert.NotEqual(DatabaseOf(first), DatabaseOf(second));
            await using (var a = NpgsqlDataSource.Create(first))
            {
                await a.CreateCommand("create table only_in_first (id int); insert into only_in_first values (1)").ExecuteNonQueryAsync(Cancel);
            }

            await using var b = NpgsqlDataSource.Create(second);
            var seen = await b.CreateCommand("select to_regclass('only_in_first') is not null").ExecuteScalarAsync(Cancel);
            Assert.Equal(false, seen);
        }
        finally
        {
            await db.Server.DropDatabaseAsync(DatabaseOf(first), Cancel);
            await db.Server.DropDatabaseAsync(DatabaseOf(second), Cancel);
        }
    }

    [Fact]
    public async Task CreateDatabaseAsync_AwkwardPrefix_NameIsLowerCaseIdentifier()
    {
        var connectionString = await db.Server.CreateDatabaseAsync("My Tests.Class-1 ✓", Cancel);
        var name = DatabaseOf(connectionString);
        try
        {
            Assert.Matches("^my_tests_class_1_[0-9a-f]{16}$", name);
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(Cancel);
            Assert.Equal(name, connection.Database);
        }
        finally
        {
            await db.Server.DropDatabaseAsync(name, Cancel);
        }
    }

    [Fact]
    public async Task DropDatabaseAsync_OpenConnection_DropsDatabase()
    {
        var connectionString = await db.Server.CreateDatabaseAsync("dropped", Cancel);
        await using var open = new NpgsqlConnection(connectionString);
        await open.OpenAsync(Cancel);

        await db.Server.DropDatabaseAsync(DatabaseOf(connectionString), Cancel);

        Assert.False(await DatabaseExistsAsync(DatabaseOf(connectionString)));
    }

    [Fact]
    public async Task DropDatabaseAsync_MaintenanceDatabase_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => db.Server.DropDatabaseAsync("postgres", Cancel));
    }

    [Fact]
    public async Task OpenAsync_WrongPassword_IsRejected()
    {
        var wrong = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Password = "not-the-password-" + Guid.NewGuid(), Pooling = false };
        await using var connection = new NpgsqlConnection(wrong.ConnectionString);

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync(Cancel));

        // 28P01 is invalid_password: the server really checks passwords (other tests rely on that).
        Assert.Equal(PostgresErrorCodes.InvalidPassword, error.SqlState);
    }

    [Fact]
    public void ToString_Server_NamesSourceButNotPassword()
    {
        var password = new NpgsqlConnectionStringBuilder(db.Server.ConnectionString).Password;

        var text = db.Server.ToString();

        Assert.False(string.IsNullOrEmpty(password));
        Assert.DoesNotContain(password, text, StringComparison.Ordinal);
        Assert.Contains(db.Server.Source.ToString(), text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres://postgres:S3cret%21Pass@127.0.0.1:1/postgres", "S3cret!Pass")]
    [InlineData("Host=127.0.0.1;Port=1;Username=postgres;Password=S3cret!Pass", "S3cret!Pass")]
    [InlineData("Host=127.0.0.1;Password=S3cret!Pass;Nonsense", "S3cret!Pass")]
    public async Task StartAsync_UnusableUri_ErrorDoesNotRevealPassword(string uri, string password)
    {
        var options = new PostgresServerOptions
        {
            GetEnvironmentVariable = Environment(uri: uri),
            StartTimeout = TimeSpan.FromSeconds(10),
        };

        var error = await Assert.ThrowsAsync<PostgresServerException>(() => PostgresServer.StartAsync(options, Cancel));

        Assert.Contains(PostgresServerEnvironment.UriVariable, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(password, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("S3cret%21Pass", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_ForcedBinariesMissing_MessageSaysHowToProvideServer()
    {
        var missing = Path.Combine(Path.GetTempPath(), "aqueduct-no-such-bin-" + Guid.NewGuid().ToString("N"));
        var options = new PostgresServerOptions
        {
            Source = PostgresServerSource.LocalBinaries,
            BinDirectory = missing,
            GetEnvironmentVariable = Environment(),
        };

        var error = await Assert.ThrowsAsync<PostgresServerException>(() => PostgresServer.StartAsync(options, Cancel));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("binaries", error.Message, StringComparison.Ordinal);
        Assert.Contains(PostgresServerEnvironment.UriVariable, error.Message, StringComparison.Ordinal);
        Assert.Contains("Docker", error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install postgresql", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_SourceVariableUriWithoutUri_MessageSaysToSetUri()
    {
        var options = new PostgresServerOptions { GetEnvironmentVariable = Environment(source: "uri") };

        var error = await Assert.ThrowsAsync<PostgresServerException>(() => PostgresServer.StartAsync(options, Cancel));

        Assert.Contains($"{PostgresServerEnvironment.UriVariable} is not set", error.Message, StringComparison.Ordinal);
        Assert.Contains(PostgresServerEnvironment.SourceVariable, error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install postgresql", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_UnknownSourceVariable_NamesVariable()
    {
        var options = new PostgresServerOptions { GetEnvironmentVariable = Environment(source: "kubernetes") };

        var error = await Assert.ThrowsAsync<PostgresServerException>(() => PostgresServer.StartAsync(options, Cancel));

        Assert.Contains(PostgresServerEnvironment.SourceVariable, error.Message, StringComparison.Ordinal);
        Assert.Contains("binaries", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StartAsync_UriVariableSet_UsesExistingServerAndDropsOnlyItsDatabases(bool asUri)
    {
        var shared = new NpgsqlConnectionStringBuilder(db.Server.ConnectionString);
        var value = asUri
            ? $"postgresql://{Uri.EscapeDataString(shared.Username!)}:{Uri.EscapeDataString(shared.Password!)}@{shared.Host}:{shared.Port}/postgres"
            : db.Server.ConnectionString;
        var options = new PostgresServerOptions { GetEnvironmentVariable = Environment(uri: value) };

        string created;
        await using (var existing = await PostgresServer.StartAsync(options, Cancel))
        {
            Assert.Equal(PostgresServerSource.ExistingServer, existing.Source);
            created = DatabaseOf(await existing.CreateDatabaseAsync("existing", Cancel));
            Assert.True(await DatabaseExistsAsync(created));
        }

        Assert.False(await DatabaseExistsAsync(created));
        Assert.True(await DatabaseExistsAsync(db.DatabaseName));
    }

    [Fact]
    public async Task DisposeAsync_CalledTwice_IsHarmless()
    {
        var options = new PostgresServerOptions { GetEnvironmentVariable = Environment(uri: db.Server.ConnectionString) };
        var existing = await PostgresServer.StartAsync(options, Cancel);

        await existing.DisposeAsync();
        await existing.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => existing.CreateDatabaseAsync(cancellationToken: Cancel));
    }

    [Fact]
    public async Task DisposeAsync_SeparateServer_StopsServerAndRemovesDirectory()
    {
        // A second server of the machine's own kind (Docker or binaries), never the shared one or a URI.
        var options = new PostgresServerOptions
        {
            GetEnvironmentVariable = name => name is PostgresServerEnvironment.UriVariable or PostgresServerEnvironment.SourceVariable
                ? null
                : System.Environment.GetEnvironmentVariable(name),
        };
        var server = await PostgresServer.StartAsync(options, Cancel);
        var builder = new NpgsqlConnectionStringBuilder(server.ConnectionString);
        string? dataDirectory;
        await using (var dataSource = NpgsqlDataSource.Create(server.ConnectionString))
        {
            dataDirectory = (string?)await dataSource.CreateCommand("show data_directory").ExecuteScalarAsync(Cancel);
        }

        var root = server.Source == PostgresServerSource.LocalBinaries ? Path.GetDirectoryName(dataDirectory) : null;
        if (root is not null)
        {
            Assert.True(Directory.Exists(root));
        }

        await server.DisposeAsync();

        Assert.NotEqual(PostgresServerSource.ExistingServer, server.Source);
        using var probe = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => probe.ConnectAsync(builder.Host!, builder.Port, Cancel).AsTask());
        if (root is not null)
        {
            Assert.False(Directory.Exists(root), $"{root} is still there after dispose");
        }
    }

    private static string DatabaseOf(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Database!;

    private async Task<bool> DatabaseExistsAsync(string name)
    {
        await using var command = db.DataSource.CreateCommand("select exists (select from pg_database where datname = $1)");
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        return (bool)(await command.ExecuteScalarAsync(Cancel))!;
    }

    /// <summary>An environment holding only the given variables, so tests never touch the process environment.</summary>
    private static Func<string, string?> Environment(string? uri = null, string? source = null) =>
        name => name switch
        {
            PostgresServerEnvironment.UriVariable => uri,
            PostgresServerEnvironment.SourceVariable => source,
            _ => null,
        };
}
