using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using static Aqueduct.Civis.Tests.Environment.TestEnvironments;

namespace Aqueduct.Civis.Tests.Hosting;

/// <summary>The run and its steps as spans and metrics of "Aqueduct.Civis", as OpenTelemetry would see them.</summary>
public sealed class CivisJobTelemetryTests
{
    [Fact]
    public async Task RunAsync_WithSteps_EmitsARunSpanWithAStepSpanAndCountsRowsAndBytes()
    {
        var jobName = "telemetry-" + Guid.NewGuid().ToString("N");
        var stepName = "load " + jobName; // other tests run in parallel: this run's spans and measurements carry its own names
        var activities = new ConcurrentQueue<Activity>();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CivisTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(activityListener);
        var measurements = new ConcurrentQueue<(string Instrument, double Value)>();
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == CivisTelemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meterListener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (Tagged(tags, stepName))
            {
                measurements.Enqueue((instrument.Name, value));
            }
        });
        meterListener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (Tagged(tags, stepName))
            {
                measurements.Enqueue((instrument.Name, value));
            }
        });
        meterListener.Start();

        var exitCode = await CivisJob.RunAsync([], (job, _) =>
        {
            using var step = job.BeginStep(stepName);
            step.Rows = 100;
            step.Bytes = 2048;
            return Task.CompletedTask;
        }, options =>
        {
            options.Name = jobName;
            options.Environment = Create(("DEV", "1"));
            options.Output = TextWriter.Null;
            options.ErrorOutput = TextWriter.Null;
            options.HandleShutdownSignals = false;
        }, TestContext.Current.CancellationToken);

        Assert.Equal(CivisJobExitCodes.Success, exitCode);
        var run = Assert.Single(activities, a => a.OperationName == CivisTelemetry.RunActivity && (string?)a.GetTagItem("civis.job.name") == jobName);
        Assert.Equal("DEV", run.GetTagItem("civis.job.mode"));
        Assert.Equal(0, run.GetTagItem("civis.job.exit_code"));
        var step = Assert.Single(activities, a => a.OperationName == CivisTelemetry.StepActivity && (string?)a.GetTagItem("civis.step.name") == stepName);
        Assert.Equal(run.SpanId, step.ParentSpanId);
        Assert.Equal(100L, step.GetTagItem("civis.step.rows"));
        Assert.Contains((CivisTelemetry.RowsCounter, 100d), measurements);
        Assert.Contains((CivisTelemetry.BytesCounter, 2048d), measurements);
        Assert.Single(measurements, m => m.Instrument == CivisTelemetry.DurationHistogram);
    }

    [Fact]
    public async Task RunAsync_JobFails_RunSpanHasErrorStatus()
    {
        var jobName = "telemetry-" + Guid.NewGuid().ToString("N");
        var activities = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CivisTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var exitCode = await CivisJob.RunAsync([], (_, _) => throw new InvalidOperationException("boom"), options =>
        {
            options.Name = jobName;
            options.Environment = Create();
            options.Output = TextWriter.Null;
            options.ErrorOutput = TextWriter.Null;
            options.HandleShutdownSignals = false;
        }, TestContext.Current.CancellationToken);

        Assert.Equal(CivisJobExitCodes.JobFailed, exitCode);
        var run = Assert.Single(activities, a => (string?)a.GetTagItem("civis.job.name") == jobName);
        Assert.Equal(ActivityStatusCode.Error, run.Status);
        Assert.Equal(1, run.GetTagItem("civis.job.exit_code"));
    }

    private static bool Tagged(ReadOnlySpan<KeyValuePair<string, object?>> tags, string stepName)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "civis.step.name" && (string?)tag.Value == stepName)
            {
                return true;
            }
        }

        return false;
    }
}
