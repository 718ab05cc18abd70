using System.Diagnostics;
using System.Globalization;
using Aqueduct.Civis;
using Aqueduct.Civis.Bench.Data;
using Aqueduct.Civis.Testing;
using Npgsql;

// Usage:
//   dotnet run -c Release --project bench/Aqueduct.Civis.Bench.Data [-- --rows 100000,1000000 --repeat 2 --uri postgres://… --only truncate,export]
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

internal sealed record Options(
    IReadOnlyList<int> Rows, int Repeat, string? Uri, string? Step, string? File, string? Table, string? Mode, string? ConnectionString,
    IReadOnlyList<string>? Only, int Count)
{
    public static Options Parse(string[] args)
    {
        string? Get(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        return new Options(
            [.. (Get("--rows") ?? "100000,1000000").Split(',').Select(r => int.Parse(r, NumberStyles.AllowThousands, CultureInfo.InvariantCulture))],
            int.Parse(Get("--repeat") ?? "2", CultureInfo.InvariantCulture),
            Get("--uri") ?? Environment.GetEnvironmentVariable("AQUEDUCT_BENCH_POSTGRES_URI"),
            Get("--step"), Get("--file"), Get("--table"), Get("--mode"), Environment.GetEnvironmentVariable("AQUEDUCT_BENCH_CONNECTION"),
            Get("--only")?.Split(','),
            int.Parse(Get("--count") ?? "0", CultureInfo.InvariantCulture));
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
        switch (o.Step)
        {
            case "load":
                var result = await dataSource.LoadCsvAsync(TableName.Parse(o.Table!), new CsvSource(o.File!), Enum.Parse<WriteMode>(o.Mode!), TripsCsv.Definition);
                rows = result.RowsRead;
                break;
            case "typed":
                var typed = await dataSource.LoadAsync(TableName.Parse(o.Table!), TripsCsv.Trips(o.Count), Enum.Parse<WriteMode>(o.Mode!), TripsCsv.Definition);
                rows = typed.RowsRead;
                break;
            case "export":
                rows = await dataSource.ExportCsvAsync(o.Table!, o.File!);
                break;
            case "raw-load":
                // The skilled hand-written reference: the file's bytes into COPY, in one transaction (TRUNCATE first for a replace).
                rows = await RawLoadAsync(dataSource, o);
                break;
            case "raw-export":
                await using (var connection = await dataSource.OpenConnectionAsync())
                using (var copy = (StreamReader)await connection.BeginTextExportAsync($"COPY ({o.Table}) TO STDOUT (FORMAT csv, HEADER)"))
                await using (var file = new FileStream(o.File!, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, useAsync: false))
                {
                    // The raw COPY stream under Npgsql's reader: bytes as the server sent them.
                    await copy.BaseStream.CopyToAsync(file, 1 << 20);
                }

                rows = o.Count;
                break;
            default:
                throw new ArgumentException($"Unknown step '{o.Step}'.");
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seconds} {self.PeakWorkingSet64} {rows}"));
    }

    private static async Task<long> RawLoadAsync(NpgsqlDataSource dataSource, Options o)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        if (o.Mode == "Truncate")
        {
            await using var truncate = new NpgsqlCommand($"TRUNCATE {o.Table}", connection, transaction);
            await truncate.ExecuteNonQueryAsync();
        }

        await using (var copy = (StreamWriter)await connection.BeginTextImportAsync($"COPY {o.Table} FROM STDIN (FORMAT csv, HEADER)"))
        await using (var file = new FileStream(o.File!, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: false))
        {
            // The raw COPY stream under Npgsql's writer: the file's bytes unchanged.
            await file.CopyToAsync(copy.BaseStream, 1 << 20);
        }

        await transaction.CommitAsync();
        return o.Count;
    }
}
