using System.Diagnostics;
using System.Globalization;

namespace Aqueduct.Civis.Tests.Shared;

/// <summary>
/// Starts <c>dotnet</c> for a test's child process (the test job, the tool) with SIGINT at its default. A shell that
/// starts a test run in the background (<c>cmd &amp;</c> without job control) ignores SIGINT, the child would inherit
/// that, and .NET keeps an ignored SIGINT ignored; <c>env --default-signal=INT</c> gives the child the default back.
/// Linked into each test project that starts such a process.
/// </summary>
internal static class DotnetProcessStart
{
    /// <summary>A start for <c>dotnet</c>, redirected and without a shell; add the assembly and its arguments next.</summary>
    public static ProcessStartInfo Create(string workingDirectory)
    {
        var resetSigint = SigintIgnoredHere() && File.Exists("/usr/bin/env");
        var startInfo = new ProcessStartInfo(resetSigint ? "/usr/bin/env" : "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (resetSigint)
        {
            startInfo.ArgumentList.Add("--default-signal=INT");
            startInfo.ArgumentList.Add("dotnet");
        }

        return startInfo;
    }

    /// <summary>Whether this process ignores SIGINT (bit 2 of the SigIgn mask in /proc/self/status).</summary>
    private static bool SigintIgnoredHere()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
            return line is not null
                && ulong.TryParse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask)
                && (mask & 0b10) != 0;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
