using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Aqueduct.Civis.Bench.Data;

/// <summary>
/// Runs each load and export beside two references on the same server, taking turns (best of N each), and prints one
/// table of ratios: in-process against the skilled hand-written COPY through Npgsql (the file's bytes into the raw
/// COPY stream, in the same kind of child process), whole process against <c>psql \copy</c>.
/// </summary>
internal sealed class Bench(string connectionString, string directory, Options options)
{
    private readonly NpgsqlConnectionStringBuilder settings = new(connectionString);
    private readonly List<string> lines = [];

    /// <summary>One timed run: seconds inside the child (after its first connection), seconds of the whole process, peak bytes, rows.</summary>
    private readonly record struct Run(double Inside, double Whole, long Peak, long Rows);

    public async Task RunAsync()
    {
        Console.WriteLine($"psql: {RunProcess("psql", "--version").Trim()}; best of {options.Repeat} runs each, taking turns");
        Console.WriteLine("in-process = reference seconds ÷ ours, both timed inside a child process after its first connection;");
        Console.WriteLine("whole process = psql \\copy process seconds ÷ our child process seconds (start, connect, work, exit). Above 1 = faster than the reference.");
        await using var db = NpgsqlDataSource.Create(connectionString);
        foreach (var rows in options.Rows)
        {
            var csv = Path.Combine(directory, $"trips-{rows}.csv");
            var generated = Stopwatch.StartNew();
            TripsCsv.Generate(csv, rows);
            Console.WriteLine($"{rows:N0} rows: {new FileInfo(csv).Length / 1e6:N1} MB generated in {generated.Elapsed.TotalSeconds:N1} s");
            Recreate(db, "trips_src");
            Psql($"\\copy trips_src FROM '{csv}' WITH (FORMAT csv, HEADER)");
            Execute(db, "VACUUM ANALYZE trips_src");
            Execute(db, "CHECKPOINT");
            Measure(db, csv, rows);
            File.Delete(csv);
        }

        Console.WriteLine();
        Console.WriteLine($"| path | today (issue 13) | in-process | whole process | rows | load average | peak MB |");
        Console.WriteLine($"|---|---|---|---|---|---|---|");
        foreach (var line in lines)
        {
            Console.WriteLine(line);
        }

        Console.WriteLine();
        Console.WriteLine($"repeat: dotnet run -c Release --project bench/Aqueduct.Civis.Bench.Data -- --rows {string.Join(',', options.Rows)} --repeat {options.Repeat}" +
                          (options.Only is null ? string.Empty : $" --only {string.Join(',', options.Only)}"));
    }

    private bool Wanted(string path) => options.Only is null || options.Only.Any(o => path.Contains(o, StringComparison.OrdinalIgnoreCase));

    private void Measure(NpgsqlDataSource db, string csv, int rows)
    {
        var copyIn = $"\\copy trips FROM '{csv}' WITH (FORMAT csv, HEADER)";
        void Empty() => Recreate(db, "trips");
        void Full()
        {
            Recreate(db, "trips");
            Execute(db, "INSERT INTO trips SELECT * FROM trips_src");
            Execute(db, "VACUUM ANALYZE trips");
            Execute(db, "CHECKPOINT");
        }

        void Most()
        {
            Recreate(db, "trips");
            Execute(db, "INSERT INTO trips SELECT * FROM trips_src WHERE trip_id % 100 <> 0");
            Execute(db, "VACUUM ANALYZE trips");
            Execute(db, "CHECKPOINT");
        }

        // Append: the references every load is held against.
        Run? appendPsql = null, appendRaw = null, appendOurs = null;
        if (Wanted("append") || Wanted("insertignore") || Wanted("upsert") || Wanted("typed"))
        {
            (appendPsql, appendRaw, appendOurs) = Turns(
                (Empty, () => Psql(copyIn)),
                (Empty, () => Self("raw-load", "trips", "Append", csv, rows)),
                (Empty, () => Self("load", "trips", "Append", csv, rows)));
            Report("CSV load, Append (keyed table) vs \\copy", rows == 100_000 ? "1.00 / 0.58 at 100k" : "1.00 (0.89 at 5M) / 0.89", appendRaw!.Value, appendPsql!.Value, appendOurs!.Value, rows);
        }

        foreach (var (mode, today) in new[] { ("Truncate", "not measured"), ("Drop", "not measured") })
        {
            if (!Wanted(mode))
            {
                continue;
            }

            // The daily full reload: the keyed table holds the rows, the file replaces them. The references empty it
            // with TRUNCATE and copy into it, in one transaction, as a careful hand-written reload would.
            var (psql, raw, ours) = Turns(
                (Full, () => Psql("TRUNCATE trips", copyIn)),
                (Full, () => Self("raw-load", "trips", "Truncate", csv, rows)),
                (Full, () => Self("load", "trips", mode, csv, rows)));
            Report($"CSV load, {mode} (keyed table, full) vs TRUNCATE + \\copy", today, raw, psql, ours, rows);
        }

        foreach (var (mode, today) in new[] { ("InsertIgnore", "0.89 / 0.80"), ("Upsert", "0.75 / 0.68") })
        {
            if (Wanted(mode))
            {
                var ours = Best(Most, () => Self("load", "trips", mode, csv, rows));
                Report($"CSV load, {mode} (99% of keys exist) vs \\copy Append", today, appendRaw!.Value, appendPsql!.Value, ours, rows);
            }
        }

        if (Wanted("typed"))
        {
            // Typed rows against our own CSV load of the same data (in-process), and psql \copy of the CSV (whole process).
            var typed = Best(Empty, () => Self("typed", "trips", "Append", csv, rows));
            Report("typed rows LoadAsync<T>, Append vs our CSV load", "0.68-0.75", appendOurs!.Value, appendPsql!.Value, typed, rows);
        }

        if (Wanted("export"))
        {
            var output = Path.Combine(directory, "export.csv");
            const string Query = "SELECT * FROM trips_src";
            var (psql, raw, ours) = Turns(
                (null, () => Psql($"\\copy ({Query}) TO '{output}' WITH (FORMAT csv, HEADER)")),
                (null, () => Self("raw-export", Query, "", output, rows)),
                (null, () => Self("export", Query, "", output, rows)));
            Report("CSV export vs \\copy (query) TO", rows == 100_000 ? "1.14 / 0.36 at 100k" : "1.14 quiet, 0.81 loaded / 0.89", raw, psql, ours, rows);
            File.Delete(output);
        }
    }

    private (Run Psql, Run Raw, Run Ours) Turns(params (Action? Prepare, Func<Run> Measure)[] contestants)
    {
        var runs = contestants.Select(_ => new List<Run>()).ToArray();
        for (var i = 0; i < options.Repeat; i++)
        {
            for (var c = 0; c < contestants.Length; c++)
            {
                contestants[c].Prepare?.Invoke();
                runs[c].Add(contestants[c].Measure());
            }
        }

        Run BestOf(List<Run> r) => r.MinBy(x => x.Inside) with { Whole = r.Min(x => x.Whole), Peak = r.Max(x => x.Peak) };
        return (BestOf(runs[0]), BestOf(runs[1]), BestOf(runs[2]));
    }

    private Run Best(Action prepare, Func<Run> measure)
    {
        var runs = new List<Run>();
        for (var i = 0; i < options.Repeat; i++)
        {
            prepare();
            runs.Add(measure());
        }

        return runs.MinBy(x => x.Inside) with { Whole = runs.Min(x => x.Whole), Peak = runs.Max(x => x.Peak) };
    }

    private void Report(string path, string today, Run reference, Run psql, Run ours, int rows)
    {
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"| {path} | {today} | {reference.Inside / ours.Inside:N2} ({ours.Rows / ours.Inside:N0} rows/s) | {psql.Whole / ours.Whole:N2} ({ours.Whole:N2} s vs {psql.Whole:N2} s) | {rows:N0} | {load} | {ours.Peak / 1048576.0:N0} |");
        lines.Add(line);
        Console.WriteLine(line);
    }

    private Run Self(string step, string table, string mode, string file, int count)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(Bench).Assembly.Location);
        }

        foreach (var a in new[] { "--step", step, "--table", table, "--mode", mode, "--file", file, "--count", count.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["AQUEDUCT_BENCH_CONNECTION"] = connectionString;
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var whole = watch.Elapsed.TotalSeconds;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"step {step} {mode} failed with exit code {process.ExitCode}");
        }

        var parts = output.Trim().Split(' ');
        return new Run(double.Parse(parts[0], CultureInfo.InvariantCulture), whole, long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    /// <summary>Runs psql with the commands in one transaction; the whole process is timed, the inside is the same.</summary>
    private Run Psql(params string[] commands)
    {
        var arguments = new List<string> { "-X", "-q", "-v", "ON_ERROR_STOP=1", "-1" };
        foreach (var c in commands)
        {
            arguments.Add("-c");
            arguments.Add(c);
        }

        var watch = Stopwatch.StartNew();
        RunProcess("psql", [.. arguments]);
        var seconds = watch.Elapsed.TotalSeconds;
        return new Run(seconds, seconds, 0, 0);
    }

    private string RunProcess(string file, params string[] arguments)
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

    private static void Recreate(NpgsqlDataSource db, string table) =>
        Execute(db, $"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} ({string.Join(", ", TripsCsv.Definition.Columns)}, PRIMARY KEY (trip_id)); CHECKPOINT");

    private static void Execute(NpgsqlDataSource db, string sql)
    {
        using var command = db.CreateCommand(sql);
        command.CommandTimeout = 0;
        command.ExecuteNonQuery();
    }
}
