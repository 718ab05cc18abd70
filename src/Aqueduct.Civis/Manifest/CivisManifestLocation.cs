using System.Globalization;

namespace Aqueduct.Civis.Manifest;

/// <summary>Where something is in a job manifest: the file, the line and the column (both 1-based).</summary>
/// <param name="File">The manifest's file name or path, as given to <see cref="CivisJobManifest.Load(string)"/> or <see cref="CivisJobManifest.Parse(string, string)"/>.</param>
/// <param name="Line">The line, from 1.</param>
/// <param name="Column">The column, from 1.</param>
public readonly record struct CivisManifestLocation(string File, int Line, int Column)
{
    /// <summary>The location as compilers write it.</summary>
    /// <returns>For example <c>civis-job.yaml:12:5</c>.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}");
}
