using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using WireMock.ResponseBuilders;

namespace Messaging.WhatsApp.Tests;

/// <summary>Edge cases: stalled bodies, odd error bodies, limits of retrying and rate limiting, misuse.</summary>
public sealed class EdgeCaseTests
{
    private static readonly ChatAddress Person = ChatAddress.Parse("905301111111");

    [TestCaseSource(typeof(TestProvider), nameof(TestProvider.Names))]
    public async Task Send_BodyStallsAfterHeaders_TimesOutAsOutcomeUnknown(string provider)
    {
        // Headers and part of the body arrive, then nothing: the timeout must cover the body too.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        using var stop = new CancellationTokenSource();
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync(stop.Token);
            await socket.ReceiveAsync(new byte[64 * 1024], SocketFlags.None, stop.Token);
            await socket.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"idMe"), SocketFlags.None, stop.Token);
            await Task.Delay(Timeout.Infinite, stop.Token);
        });
        using var services = TestServices.For(provider, url, timeout: TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();

        var send = services.Sender.SendTextAsync(Person, "hi");
        var finished = await Task.WhenAny(send, Task.Delay(TimeSpan.FromSeconds(20)));

        await stop.CancelAsync();
        Assert.That(finished, Is.SameAs(send), "the send ends instead of hanging");
        Assert.Multiple(() =>
        {
            Assert.That(send.Exception?.InnerException, Is.TypeOf<WhatsAppOutcomeUnknownException>());
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
        });
        listener.Stop();
        await Task.WhenAny(server);
    }

    [TestCase("green-api", 400, """{"message":["x","y"]}""", typeof(WhatsAppRequestRejectedException))]
    [TestCase("green-api", 400, """{"message":{"a":1},"description":[]}""", typeof(WhatsAppRequestRejectedException))]
    [TestCase("green-api", 400, "[1,2,3]", typeof(WhatsAppRequestRejectedException))]
    [TestCase("green-api", 200, """{"code":"oops"}""", typeof(WhatsAppOutcomeUnknownException))]
    [TestCase("green-api", 200, """{"code":{"nested":401}}""", typeof(WhatsAppOutcomeUnknownException))]
    [TestCase("green-api", 200, """{"code":"401","description":"Unauthorized"}""", typeof(WhatsAppOutcomeUnknownException))] // code is an integer in the spec
    [TestCase("green-api", 466, """{"invokeStatus":"exceeded"}""", typeof(WhatsAppQuotaExceededException))]
    [TestCase("maytapi", 400, """{"success":false,"message":["x"]}""", typeof(WhatsAppRequestRejectedException))]
    [TestCase("maytapi", 200, """{"success":"maybe"}""", typeof(WhatsAppOutcomeUnknownException))]
    [TestCase("maytapi", 200, """{"code":{"x":1}}""", typeof(WhatsAppOutcomeUnknownException))]
    [TestCase("maytapi", 500, """{"success":false,"code":[1]}""", typeof(WhatsAppOutcomeUnknownException))]
    public void Send_OddErrorBody_StillBecomesATypedError(string provider, int status, string body, Type expected)
    {
        using var services = TestServices.For(provider, retries: false);
        TestServices.Answer(TestProvider.Named(provider), TestServices.Json(status, body));

        var error = Assert.CatchAsync(() => services.Sender.SendTextAsync(Person, "hi"));

        Assert.That(error, Is.TypeOf(expected));
    }

    [TestCase("Instance account is expired")]
    [TestCase("Instance is deleted")]
    public void Send_GreenApiInstanceUnusable_IsAuthentication(string text)
    {
        using var services = TestServices.GreenApi();
        TestServices.Answer(TestServices.GreenPath, TestServices.Text(400, "text/plain", text));

        Assert.ThrowsAsync<WhatsAppAuthenticationException>(() => services.Sender.SendTextAsync(Person, "hi"));
    }

    [Test]
    public void Send_Maytapi429WithRetriesOn_IsNotRetried()
    {
        using var services = TestServices.Maytapi();
        TestServices.Answer(TestServices.MaytapiPath, TestServices.Json(429, """{"success":false,"message":"Too many requests"}"""));

        var error = Assert.ThrowsAsync<WhatsAppRateLimitedException>(() => services.Sender.SendTextAsync(Person, "hi"))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.IsSafeToRetry, Is.False);
            Assert.That(TestServices.RequestsReceived, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task AcquireAsync_BurstOf35At10ASecond_NeverGrantsMoreThanTheLimitWithinAnySecond()
    {
        using var limiter = RateLimits.PerSecond(10, 1000)!;
        var clock = Stopwatch.StartNew();
        var granted = new System.Collections.Concurrent.ConcurrentBag<TimeSpan>();

        await Task.WhenAll(Enumerable.Range(0, 35).Select(async _ =>
        {
            using var lease = await limiter.AcquireAsync(1);
            Assert.That(lease.IsAcquired, Is.True);
            granted.Add(clock.Elapsed);
        }));

        var times = granted.Order().ToList();
        var busiestSecond = times.Max(t => times.Count(u => u >= t && u - t < TimeSpan.FromSeconds(1)));
        Assert.Multiple(() =>
        {
            Assert.That(busiestSecond, Is.LessThanOrEqualTo(10));
            Assert.That(times[^1] - times[0], Is.GreaterThan(TimeSpan.FromSeconds(3)), "35 permits at 10 a second");
        });
    }

    [Test]
    public void PublicConstructor_BadOptions_RefusedNamingTheSetting()
    {
        var error = Assert.Throws<ArgumentException>(() => _ = new GreenApiSender(new GreenApiOptions { IdInstance = 1101000001 }))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.ParamName, Is.EqualTo("options"));
            Assert.That(error.Message, Does.Contain("GreenApi:ApiTokenInstance is required"));
        });
    }

    [Test]
    public void PublicConstructor_ValidOptions_SendsToTheConfiguredInstance()
    {
        var options = new GreenApiOptions { ApiUrl = new Uri(TestServices.Server.Url!), IdInstance = TestServices.GreenInstance, ApiTokenInstance = TestServices.GreenToken };
        using var sender = new GreenApiSender(options);
        TestServices.Answer(TestServices.GreenPath, TestServices.Json(200, """{"idMessage":"BAE5F4886F6F2D05"}"""));

        var result = sender.SendTextAsync(Person, "hi").GetAwaiter().GetResult();

        Assert.That(result.MessageId, Is.EqualTo("BAE5F4886F6F2D05"));
    }

    [Test]
    public void SendTextAsync_DisposedSender_ThrowsObjectDisposedWithoutSending()
    {
        var sender = new GreenApiSender(new GreenApiOptions { ApiUrl = new Uri(TestServices.Server.Url!), IdInstance = TestServices.GreenInstance, ApiTokenInstance = TestServices.GreenToken });
        TestServices.Answer(TestServices.GreenPath, TestServices.Json(200, """{"idMessage":"BAE5F4886F6F2D05"}"""));
        sender.Dispose();

        Assert.ThrowsAsync<ObjectDisposedException>(() => sender.SendTextAsync(Person, "hi"));
        Assert.That(TestServices.RequestsReceived, Is.Zero);
    }

    [Test]
    public void AddGreenApi_ApiUrlWithCredentials_FailsAtStartup()
    {
        using var services = TestServices.With(s => s.AddGreenApi(o =>
        {
            TestServices.ConfigureGreenApi(o);
            o.ApiUrl = new Uri("https://user:secret@api.green-api.com");
        }));

        var error = Assert.Throws<OptionsValidationException>(() => services.Provider.GetRequiredService<IStartupValidator>().Validate())!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain("ApiUrl must be an absolute http(s) URL without credentials"));
            Assert.That(error.Message, Does.Not.Contain("secret"));
        });
    }
}
