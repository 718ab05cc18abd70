using System.Globalization;

namespace Bikeshare;

/// <summary>The <c>generate</c> command: <c>generate --trips N --out file[.gz] [--seed S]</c>.</summary>
public static class GenerateCommand
{
    /// <summary>Parses the arguments and writes the export.</summary>
    /// <param name="args">The arguments after <c>generate</c>.</param>
    /// <returns>The exit code: 0, or 64 (<c>EX_USAGE</c>) for bad arguments.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int trips = 1_000_000, seed = 2016;
        string? output = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--trips" when int.TryParse(args[i + 1], NumberStyles.Integer | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out trips) && trips >= 0:
                    break;
                case "--seed" when int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out seed):
                    break;
                case "--out":
                    output = args[i + 1];
                    break;
                default:
                    output = null;
                    i = args.Length;
                    break;
            }
        }

        if (output is null || args.Length % 2 != 0)
        {
            await Console.Error.WriteLineAsync("Usage: generate --trips N --out FILE[.gz] [--seed S]  (defaults: 1000000 trips, seed 2016)").ConfigureAwait(false);
            return 64;
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var rows = await TripGenerator.WriteFileAsync(output, trips, seed).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Wrote {trips:N0} trips ({rows:N0} CSV rows, seed {seed}) to {output} in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s"));
        return 0;
    }
}
