using Microsoft.Extensions.Time.Testing;

namespace Aqueduct.Civis.Tests.Api;

/// <summary>Moves a fake clock forward while a call waits on it, so backoff and polling take no wall time.</summary>
internal static class FakeTime
{
    public static async Task<T> DriveAsync<T>(FakeTimeProvider time, Task<T> task, TimeSpan? step = null)
    {
        await DriveAsync(time, (Task)task, step);
        return await task;
    }

    public static async Task DriveAsync(FakeTimeProvider time, Task task, TimeSpan? step = null)
    {
        // A short real pause lets the loopback answer arrive; then the fake clock jumps, firing
        // whatever backoff, poll or timeout timer is due.
        while (!task.IsCompleted)
        {
            await Task.WhenAny(task, Task.Delay(5));
            if (!task.IsCompleted)
            {
                time.Advance(step ?? TimeSpan.FromMilliseconds(500));
            }
        }

        await task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
