namespace Aqueduct.Civis.Hosting;

/// <summary>
/// Where the job host looks for <c>.env</c>: the working directory, then each parent up to the repository (or
/// solution) root, the nearest directory holding <c>.git</c> (a directory, or the file of a worktree), a <c>*.sln</c>
/// or a <c>*.slnx</c>. The first <c>.env</c> found wins. Outside any repository only the working directory is looked
/// in, so a stray <c>.env</c> in a home directory is never read.
/// </summary>
/// <param name="Path">The <c>.env</c> found, or <see langword="null"/>.</param>
/// <param name="SearchedDirectories">The directories looked in, nearest first (up to the one where the file was found).</param>
internal sealed record DotEnvSearch(string? Path, IReadOnlyList<string> SearchedDirectories)
{
    /// <summary>Searches from a directory upward.</summary>
    /// <param name="startDirectory">The working directory.</param>
    /// <param name="fileName">The file name looked for, <c>.env</c>.</param>
    public static DotEnvSearch Find(string startDirectory, string fileName = DotEnvFile.DefaultFileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(startDirectory);
        var start = new DirectoryInfo(System.IO.Path.GetFullPath(startDirectory));
        var root = FindRoot(start);
        var searched = new List<string>();
        for (var directory = start; directory is not null; directory = directory.Parent)
        {
            searched.Add(directory.FullName);
            var candidate = System.IO.Path.Combine(directory.FullName, fileName);
            if (File.Exists(candidate) || Directory.Exists(candidate))
            {
                // A directory named .env is found too: reading it then fails with a clear message, not silently.
                return new DotEnvSearch(candidate, searched);
            }

            if (root is null || string.Equals(directory.FullName, root.FullName, StringComparison.Ordinal))
            {
                break;
            }
        }

        return new DotEnvSearch(null, searched);
    }

    /// <summary>The nearest directory, from <paramref name="start"/> upward, that is a repository or solution root.</summary>
    private static DirectoryInfo? FindRoot(DirectoryInfo start)
    {
        for (var directory = start; directory is not null; directory = directory.Parent)
        {
            if (IsRoot(directory))
            {
                return directory;
            }
        }

        return null;
    }

    private static bool IsRoot(DirectoryInfo directory)
    {
        try
        {
            var git = System.IO.Path.Combine(directory.FullName, ".git");
            return Directory.Exists(git) || File.Exists(git)
                || directory.EnumerateFiles("*.sln").Any()
                || directory.EnumerateFiles("*.slnx").Any();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return false; // a directory we may not list is no root we can know of
        }
    }
}
