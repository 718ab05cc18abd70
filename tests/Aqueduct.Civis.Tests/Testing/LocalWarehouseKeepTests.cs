using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Aqueduct.Civis.Testing;
using Aqueduct.Civis.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Aqueduct.Civis.Tests.Testing;

/// <summary>
/// The local warehouse tells the truth: a kept one outlives its process and is reused, then removed; ports come from
/// AQUEDUCT_LOCAL_WAREHOUSE_PORT; a server it did not start is never said to be stopped; its URIs open in psql. Real
/// servers from the machine's PostgreSQL binaries.
/// </summary>
public sealed class LocalWarehouseKeepTests(PostgresServerFixture serverFixture) : IDisposable
{
    private readonly string keptDirectory = Path.Combine(Path.GetTempPath(), "aqueduct-kept-test-" + Path.GetRandomFileName().Replace(".", "", StringComparison.Ordinal));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        // A failed test must not leave a server running.
        LocalWarehouse.RemoveKeptAsync(Variables(), cancellationToken: CancellationToken.None).GetAwaiter().GetResult();
    }

    private Func<string, string?> Variables(params (string Name, string Value)[] more)
    {
        var all = more.ToDictionary(v => v.Name, v => (string?)v.Value, StringComparer.Ordinal);
        all[PostgresServerEnvironment.KeptDirectoryVariable] = keptDirectory;
        return name => all.GetValueOrDefault(name);
    }

    [Fact]
    public async Task StartAsync_KeptTwice_SecondRunReusesTheServerAndItsRows_RemoveStopsIt()
    {
        var variables = Variables((LocalWarehouseOptions.KeepVariable, "1"));
        string firstUri;
        await using (var first = await LocalWarehouse.StartAsync(new LocalWarehouseOptions { GetEnvironmentVariable = variables }, Cancel))
        {
            firstUri = first.PostgresUri;
            await ExecuteAsync(first.PostgresUri, "create table kept (id int primary key); insert into kept values (1)");
        }

        // Disposed, yet still running: the next run finds it.
        Assert.Equal(1L, await ScalarAsync(firstUri, "select count(*) from kept"));
        await using (var second = await LocalWarehouse.StartAsync(new LocalWarehouseOptions { GetEnvironmentVariable = variables }, Cancel))
        {
            Assert.Equal(firstUri, second.PostgresUri);
            Assert.Equal(1L, await ScalarAsync(second.PostgresUri, "select count(*) from kept"));
        }

        Assert.True(await LocalWarehouse.RemoveKeptAsync(variables, cancellationToken: Cancel));

        Assert.False(Directory.Exists(keptDirectory));
        await Assert.ThrowsAnyAsync<Exception>(() => ScalarAsync(firstUri, "select 1"));
        Assert.False(await LocalWarehouse.RemoveKeptAsync(variables, cancellationToken: Cancel), "nothing left to remove");
    }

    [Fact]
    public async Task StartAsync_KeptServerStopped_StartsItAgainWithItsData()
    {
        var variables = Variables((LocalWarehouseOptions.KeepVariable, "1"));
        string uri;
        await using (var first = await LocalWarehouse.StartAsync(new LocalWarehouseOptions { GetEnvironmentVariable = variables }, Cancel))
        {
            uri = first.RedshiftUri;
            await ExecuteAsync(uri, "create table kept (id int); insert into kept values (7)");
        }

        // Stopped behind its back (pg_ctl stop, a reboot): a fast shutdown; the data directory stays.
        var pidFile = Path.Combine(keptDirectory, "data", "postmaster.pid");
        var pid = File.ReadLines(pidFile).First().Trim();
        using (var kill = Process.Start("kill", ["-INT", pid]))
        {
            await kill.WaitForExitAsync(Cancel);
        }

        for (var waited = 0; File.Exists(pidFile) && waited < 300; waited++)
        {
            await Task.Delay(100, Cancel);
        }

        Assert.False(File.Exists(pidFile), "the kept server did not stop");

        await using var second = await LocalWarehouse.StartAsync(new LocalWarehouseOptions { GetEnvironmentVariable = variables }, Cancel);

        Assert.Equal(7, await ScalarAsync(second.RedshiftUri, "select id from kept"));
    }

    [Fact]
    public async Task StartAsync_KeptDirectoryHoldsGarbage_StartsAfresh()
    {
        Directory.CreateDirectory(keptDirectory);
        await File.WriteAllTextAsync(Path.Combine(keptDirectory, "warehouse.json"), "{ truncated", Cancel);

        await using var warehouse = await LocalWarehouse.StartAsync(
            new LocalWarehouseOptions { GetEnvironmentVariable = Variables((LocalWarehouseOptions.KeepVariable, "1")) }, Cancel);

        Assert.Equal(1, await ScalarAsync(warehouse.PostgresUri, "select 1"));
    }

    [Fact]
    public async Task StartAsync_PortRange_ListensOnAPortOfTheRange()
    {
        var port = FreePort();
        var options = new LocalWarehouseOptions { GetEnvironmentVariable = Variables(
            (PostgresServerEnvironment.SourceVariable, "binaries"), (PostgresServerEnvironment.PortVariable, $"{port}-{port}")) };

        await using var warehouse = await LocalWarehouse.StartAsync(options, Cancel);

        Assert.Equal(port, PostgresUri.Parse(warehouse.PostgresUri).Port);
    }

    [Fact]
    public async Task StartAsync_EveryPortOfTheRangeTaken_FailsNamingTheRangeAndVariable()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var options = new LocalWarehouseOptions { GetEnvironmentVariable = Variables(
            (PostgresServerEnvironment.SourceVariable, "binaries"), (PostgresServerEnvironment.PortVariable, port.ToString(System.Globalization.CultureInfo.InvariantCulture))) };

        var ex = await Assert.ThrowsAsync<PostgresServerException>(() => LocalWarehouse.StartAsync(options, Cancel));

        Assert.Contains($"every port of {port} (AQUEDUCT_LOCAL_WAREHOUSE_PORT) is taken", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("55x")]
    [InlineData("5600-5500")]
    [InlineData("0")]
    [InlineData("70000")]
    [InlineData("5500-")]
    [InlineData("1-2-3")]
    public async Task StartAsync_MalformedPort_FailsNamingTheVariable(string value)
    {
        var options = new LocalWarehouseOptions { GetEnvironmentVariable = Variables(
            (PostgresServerEnvironment.SourceVariable, "binaries"), (PostgresServerEnvironment.PortVariable, value)) };

        var ex = await Assert.ThrowsAsync<PostgresServerException>(() => LocalWarehouse.StartAsync(options, Cancel));

        Assert.Contains($"AQUEDUCT_LOCAL_WAREHOUSE_PORT is '{value}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposeAsync_ServerItDidNotStart_NeverSaysStopped()
    {
        var server = await serverFixture.GetServerAsync();
        var log = new ListLogger();
        var options = new LocalWarehouseOptions
        {
            Logger = log,
            GetEnvironmentVariable = Variables((PostgresServerEnvironment.UriVariable, server.ConnectionString)),
        };

        await (await LocalWarehouse.StartAsync(options, Cancel)).DisposeAsync();

        Assert.DoesNotContain(log.Lines, l => l.Contains("stopped", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(log.Lines, l => l.Contains("left running", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PostgresUri_AsPrinted_OpensInPsql()
    {
        var server = await serverFixture.GetServerAsync();
        await using var warehouse = await LocalWarehouse.StartAsync(
            new LocalWarehouseOptions { GetEnvironmentVariable = Variables((PostgresServerEnvironment.UriVariable, server.ConnectionString)) }, Cancel);
        var psql = await PsqlAsync();

        var start = new ProcessStartInfo(psql) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { warehouse.PostgresUri, "-At", "-c", "select current_database()" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(Cancel);
        var error = await process.StandardError.ReadToEndAsync(Cancel);
        await process.WaitForExitAsync(Cancel);

        Assert.True(process.ExitCode == 0, error);
        Assert.Equal(PostgresUri.Parse(warehouse.PostgresUri).Database, output.Trim());
    }

    private static Task<string> PsqlAsync()
    {
        var candidates = (System.Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Concat(Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending(StringComparer.Ordinal).Select(d => Path.Combine(d, "bin")) : [])
            .Select(d => Path.Combine(d, "psql"));
        var psql = candidates.FirstOrDefault(File.Exists);
        Assert.True(psql is not null, "psql is not on PATH nor in /usr/lib/postgresql/*/bin: install the PostgreSQL client");
        return Task.FromResult(psql!);
    }

    private static async Task ExecuteAsync(string uri, string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(PostgresUri.Parse(uri).ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(Cancel);
    }

    private static async Task<object?> ScalarAsync(string uri, string sql)
    {
        var settings = PostgresUri.Parse(uri);
        settings.Pooling = false;
        await using var dataSource = NpgsqlDataSource.Create(settings.ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        return await command.ExecuteScalarAsync(Cancel);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class ListLogger : ILogger
    {
        private readonly List<string> lines = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (lines)
                {
                    return [.. lines];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (lines)
            {
                lines.Add(formatter(state, exception));
            }
        }
    }
}
