using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Aqueduct.Civis.Api.Internal;
using Aqueduct.Civis.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Aqueduct.Civis.Tests.Api;

public sealed class BackoffTests
{
    private static CivisPipeline Pipeline(TimeProvider? time = null)
        => new(new HttpClient(), new CivisClientOptions { RetryBaseDelay = TimeSpan.FromSeconds(1), RetryMaxDelay = TimeSpan.FromSeconds(60), TimeProvider = time ?? TimeProvider.System });

    [Theory]
    [InlineData(0, 0.5, 1)]
    [InlineData(1, 1, 2)]
    [InlineData(3, 4, 8)]
    [InlineData(10, 30, 60)]
    [InlineData(40, 30, 60)]
    public void ComputeDelay_NoRetryAfter_ExponentialWithJitterCapped(int attempt, double min, double max)
    {
        var pipeline = Pipeline();
        for (var i = 0; i < 50; i++)
        {
            Assert.InRange(pipeline.ComputeDelay(attempt, null).TotalSeconds, min, max);
        }
    }

    [Fact]
    public void ComputeDelay_RetryAfterLongerThanCap_IsHonoured()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(90));
        Assert.Equal(TimeSpan.FromSeconds(90), Pipeline().ComputeDelay(0, response));
    }

    [Fact]
    public void ComputeDelay_RetryAfterDateInThePast_IsZero()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(time.GetUtcNow().AddMinutes(-1));
        Assert.Equal(TimeSpan.Zero, Pipeline(time).ComputeDelay(0, response));
    }
}
