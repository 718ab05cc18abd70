using System.Collections.Frozen;

namespace Aqueduct.Civis.Api.Internal;

/// <summary>
/// The one list of statuses worth repeating a call for: the retry predicate retries them (all of them for calls safe
/// to repeat, the not-processed ones for any call) and <see cref="CivisApiException.IsTransient"/> reports them.
/// </summary>
internal static class TransientStatusCodes
{
    /// <summary>408, 429, 500, 502, 503 and 504.</summary>
    public static readonly FrozenSet<int> All = FrozenSet.ToFrozenSet([408, 429, 500, 502, 503, 504]);

    /// <summary>Whether a call that got this status (0: no answer at all) may succeed if made again.</summary>
    public static bool IsTransient(int status) => status == 0 || All.Contains(status);

    /// <summary>
    /// 429 and 503 say the server did not act on the request, so even a call that is not safe to repeat (a POST)
    /// may be sent again.
    /// </summary>
    public static bool WasNotProcessed(int status) => status is 429 or 503;
}
