using Aqueduct.Civis.Bench;

// Benchmarks, one subcommand each: dotnet run -c Release --project bench/Aqueduct.Civis.Bench -- <name>
var benchmarks = new Dictionary<string, (string Description, Func<string[], Task<int>> Run)>(StringComparer.OrdinalIgnoreCase)
{
    ["api"] = ("Civis API client against the fake API: paging requests and concurrency", ApiBenchmark.RunAsync),
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var benchmark))
{
    Console.Error.WriteLine("usage: Aqueduct.Civis.Bench <benchmark> [options]");
    foreach (var (name, (description, _)) in benchmarks)
    {
        Console.Error.WriteLine($"  {name,-10} {description}");
    }

    return 2;
}

return await benchmark.Run(args[1..]);
