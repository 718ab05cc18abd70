using Microsoft.Extensions.Logging;

namespace Aqueduct.Civis.Api.Internal;

/// <summary>The log messages of fan-out and run outputs. None carries a child's arguments or an output's value.</summary>
internal static partial class IoLog
{
    [LoggerMessage(101, LogLevel.Information, "Fan-out child {Number} of {Total} ({Partition}) started run {RunId} of script {ScriptId} (attempt {Attempt} of {MaxAttempts})")]
    public static partial void ChildStarted(ILogger logger, int number, int total, string partition, int runId, int scriptId, int attempt, int maxAttempts);

    [LoggerMessage(102, LogLevel.Information, "Fan-out child {Number} of {Total} ({Partition}) {State}: run {RunId} of script {ScriptId}, {Attempts} attempt(s); {Finished} of {Total} finished")]
    public static partial void ChildFinished(ILogger logger, int number, int total, string partition, FanOutChildState state, int? runId, int? scriptId, int attempts, int finished);

    [LoggerMessage(103, LogLevel.Warning, "Fan-out child {Number} of {Total} ({Partition}) failed on attempt {Attempt} of {MaxAttempts}; starting it again: {Error}")]
    public static partial void ChildRetrying(ILogger logger, int number, int total, string partition, int attempt, int maxAttempts, string error);

    [LoggerMessage(104, LogLevel.Warning, "Fan-out of script {ScriptId} is stopping: child {Number} of {Total} ({Partition}) failed beyond its retries; cancelling the other children")]
    public static partial void Stopping(ILogger logger, int scriptId, int number, int total, string partition);

    [LoggerMessage(111, LogLevel.Information, "Not on the Civis Platform (no CIVIS_JOB_ID and CIVIS_RUN_ID): {Kind} output '{Name}' was not attached")]
    public static partial void OutputSkipped(ILogger logger, string kind, string name);

    [LoggerMessage(112, LogLevel.Information, "Attached {Kind} {ObjectId} as output '{Name}' of run {RunId} of job {JobId}")]
    public static partial void OutputAttached(ILogger logger, string kind, int objectId, string name, int runId, int jobId);
}
