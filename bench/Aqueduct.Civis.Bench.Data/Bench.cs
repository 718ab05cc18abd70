using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Aqueduct.Civis.Bench.Data;

/// <summary>Runs each load and export next to psql's \copy on the same server, best of N runs each, and prints ratios.</summary>
internal sealed class Bench(string connectionString, string directory, Options options)
{
    private readonly NpgsqlConnectionStringBuilder settings = new(connectionString);

    public async Task RunAsync()
    {
        var csv = Path.Combine(directory, "trips.csv");
        var generated = Stopwatch.StartNew();
        TripsCsv.Generate(csv, options.Rows);
        Console.WriteLine($"generated {options.Rows:N0} rows, {new FileInfo(csv).Length / 1e6:N1} MB in {generated.Elapsed.TotalSeconds:N1} s: {csv}");
        Console.WriteLine($"psql: {Run("psql", "--version").Trim()}; best of {options.Repeat} runs each; ratio = ours rows/s ÷ psql rows/s");
        Console.WriteLine();

        await using var db = NpgsqlDataSource.Create(connectionString);
        // 1. CSV → table with a primary key: psql \copy vs LoadCsvAsync(Append). The psql table also feeds the exports.
        // psql and ours take turns, so both see the same load on a shared machine.
        double CopyWithPsql()
        {
            Recreate(db, "trips_psql");
            return Psql($"\\copy trips_psql FROM '{csv}' WITH (FORMAT csv, HEADER)");
        }

        var psqlCopy = CopyWithPsql();
        if (options.Only is null or "load")
        {
            var append = BestStep(() =>
            {
                psqlCopy = Math.Min(psqlCopy, CopyWithPsql());
                Recreate(db, "trips_append");
                return ("load", "trips_append", "Append", csv);
            });
            Report("CSV load, Append (table with primary key)", psqlCopy, append, 0.9);

            // 2. 99% of the rows already there (unchanged, as in a daily re-run): InsertIgnore and Upsert, against plain \copy.
            foreach (var mode in new[] { "InsertIgnore", "Upsert" })
            {
                var merged = BestStep(() =>
                {
                    Recreate(db, "trips_merge");
                    Execute(db, "INSERT INTO trips_merge SELECT * FROM trips_psql WHERE trip_id % 100 <> 0; ANALYZE trips_merge; CHECKPOINT");
                    return ("load", "trips_merge", mode, csv);
                });
                Report($"CSV load, {mode} (99% of keys exist)", psqlCopy, merged, 0.5);
            }
        }

        if (options.Only is null or "export")
        {
            // 3. Export: psql \copy (query) TO vs ExportCsvAsync, at 10% of the rows and at all of them (memory must stay flat).
            var output = Path.Combine(directory, "export.csv");
            foreach (var rows in new[] { options.Rows / 10, options.Rows })
            {
                var query = $"SELECT * FROM trips_psql WHERE trip_id < {1_000_000 + rows}";
                var psqlExport = double.MaxValue;
                var export = BestStep(() =>
                {
                    psqlExport = Math.Min(psqlExport, Psql($"\\copy ({query}) TO '{output}' WITH (FORMAT csv, HEADER)"));
                    return ("export", query, "", output);
                });
                Report($"CSV export, {rows:N0} rows", psqlExport, export, 0.9);
            }
        }
    }

    private static void Report(string name, double psqlSeconds, (double Seconds, long Peak, long Rows) ours, double target)
    {
        var ratio = psqlSeconds / ours.Seconds;
        Console.WriteLine(
            $"{name,-46} psql {ours.Rows / psqlSeconds,10:N0} rows/s ({psqlSeconds,6:N2} s)   ours {ours.Rows / ours.Seconds,10:N0} rows/s ({ours.Seconds,6:N2} s)" +
            $"   ratio {ratio,5:N2} (target ≥ {target:N1}: {(ratio >= target ? "met" : "MISSED")})   peak {ours.Peak / 1048576.0,6:N0} MB");
    }

    private (double Seconds, long Peak, long Rows) BestStep(Func<(string Step, string Table, string Mode, string File)> prepare)
    {
        var runs = new List<(double Seconds, long Peak, long Rows)>();
        for (var i = 0; i < options.Repeat; i++)
        {
            var (step, table, mode, file) = prepare();
            var output = RunSelf(step, table, mode, file).Trim().Split(' ');
            runs.Add((double.Parse(output[0], CultureInfo.InvariantCulture), long.Parse(output[1], CultureInfo.InvariantCulture), long.Parse(output[2], CultureInfo.InvariantCulture)));
        }

        var best = runs.MinBy(r => r.Seconds);
        return (best.Seconds, runs.Max(r => r.Peak), best.Rows);
    }

    private string RunSelf(string step, string table, string mode, string file)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(Bench).Assembly.Location);
        }

        foreach (var a in new[] { "--step", step, "--table", table, "--mode", mode, "--file", file })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["AQUEDUCT_BENCH_CONNECTION"] = connectionString;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"step {step} {mode} failed with exit code {process.ExitCode}");
    }

    private double Psql(string command)
    {
        var watch = Stopwatch.StartNew();
        Run("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", command);
        return watch.Elapsed.TotalSeconds;
    }

    private string Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["PGHOST"] = settings.Host;
        start.Environment["PGPORT"] = settings.Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["PGDATABASE"] = settings.Database;
        start.Environment["PGUSER"] = settings.Username;
        start.Environment["PGPASSWORD"] = settings.Password;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{file} failed with exit code {process.ExitCode}");
    }

    private static void Recreate(NpgsqlDataSource db, string table)
    {
        Execute(db, $"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} ({string.Join(", ", TripsCsv.Definition.Columns)}, PRIMARY KEY (trip_id)); CHECKPOINT");
    }

    private static void Execute(NpgsqlDataSource db, string sql)
    {
        using var command = db.CreateCommand(sql);
        command.CommandTimeout = 0;
        command.ExecuteNonQuery();
    }
}
