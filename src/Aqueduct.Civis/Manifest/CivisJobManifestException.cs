namespace Aqueduct.Civis.Manifest;

/// <summary>
/// A job manifest is wrong: the message lists every problem found, each with the file, the line and the key
/// (<see cref="Errors"/>). Nothing is sent to the platform for a manifest that fails.
/// </summary>
public sealed class CivisJobManifestException : Exception
{
    /// <summary>Creates the exception for the given problems.</summary>
    /// <param name="errors">The problems, at least one.</param>
    public CivisJobManifestException(IEnumerable<CivisManifestError> errors)
        : this(Materialize(errors))
    {
    }

    /// <summary>Creates the exception without problems (prefer the constructor taking <see cref="CivisManifestError"/>s).</summary>
    public CivisJobManifestException()
        : this([new CivisManifestError(new CivisManifestLocation(CivisJobManifest.FileName, 1, 1), "(manifest)", "The job manifest is wrong.")])
    {
    }

    /// <summary>Creates the exception with a message of its own.</summary>
    /// <param name="message">The message.</param>
    public CivisJobManifestException(string message)
        : base(message)
    {
        Errors = [];
    }

    /// <summary>Creates the exception with a message of its own and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CivisJobManifestException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    private CivisJobManifestException(IReadOnlyList<CivisManifestError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    /// <summary>Every problem found, in the order of the file.</summary>
    public IReadOnlyList<CivisManifestError> Errors { get; }

    private static List<CivisManifestError> Materialize(IEnumerable<CivisManifestError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var list = errors.ToList();
        return list.Count > 0 ? list : throw new ArgumentException("At least one error is needed.", nameof(errors));
    }

    private static string Describe(IReadOnlyList<CivisManifestError> errors)
    {
        var head = errors.Count == 1
            ? $"The job manifest {errors[0].Location.File} has a problem:"
            : $"The job manifest {errors[0].Location.File} has {errors.Count} problems:";
        return head + System.Environment.NewLine + string.Join(System.Environment.NewLine, errors.Select(e => "  " + e));
    }
}
