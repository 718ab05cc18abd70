using System.Collections;

namespace Aqueduct.Civis;

/// <summary>
/// The steps of a run, in the order they finished, for the run summary the host prints at the end (and attaches to the
/// run on the platform). A job records through <see cref="CivisJobContext.BeginStep"/> or <see cref="CivisJobContext.Steps"/>;
/// library code takes it from the job's services. Thread-safe.
/// </summary>
public sealed class CivisJobSteps : IReadOnlyList<CivisJobStepResult>
{
    private readonly List<CivisJobStepResult> steps = [];

    /// <summary>The number of steps recorded.</summary>
    public int Count
    {
        get
        {
            lock (steps)
            {
                return steps.Count;
            }
        }
    }

    /// <summary>A recorded step.</summary>
    /// <param name="index">Its position, from 0.</param>
    public CivisJobStepResult this[int index]
    {
        get
        {
            lock (steps)
            {
                return steps[index];
            }
        }
    }

    /// <summary>Begins a step, recorded when it is disposed.</summary>
    /// <param name="name">What the step does, for example <c>load trips</c>.</param>
    /// <returns>The step; set its <see cref="CivisJobStep.Rows"/> and <see cref="CivisJobStep.Bytes"/> before disposing it.</returns>
    public CivisJobStep Begin(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new CivisJobStep(this, name);
    }

    /// <summary>Records a step that has finished.</summary>
    /// <param name="name">What the step did.</param>
    /// <param name="elapsed">How long it took.</param>
    /// <param name="rows">The rows it moved, if it counts them.</param>
    /// <param name="bytes">The bytes it moved, if it counts them.</param>
    public void Record(string name, TimeSpan elapsed, long? rows = null, long? bytes = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(elapsed, TimeSpan.Zero);
        if (rows < 0 || bytes < 0)
        {
            throw new ArgumentOutOfRangeException(rows < 0 ? nameof(rows) : nameof(bytes), "A step cannot move a negative amount.");
        }

        lock (steps)
        {
            steps.Add(new CivisJobStepResult(name, rows, bytes, elapsed));
        }

        JobTelemetry.StepFinished(name, elapsed, rows, bytes);
    }

    /// <summary>The steps recorded so far.</summary>
    /// <returns>An enumerator over a copy.</returns>
    public IEnumerator<CivisJobStepResult> GetEnumerator()
    {
        lock (steps)
        {
            return steps.ToList().GetEnumerator();
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
