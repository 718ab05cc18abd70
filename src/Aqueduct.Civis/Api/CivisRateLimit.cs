namespace Aqueduct.Civis.Api;

/// <summary>The rate limit a response reported (<c>X-RateLimit-Limit</c> and <c>X-RateLimit-Remaining</c>).</summary>
/// <param name="Limit">Requests allowed in the current window (about 1,000 per 5 minutes).</param>
/// <param name="Remaining">Requests left in the current window.</param>
public readonly record struct CivisRateLimit(int Limit, int Remaining);
