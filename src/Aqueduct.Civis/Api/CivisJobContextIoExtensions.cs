namespace Aqueduct.Civis.Api;

/// <summary>The io helpers of a running job, built on its client, environment and logger factory.</summary>
public static class CivisJobContextIoExtensions
{
    extension(CivisJobContext context)
    {
        /// <summary>
        /// The outputs of the current run: attach JSON values and files, find a run's file by name. Off the platform
        /// attaching is a no-op with an Information log line.
        /// </summary>
        public CivisRunOutputs RunOutputs => new(context.Client, context.Environment, context.LoggerFactory);

        /// <summary>Runs a container script once per partition on the platform, logging through the job's logger factory.</summary>
        /// <exception cref="CivisEnvironmentException">The job has no API client (no <c>CIVIS_API_KEY</c>).</exception>
        public CivisFanOut FanOut => new(context.GetRequiredClient(), context.LoggerFactory);
    }
}
