namespace Aqueduct.Civis.Api;

/// <summary>
/// A fan-out child failed beyond its retries. The other children were cancelled on the platform; <see cref="Result"/>
/// says what became of each one.
/// </summary>
public sealed class CivisFanOutException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message, naming the failed partitions, their runs and errors.</param>
    /// <param name="result">What became of every child.</param>
    public CivisFanOutException(string message, FanOutResult result)
        : base(message)
    {
        ArgumentNullException.ThrowIfNull(result);
        Result = result;
    }

    /// <summary>What became of every child, in the order of the partitions.</summary>
    public FanOutResult Result { get; }

    /// <summary>The children that failed.</summary>
    public IReadOnlyList<FanOutChild> Failed => [.. Result.Children.Where(c => c.State == FanOutChildState.Failed)];
}
