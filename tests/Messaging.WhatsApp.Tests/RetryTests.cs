using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Messaging.WhatsApp.Tests;

/// <summary>
/// Retries happen only where the provider certainly did not act. The tests count the requests WireMock
/// received: a message is never silently sent twice.
/// </summary>
public sealed class RetryTests
{
    private static readonly ChatAddress Person = ChatAddress.Parse("905301111111");

    private const string W05 = """{"success":false,"message":"Lib not loaded","code":"W05"}""";
    private const string MaytapiSuccess = """{"success":true,"data":{"chatId":"905301111111@c.us","msgId":"a6f1e2d0-1c2b-11ef-9d3e-6b1f0c2a7e55"}}""";
    private const string GreenSuccess = """{"idMessage":"BAE5F4886F6F2D05"}""";

    /// <summary>Answers the first request with <paramref name="first"/> and every later one with <paramref name="then"/>.</summary>
    private static void AnswerInSequence(string path, IResponseBuilder first, IResponseBuilder then)
    {
        var server = TestServices.Server;
        server.Reset();
        server.Given(Request.Create().WithPath(path).UsingPost())
            .InScenario("sequence").WillSetStateTo("answered once")
            .RespondWith(first);
        server.Given(Request.Create().WithPath(path).UsingPost())
            .InScenario("sequence").WhenStateIs("answered once")
            .RespondWith(then);
    }

    [Test]
    public async Task Send_GreenApi429ThenSuccess_SendsTwiceAndSucceeds()
    {
        using var services = TestServices.GreenApi();
        AnswerInSequence(TestServices.GreenPath, Response.Create().WithStatusCode(429), TestServices.Json(200, GreenSuccess));

        var result = await services.Sender.SendTextAsync(Person, "hi");

        Assert.Multiple(() =>
        {
            Assert.That(result.MessageId, Is.EqualTo("BAE5F4886F6F2D05"));
            Assert.That(TestServices.RequestsReceived, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Send_GreenApi429WithRetryAfter_WaitsWhatTheProviderAsked()
    {
        using var services = TestServices.GreenApi();
        AnswerInSequence(TestServices.GreenPath, Response.Create().WithStatusCode(429).WithHeader("Retry-After", "3"), TestServices.Json(200, GreenSuccess));

        await services.Sender.SendTextAsync(Person, "hi");

        Assert.Multiple(() =>
        {
            Assert.That(services.Time.Delays, Does.Contain(TimeSpan.FromSeconds(3)));
            Assert.That(TestServices.RequestsReceived, Is.EqualTo(2));
        });
    }

    [Test]
    public void Send_GreenApi429WithRetryAfterBeyondMaxDelay_IsNotRetried()
    {
        using var services = TestServices.GreenApi(o => o.Retry.MaxDelay = TimeSpan.FromSeconds(5));
        TestServices.Answer(TestServices.GreenPath, Response.Create().WithStatusCode(429).WithHeader("Retry-After", "60"));

        var error = Assert.ThrowsAsync<WhatsAppRateLimitedException>(() => services.Sender.SendTextAsync(Person, "hi"))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(60)));
            Assert.That(TestServices.RequestsReceived, Is.EqualTo(1));
        });
    }

    [Test]
    public void Send_GreenApiAlways429_StopsAfterMaxAttempts()
    {
        using var services = TestServices.GreenApi(o => o.Retry.MaxAttempts = 4);
        TestServices.Answer(TestServices.GreenPath, Response.Create().WithStatusCode(429));

        Assert.ThrowsAsync<WhatsAppRateLimitedException>(() => services.Sender.SendTextAsync(Person, "hi"));

        Assert.Multiple(() =>
        {
            Assert.That(TestServices.RequestsReceived, Is.EqualTo(4));
            Assert.That(services.Logs.Lines.Count(l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("safe to retry", StringComparison.Ordinal)), Is.EqualTo(3), "each retry is logged");
        });
    }

    [Test]
    public void Backoff_RepeatedGreenApi429_DoublesWithJitterWithinMaxDelay()
    {
        using var services = TestServices.GreenApi(o =>
        {
            o.Retry.MaxAttempts = 4;
            o.Retry.BaseDelay = TimeSpan.FromMilliseconds(100);
            o.Retry.MaxDelay = TimeSpan.FromMilliseconds(300);
        });
        TestServices.Answer(TestServices.GreenPath, Response.Create().WithStatusCode(429));

        Assert.ThrowsAsync<WhatsAppRateLimitedException>(() => services.Sender.SendTextAsync(Person, "hi"));

        var delays = services.Time.Delays.Select(d => d.TotalMilliseconds).ToList();
        Assert.That(delays, Has.Count.EqualTo(3));
        Assert.Multiple(() =>
        {
            Assert.That(delays[0], Is.InRange(50, 100), "first retry: half to all of 100 ms");
            Assert.That(delays[1], Is.InRange(100, 200), "second retry: half to all of 200 ms");
            Assert.That(delays[2], Is.InRange(150, 300), "third retry: capped at 300 ms");
        });
    }

    [Test]
    public async Task Send_MaytapiW05ThenSuccess_SendsTwiceAndSucceeds()
    {
        using var services = TestServices.Maytapi();
        AnswerInSequence(TestServices.MaytapiPath, TestServices.Json(200, W05), TestServices.Json(200, MaytapiSuccess));

        var result = await services.Sender.SendTextAsync(Person, "hi");

        Assert.Multiple(() =>
        {
            Assert.That(result.MessageId, Is.EqualTo("a6f1e2d0-1c2b-11ef-9d3e-6b1f0c2a7e55"));
            Assert.That(TestServices.RequestsReceived, Is.EqualTo(2));
        });
    }

    [TestCase("green-api", 500)]
    [TestCase("green-api", 502)]
    [TestCase("maytapi", 500)]
    [TestCase("maytapi", 503)]
    public void Send_ServerError_IsSentOnceAndOutcomeUnknown(string provider, int status)
    {
        using var services = TestServices.For(provider);
        TestServices.Answer(TestProvider.Named(provider), TestServices.Text(status, "text/plain", "internal server error"));

        Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => services.Sender.SendTextAsync(Person, "hi"));

        Assert.That(TestServices.RequestsReceived, Is.EqualTo(1));
    }

    [TestCaseSource(typeof(TestProvider), nameof(TestProvider.All))]
    public async Task Send_Timeout_IsSentOnceAndOutcomeUnknown(TestProvider provider)
    {
        using var services = TestServices.For(provider.Name, timeout: TimeSpan.FromMilliseconds(300));
        TestServices.Answer(provider, TestServices.Json(200, provider.SuccessBody()).WithDelay(TimeSpan.FromSeconds(1)));

        var error = Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => services.Sender.SendTextAsync(Person, "hi"))!;

        // WireMock logs a request once it has answered it, after its delay.
        var received = await TestServices.RequestsReceivedAfter(TimeSpan.FromSeconds(1.5));
        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain("timeout"));
            Assert.That(error.HttpStatus, Is.Null);
            Assert.That(received, Is.EqualTo(1));
        });
    }

    [Test]
    public void Send_MaytapiW05WithRetriesSwitchedOff_IsSentOnce()
    {
        using var services = TestServices.Maytapi(o => o.Retry.Enabled = false);
        TestServices.Answer(TestServices.MaytapiPath, TestServices.Json(200, W05));

        Assert.ThrowsAsync<WhatsAppInstanceNotReadyException>(() => services.Sender.SendTextAsync(Person, "hi"));

        Assert.That(TestServices.RequestsReceived, Is.EqualTo(1));
    }

    [TestCaseSource(typeof(TestProvider), nameof(TestProvider.Names))]
    public void Send_ConnectFailure_IsRetriedThenConnectionFailed(string provider)
    {
        var attempts = 0;
        using var services = TestServices.For(provider, ClosedPortUrl(), http: http => http.AddHttpMessageHandler(() => new CountingHandler(() => Interlocked.Increment(ref attempts))));

        var error = Assert.ThrowsAsync<WhatsAppConnectionFailedException>(() => services.Sender.SendTextAsync(Person, "hi"))!;

        Assert.Multiple(() =>
        {
            Assert.That(attempts, Is.EqualTo(3), "the default 3 attempts");
            Assert.That(error.IsSafeToRetry, Is.True);
            Assert.That(error.InnerException, Is.InstanceOf<HttpRequestException>());
        });
    }

    /// <summary>A loopback URL nobody listens on: the port of a listener that was just closed.</summary>
    internal static Uri ClosedPortUrl()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    private sealed class CountingHandler(Action count) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            count();
            return base.SendAsync(request, cancellationToken);
        }
    }
}
