namespace Aqueduct.Civis.Testing;

/// <summary>
/// A fault the fake Civis API injects into matching requests: an error status (with an optional
/// <c>Retry-After</c>), a dropped connection, or a delay before the normal answer.
/// </summary>
public sealed record FakeFault
{
    /// <summary>The status to answer with instead of the normal answer, if any.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The <c>Retry-After</c> value sent with <see cref="StatusCode"/>: seconds (<c>"2"</c>) or an HTTP-date.</summary>
    public string? RetryAfter { get; init; }

    /// <summary>Abort the connection without an answer.</summary>
    public bool Drop { get; init; }

    /// <summary>Hold the request this long before answering (normally, or with the fault).</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>Only requests with this method (such as <c>GET</c>); <see langword="null"/> for any.</summary>
    public string? Method { get; init; }

    /// <summary>
    /// Only requests whose path starts with this (such as <c>/scripts/containers/3/runs</c>), where
    /// <c>*</c> stands for one path segment; <see langword="null"/> for any.
    /// </summary>
    public string? Path { get; init; }

    /// <summary>How many matching requests pass unharmed before the fault strikes.</summary>
    /// <value>The default value is 0.</value>
    public int Skip { get; init; }

    /// <summary>How many matching requests get the fault.</summary>
    /// <value>The default value is 1.</value>
    public int Times { get; init; } = 1;

    /// <summary>Answer with a status, optionally with <c>Retry-After</c>.</summary>
    /// <param name="statusCode">The status, such as 503.</param>
    /// <param name="retryAfter">Seconds or an HTTP-date.</param>
    /// <returns>The fault.</returns>
    public static FakeFault Status(int statusCode, string? retryAfter = null) => new() { StatusCode = statusCode, RetryAfter = retryAfter };

    /// <summary>Abort the connection.</summary>
    /// <returns>The fault.</returns>
    public static FakeFault DropConnection() => new() { Drop = true };

    /// <summary>Hold the request before answering normally.</summary>
    /// <param name="delay">How long.</param>
    /// <returns>The fault.</returns>
    public static FakeFault Hold(TimeSpan delay) => new() { Delay = delay };

    /// <summary>The same fault, only for requests with this method and path prefix.</summary>
    /// <param name="method">The method, or <see langword="null"/> for any.</param>
    /// <param name="path">The path prefix, or <see langword="null"/> for any.</param>
    /// <returns>The fault.</returns>
    public FakeFault For(string? method, string? path) => this with { Method = method, Path = path };

    /// <summary>The same fault for this many matching requests.</summary>
    /// <param name="times">How many.</param>
    /// <returns>The fault.</returns>
    public FakeFault Repeat(int times) => this with { Times = times };

    /// <summary>The same fault, after this many matching requests passed unharmed.</summary>
    /// <param name="requests">How many.</param>
    /// <returns>The fault.</returns>
    public FakeFault After(int requests) => this with { Skip = requests };

    internal bool Matches(string method, string path)
        => (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
            && (Path is null || (Path.Contains('*', StringComparison.Ordinal)
                ? System.Text.RegularExpressions.Regex.IsMatch(path, "^" + System.Text.RegularExpressions.Regex.Escape(Path).Replace("\\*", "[^/]+", StringComparison.Ordinal))
                : path.StartsWith(Path, StringComparison.Ordinal)));
}
