namespace Aqueduct.Civis.Api.Internal;

/// <summary>One logical call: everything needed to send each of its attempts afresh.</summary>
internal sealed class CivisRequest
{
    public required HttpMethod Method { get; init; }

    /// <summary>Absolute URI of the call.</summary>
    public required Uri Uri { get; init; }

    /// <summary>The path shown in errors and logs: no query, no host (storage URLs carry signatures in the query).</summary>
    public required string DisplayPath { get; init; }

    /// <summary>Creates the body of one attempt; called once per attempt.</summary>
    public Func<HttpContent>? Content { get; init; }

    /// <summary>Whether the Civis headers (key, user agent, job and run) are sent: not to presigned storage URLs.</summary>
    public bool IsCivisApi { get; init; } = true;

    /// <summary>Overrides whether the call may be repeated safely; by default GET, PUT, DELETE, HEAD and OPTIONS may.</summary>
    public bool? Idempotent { get; init; }

    /// <summary>Read the body inside the attempt (so a dropped body is retried), or hand the stream out.</summary>
    public bool BufferContent { get; init; } = true;

    public bool IsIdempotent => Idempotent ?? (Method == HttpMethod.Get || Method == HttpMethod.Put || Method == HttpMethod.Delete
        || Method == HttpMethod.Head || Method == HttpMethod.Options);
}
