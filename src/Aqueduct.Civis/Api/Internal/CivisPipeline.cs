using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Aqueduct.Civis.Api.Internal;

/// <summary>
/// The one HTTP pipeline every sub-client shares: headers, per-attempt timeout, retries, error
/// mapping and rate-limit bookkeeping. Stateless apart from the last rate limit, so calls run
/// concurrently on the pooled connections of one <see cref="HttpClient"/>.
/// </summary>
internal sealed class CivisPipeline
{
    private static readonly ResiliencePropertyKey<CivisRequest> RequestKey = new("Aqueduct.Civis.Request");
    private static readonly ResiliencePropertyKey<long> StartKey = new("Aqueduct.Civis.Start");
    private static readonly ResiliencePropertyKey<bool> BudgetSpentKey = new("Aqueduct.Civis.BudgetSpent");
    private static readonly ResiliencePropertyKey<string> LastFailureKey = new("Aqueduct.Civis.LastFailure");

    internal static readonly string Version = GetVersion();
    internal static readonly ProductInfoHeaderValue UserAgent = new("Aqueduct.Civis", Version);

    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _resilience;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly string? _jobId;
    private readonly string? _runId;
    private readonly Uri _baseAddress;
    // Boxed, so concurrent calls replace it atomically (a nullable struct could be read torn).
    private System.Runtime.CompilerServices.StrongBox<CivisRateLimit>? _rateLimit;

    public CivisPipeline(HttpClient http, CivisClientOptions options)
    {
        _http = http;
        Options = options;
        TimeProvider = options.TimeProvider;
        Logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Aqueduct.Civis.CivisClient");
        _authorization = string.IsNullOrEmpty(options.ApiKey) ? null : new AuthenticationHeaderValue("Bearer", options.ApiKey);
        _jobId = options.JobId?.ToString(CultureInfo.InvariantCulture);
        _runId = options.RunId?.ToString(CultureInfo.InvariantCulture);
        var baseText = options.BaseAddress.AbsoluteUri;
        _baseAddress = new Uri(baseText.EndsWith('/') ? baseText : baseText + "/");
        _resilience = BuildResilience();
    }

    public CivisClientOptions Options { get; }

    public TimeProvider TimeProvider { get; }

    public ILogger Logger { get; }

    /// <summary>The rate limit the latest response reported.</summary>
    public CivisRateLimit? RateLimit => Volatile.Read(ref _rateLimit)?.Value;

    public Uri Resolve(string pathAndQuery) => new(_baseAddress, pathAndQuery.TrimStart('/'));

    /// <summary>
    /// The outer budget timeout, the retry strategy (when retries are on) and the per-attempt timeout, all Polly's.
    /// Our code adds only what Polly cannot know: which outcomes may be repeated and the server's <c>Retry-After</c>.
    /// </summary>
    private ResiliencePipeline<HttpResponseMessage> BuildResilience()
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = TimeProvider };
        if (Options.Retry.Budget <= MaxPollyTimeout)
        {
            builder.AddTimeout(new TimeoutStrategyOptions
            {
                Timeout = Options.Retry.Budget < MinPollyTimeout ? MinPollyTimeout : Options.Retry.Budget,
                OnTimeout = args =>
                {
                    args.Context.Properties.Set(BudgetSpentKey, true);
                    return default;
                },
            });
        }

        if (Options.Retry.MaxRetryAttempts > 0)
        {
            builder.AddRetry(CreateRetryOptions());
        }

        return builder
            .AddTimeout(Options.Transport.AttemptTimeout > MaxPollyTimeout ? MaxPollyTimeout : Options.Transport.AttemptTimeout)
            .Build();
    }

    // Polly's timeout strategy accepts 10 ms to 1 day.
    private static readonly TimeSpan MinPollyTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxPollyTimeout = TimeSpan.FromDays(1);

    /// <summary>Polly's exponential backoff with jitter and a cap; the delay generator only supplies <c>Retry-After</c>.</summary>
    internal RetryStrategyOptions<HttpResponseMessage> CreateRetryOptions()
    {
        var settings = Options.Retry;
        var retry = new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = settings.MaxRetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = settings.BaseDelay,
            MaxDelay = settings.MaxDelay,
            ShouldHandle = args => new ValueTask<bool>(MayRetry(args.Outcome, args.Context)),
            DelayGenerator = args => new ValueTask<TimeSpan?>(RetryAfter(args.Outcome.Result)),
            OnRetry = args =>
            {
                var request = args.Context.Properties.GetValue(RequestKey, null!);
                args.Context.Properties.Set(LastFailureKey, Describe(args.Outcome));
                CivisLog.Retrying(Logger, request.Method.Method, request.DisplayPath, Describe(args.Outcome), args.AttemptNumber + 1, (long)args.RetryDelay.TotalMilliseconds);
                return default;
            },
        };
        if (settings.Randomizer is { } randomizer)
        {
            retry.Randomizer = randomizer;
        }

        return retry;
    }

    /// <summary>The retry predicate: a transient failure of a call that may be repeated, and no <c>Retry-After</c> past the budget.</summary>
    private bool MayRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        var request = context.Properties.GetValue(RequestKey, null!);
        var idempotent = request.IsIdempotent;
        var retryable = outcome switch
        {
            { Result: { } response } => TransientStatusCodes.All.Contains((int)response.StatusCode)
                && (idempotent || TransientStatusCodes.WasNotProcessed((int)response.StatusCode)),
            // Nothing was sent when the connection could not be made, so even a POST may be repeated.
            { Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } } => true,
            { Exception: HttpRequestException or IOException or TimeoutRejectedException } => idempotent,
            _ => false,
        };
        if (!retryable)
        {
            return false;
        }

        if (RetryAfter(outcome.Result) is { } wait
            && TimeProvider.GetElapsedTime(context.Properties.GetValue(StartKey, 0L)) + wait > Options.Retry.Budget)
        {
            CivisLog.BudgetSpent(Logger, request.Method.Method, request.DisplayPath, Describe(outcome), (long)wait.TotalMilliseconds);
            return false;
        }

        return true;
    }

    /// <summary>The server's <c>Retry-After</c> as a wait from now (never negative), or <see langword="null"/> when it sent none.</summary>
    internal TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        if (response?.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        var wait = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - TimeProvider.GetUtcNow() : TimeSpan.Zero);
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    private static string Describe(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Result: { } response } => ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture),
        { Exception: TimeoutRejectedException } => "attempt timed out",
        { Exception: HttpRequestException e } => "connection failed: " + e.HttpRequestError,
        { Exception: { } e } => e.GetType().Name,
        _ => "unknown",
    };

    /// <summary>Sends a call with retries; returns a success response or throws <see cref="CivisApiException"/>.</summary>
    public async Task<HttpResponseMessage> SendAsync(CivisRequest request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        context.Properties.Set(StartKey, TimeProvider.GetTimestamp());
        try
        {
            var outcome = await _resilience.ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    try
                    {
                        return Outcome.FromResult(await state.self.SendOnceAsync(state.request, ctx.CancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !state.cancellationToken.IsCancellationRequested)
                    {
                        return Outcome.FromException<HttpResponseMessage>(e);
                    }
                },
                context,
                (self: this, request, cancellationToken)).ConfigureAwait(false);

            if (outcome.Exception is { } exception)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (exception is ResponseTooLargeException tooLarge)
                {
                    throw new CivisApiException(
                        string.Create(CultureInfo.InvariantCulture,
                            $"{request.Method.Method} {request.DisplayPath} answered {tooLarge.StatusCode} with a body of more than {Options.Transport.MaxResponseBodySize} bytes, the limit set by CivisClientOptions.Transport.{nameof(CivisTransportOptions.MaxResponseBodySize)}; the call was not retried."),
                        tooLarge.StatusCode, null, null, request.Method.Method, request.DisplayPath);
                }

                if (context.Properties.GetValue(BudgetSpentKey, false))
                {
                    var last = context.Properties.GetValue(LastFailureKey, "no attempt finished");
                    throw new CivisApiException(
                        string.Create(CultureInfo.InvariantCulture,
                            $"{request.Method.Method} {request.DisplayPath} failed: the retry budget of {Options.Retry.Budget.TotalSeconds:0.###} s (CivisClientOptions.Retry.Budget) was spent; the last failed attempt: {last}."),
                        0, null, null, request.Method.Method, request.DisplayPath, exception);
                }

                var reason = exception is TimeoutRejectedException
                    ? $"no answer within {Options.Transport.AttemptTimeout.TotalSeconds:0.###} s"
                    : "connection failed: " + exception.Message;
                throw new CivisApiException(
                    $"{request.Method.Method} {request.DisplayPath} failed: {reason}.", 0, null, null, request.Method.Method, request.DisplayPath, exception);
            }

            var response = outcome.Result!;
            if (!response.IsSuccessStatusCode)
            {
                using (response)
                {
                    throw await CreateExceptionAsync(request, response, cancellationToken).ConfigureAwait(false);
                }
            }

            return response;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(CivisRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(request.Method, request.Uri);
        if (request.IsCivisApi)
        {
            message.Headers.Authorization = _authorization;
            message.Headers.UserAgent.Add(UserAgent);
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (_jobId is not null)
            {
                message.Headers.TryAddWithoutValidation("X-Civis-Job-ID", _jobId);
            }

            if (_runId is not null)
            {
                message.Headers.TryAddWithoutValidation("X-Civis-Run-ID", _runId);
            }
        }

        message.Content = request.Content?.Invoke();
        var started = TimeProvider.GetTimestamp();
        var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        try
        {
            if (request.BufferContent || !response.IsSuccessStatusCode)
            {
                response.Content = await BufferAsync(response, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            response.Dispose();
            throw;
        }

        CivisLog.Responded(Logger, request.Method.Method, request.DisplayPath, (int)response.StatusCode, (long)TimeProvider.GetElapsedTime(started).TotalMilliseconds);
        if (request.IsCivisApi && ReadRateLimit(response) is { } rateLimit)
        {
            Volatile.Write(ref _rateLimit, new System.Runtime.CompilerServices.StrongBox<CivisRateLimit>(rateLimit));
            if (rateLimit.Remaining * 10 < rateLimit.Limit)
            {
                CivisLog.RateLimitLow(Logger, rateLimit.Remaining, rateLimit.Limit);
            }
            else
            {
                CivisLog.RateLimit(Logger, rateLimit.Remaining, rateLimit.Limit);
            }
        }

        return response;
    }

    /// <summary>
    /// Reads the body into memory, at most <see cref="CivisTransportOptions.MaxResponseBodySize"/> bytes: a larger success
    /// body throws <see cref="ResponseTooLargeException"/> (never retried); a larger error body is cut, as only its
    /// error code and description are read.
    /// </summary>
    private async Task<HttpContent> BufferAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var content = response.Content;
        var max = Options.Transport.MaxResponseBodySize;
        var enforce = response.IsSuccessStatusCode;
        var declared = content.Headers.ContentLength;
        if (enforce && declared > max)
        {
            throw new ResponseTooLargeException((int)response.StatusCode);
        }

        var body = new MemoryStream(declared is { } length && length <= max ? (int)length : 0);
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var chunk = ArrayPool<byte>.Shared.Rent(81920);
            try
            {
                int read;
                while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (body.Length + read > max)
                    {
                        if (enforce)
                        {
                            throw new ResponseTooLargeException((int)response.StatusCode);
                        }

                        body.Write(chunk, 0, (int)(max - body.Length));
                        break;
                    }

                    body.Write(chunk, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }

        var buffered = new ByteArrayContent(body.GetBuffer(), 0, (int)body.Length);
        foreach (var header in content.Headers)
        {
            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        content.Dispose();
        return buffered;
    }

    /// <summary>A success body over the cap: not a transient failure, so the retry strategy lets it through.</summary>
    private sealed class ResponseTooLargeException(int statusCode) : Exception("The response body is larger than the limit.")
    {
        public int StatusCode { get; } = statusCode;
    }

    /// <summary>Masks the API key, in any case and as sent, percent-encoded or base64, in text the server sent back.</summary>
    internal string? RedactKey(string? text)
    {
        if (string.IsNullOrEmpty(text) || string.IsNullOrEmpty(Options.ApiKey))
        {
            return text;
        }

        var key = Options.ApiKey;
        var base64 = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(key));
        foreach (var form in new[] { key, Uri.EscapeDataString(key), base64, base64.TrimEnd('='), base64.TrimEnd('=').Replace('+', '-').Replace('/', '_') })
        {
            text = text.Replace(form, SecretRedactor.Mask, StringComparison.OrdinalIgnoreCase);
        }

        return text;
    }

    private async Task<CivisApiException> CreateExceptionAsync(CivisRequest request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? error = null, description = null;
        try
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (body.Length > 0)
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    // A server (or a proxy) may echo the request, Authorization header included.
                    error = RedactKey(GetString(document.RootElement, "error"));
                    description = RedactKey(GetString(document.RootElement, "errorDescription") ?? GetString(document.RootElement, "error_description"));
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page): the status says enough.
        }

        var status = (int)response.StatusCode;
        var method = request.Method.Method;
        var what = $"{method} {request.DisplayPath} answered {status} {response.ReasonPhrase}".TrimEnd();
        string message;
        if (response.StatusCode == HttpStatusCode.Unauthorized && request.IsCivisApi)
        {
            message = _authorization is null
                ? $"{what}: no API key was given. Set CIVIS_API_KEY (or CivisClientOptions.ApiKey)."
                : $"{what}: the API key is wrong or expired (Civis keys expire, at least every 30 days). Create a new key and set CIVIS_API_KEY.";
        }
        else
        {
            message = what + (error is null ? "" : $": {error}") + (description is null ? "" : $" ({description})");
        }

        return new CivisApiException(RedactKey(message)!, status, error, description, method, request.DisplayPath) { RateLimit = ReadRateLimit(response) };
    }

    private static string? GetString(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    internal static CivisRateLimit? ReadRateLimit(HttpResponseMessage response)
        => ReadInt(response, "X-RateLimit-Limit") is { } limit && ReadInt(response, "X-RateLimit-Remaining") is { } remaining
            ? new CivisRateLimit(limit, remaining)
            : null;

    internal static CivisPagination? ReadPagination(HttpResponseMessage response)
        => ReadInt(response, "X-Pagination-Total-Pages") is { } totalPages
            ? new CivisPagination(
                ReadInt(response, "X-Pagination-Per-Page") ?? 0,
                ReadInt(response, "X-Pagination-Current-Page") ?? 0,
                totalPages,
                ReadInt(response, "X-Pagination-Total-Entries") ?? 0)
            : null;

    internal static int? ReadInt(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values)
            && int.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    internal static string? ReadHeader(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    // ---- JSON helpers used by the sub-clients ----

    public CivisRequest Request(HttpMethod method, string pathAndQuery, Func<HttpContent>? content = null, bool? idempotent = null)
    {
        var query = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = "/" + (query < 0 ? pathAndQuery : pathAndQuery[..query]).TrimStart('/');
        return new CivisRequest { Method = method, Uri = Resolve(pathAndQuery), DisplayPath = path, Content = content, Idempotent = idempotent };
    }

    public static Func<HttpContent> JsonBody<T>(T body, JsonTypeInfo<T> typeInfo)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, typeInfo);
        return () => new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } };
    }

    public async Task<T> GetAsync<T>(string pathAndQuery, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var request = Request(HttpMethod.Get, pathAndQuery);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, request, typeInfo, cancellationToken).ConfigureAwait(false);
    }

    public async Task<TResponse> SendAsync<TBody, TResponse>(HttpMethod method, string pathAndQuery, TBody body, JsonTypeInfo<TBody> bodyType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken, bool? idempotent = null)
    {
        var request = Request(method, pathAndQuery, JsonBody(body, bodyType), idempotent);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, request, responseType, cancellationToken).ConfigureAwait(false);
    }

    public async Task<TResponse> SendAsync<TResponse>(HttpMethod method, string pathAndQuery, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken, bool? idempotent = null)
    {
        var request = Request(method, pathAndQuery, null, idempotent);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, request, responseType, cancellationToken).ConfigureAwait(false);
    }

    public async Task SendAsync(HttpMethod method, string pathAndQuery, CancellationToken cancellationToken, bool? idempotent = null)
    {
        using var response = await SendAsync(Request(method, pathAndQuery, null, idempotent), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a success body as JSON; a body that is not (or is JSON <c>null</c>) is a <see cref="CivisApiException"/>.</summary>
    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, CivisRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            T? value;
            try
            {
                value = await JsonSerializer.DeserializeAsync(stream, typeInfo, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                throw InvalidJson(request, response, e);
            }

            return value ?? throw InvalidJson(request, response, null);
        }
    }

    /// <summary>Reads a buffered success body as JSON; see <see cref="ReadAsync{T}"/>.</summary>
    public static T Deserialize<T>(byte[] body, CivisRequest request, HttpResponseMessage response, JsonTypeInfo<T> typeInfo)
    {
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(body, typeInfo);
        }
        catch (JsonException e)
        {
            throw InvalidJson(request, response, e);
        }

        return value ?? throw InvalidJson(request, response, null);
    }

    /// <summary>The error for a success answer whose body is not the JSON the call expects.</summary>
    public static CivisApiException InvalidJson(CivisRequest request, HttpResponseMessage response, JsonException? exception)
    {
        var status = (int)response.StatusCode;
        var what = string.Create(CultureInfo.InvariantCulture, $"{request.Method.Method} {request.DisplayPath} answered {status}");
        var message = exception is null
            ? what + " with the JSON null instead of a value."
            // Where, not what: the JSON error's own text may quote the body, and a body may echo the key.
            : string.Create(CultureInfo.InvariantCulture,
                $"{what} with a body that is not valid JSON for the call ({response.Content.Headers.ContentType?.MediaType ?? "no content type"}, at line {exception.LineNumber + 1 ?? 1}, byte {exception.BytePositionInLine + 1 ?? 1}).");
        return new CivisApiException(message, status, null, null, request.Method.Method, request.DisplayPath, exception);
    }

    private static string GetVersion()
    {
        var informational = typeof(CivisPipeline).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var version = informational ?? typeof(CivisPipeline).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
