using System.Diagnostics;
using System.Globalization;
using Aqueduct.Civis;
using Aqueduct.Civis.Bench.Data;
using Aqueduct.Civis.Testing;
using Npgsql;

// Usage:
//   dotnet run -c Release --project bench/Aqueduct.Civis.Bench.Data [-- --rows 1000000 --repeat 3 --uri postgres://… --only load|export]
// Without --uri (or AQUEDUCT_BENCH_POSTGRES_URI) it starts a throwaway server like the tests do.
// Every measured operation runs in a child process of this program, so its peak memory is its own.
var options = Options.Parse(args);
if (options.Step is not null)
{
    await Step.RunAsync(options);
    return 0;
}

PostgresServer? server = null;
var connectionString = options.Uri is { } uri ? (PostgresUri.IsUri(uri) ? PostgresUri.Parse(uri).ConnectionString : uri) : null;
if (connectionString is null)
{
    server = await PostgresServer.StartAsync();
    connectionString = server.ConnectionString;
    Console.WriteLine($"server: {server}");
}

var directory = Directory.CreateTempSubdirectory("aqueduct-bench-");
try
{
    var bench = new Bench(connectionString, directory.FullName, options);
    await bench.RunAsync();
}
finally
{
    directory.Delete(recursive: true);
    if (server is not null)
    {
        await server.DisposeAsync();
    }
}

return 0;

internal sealed record Options(int Rows, int Repeat, string? Uri, string? Step, string? File, string? Table, string? Mode, string? ConnectionString, string? Only)
{
    public static Options Parse(string[] args)
    {
        string? Get(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        return new Options(
            int.Parse(Get("--rows") ?? "1000000", CultureInfo.InvariantCulture),
            int.Parse(Get("--repeat") ?? "3", CultureInfo.InvariantCulture),
            Get("--uri") ?? Environment.GetEnvironmentVariable("AQUEDUCT_BENCH_POSTGRES_URI"),
            Get("--step"), Get("--file"), Get("--table"), Get("--mode"), Environment.GetEnvironmentVariable("AQUEDUCT_BENCH_CONNECTION"), Get("--only"));
    }
}

/// <summary>One measured operation, run in its own process; prints "seconds peak-bytes rows".</summary>
internal static class Step
{
    public static async Task RunAsync(Options o)
    {
        await using var dataSource = NpgsqlDataSource.Create(o.ConnectionString!);

        // A job has its data source open already: the first connection (and Npgsql's type loading) is not the load's cost.
        await (await dataSource.OpenConnectionAsync()).DisposeAsync();
        var started = Stopwatch.GetTimestamp();
        long rows;
        if (o.Step == "load")
        {
            var result = await dataSource.LoadCsvAsync(TableName.Parse(o.Table!), new CsvSource(o.File!), Enum.Parse<WriteMode>(o.Mode!), TripsCsv.Definition);
            rows = result.RowsRead;
            Console.Error.WriteLine($"  {result}");
        }
        else
        {
            rows = await dataSource.ExportCsvAsync(o.Table!, o.File!);
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seconds} {self.PeakWorkingSet64} {rows}"));
    }
}
