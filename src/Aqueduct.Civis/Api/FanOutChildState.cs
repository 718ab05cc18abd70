namespace Aqueduct.Civis.Api;

/// <summary>Where a fan-out child stands.</summary>
public enum FanOutChildState
{
    /// <summary>No run was started: the fan-out stopped (a failure or cancellation) before the child's turn.</summary>
    NotStarted,

    /// <summary>A run is queued or running on the platform.</summary>
    Running,

    /// <summary>A run succeeded; its outputs were collected.</summary>
    Succeeded,

    /// <summary>Every allowed run failed (or the platform cancelled it, or the child could not be created or started).</summary>
    Failed,

    /// <summary>The child's run was cancelled on the platform because the fan-out was cancelled or another child failed beyond its retries.</summary>
    Cancelled,
}
