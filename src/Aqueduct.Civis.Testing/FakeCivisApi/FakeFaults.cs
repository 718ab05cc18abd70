namespace Aqueduct.Civis.Testing;

/// <summary>Faults waiting to be injected, in order; each matching request takes the first fault that matches it.</summary>
public sealed class FakeFaults
{
    private readonly List<(FakeFault Fault, int Left, int Skip)> _faults = [];

    /// <summary>Adds a fault after those already waiting.</summary>
    /// <param name="fault">The fault.</param>
    public void Enqueue(FakeFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        lock (_faults)
        {
            _faults.Add((fault, fault.Times, fault.Skip));
        }
    }

    /// <summary>Removes every waiting fault.</summary>
    public void Clear()
    {
        lock (_faults)
        {
            _faults.Clear();
        }
    }

    /// <summary>How many injections are still waiting.</summary>
    public int Pending
    {
        get
        {
            lock (_faults)
            {
                return _faults.Sum(f => f.Left);
            }
        }
    }

    internal FakeFault? Take(string method, string path)
    {
        lock (_faults)
        {
            // The first matching fault that is due strikes; every other matching fault still
            // waiting counts this request as one of those it lets pass.
            FakeFault? strike = null;
            for (var i = 0; i < _faults.Count; i++)
            {
                var (fault, left, skip) = _faults[i];
                if (!fault.Matches(method, path))
                {
                    continue;
                }

                if (skip > 0)
                {
                    _faults[i] = (fault, left, skip - 1);
                }
                else if (strike is null)
                {
                    strike = fault;
                    if (left <= 1)
                    {
                        _faults.RemoveAt(i--);
                    }
                    else
                    {
                        _faults[i] = (fault, left - 1, 0);
                    }
                }
            }

            return strike;
        }
    }
}
