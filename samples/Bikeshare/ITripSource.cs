namespace Bikeshare;

/// <summary>Where the trips come from: Tableau's CSV export of the view, or a file holding one.</summary>
public interface ITripSource
{
    /// <summary>Opens the long-form CSV export, hands it to <paramref name="read"/>, and closes it (signing out where there was a sign-in).</summary>
    /// <typeparam name="T">What <paramref name="read"/> makes of it.</typeparam>
    /// <param name="read">Reads the CSV (plain UTF-8 text).</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>What <paramref name="read"/> returned.</returns>
    Task<T> ReadAsync<T>(Func<Stream, CancellationToken, Task<T>> read, CancellationToken cancellationToken = default);
}
