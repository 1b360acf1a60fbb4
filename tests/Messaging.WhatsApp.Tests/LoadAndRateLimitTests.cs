using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests;

/// <summary>Bursts wait for the rate limiter instead of collecting 429s; a thousand concurrent sends all complete.</summary>
public sealed class LoadAndRateLimitTests
{
    private static readonly ChatAddress Person = ChatAddress.Parse("905301111111");

    [Test]
    public void MaxSendsPerSecond_GreenApiDefault_IsTheProvidersLimit()
    {
        Assert.That(new GreenApiOptions().MaxSendsPerSecond, Is.EqualTo(50));
    }

    [Test]
    public async Task Send_GreenApiBurst_IsPacedByTheLimiter()
    {
        // Start times are taken where the request leaves the sender: WireMock's arrival times also carry
        // connection set-up, which the limiter does not control. Between the permit and the stamp there is
        // scheduling jitter, hence a window of 0.95 s here; EdgeCaseTests checks the limiter itself against
        // a full second.
        var starts = new ConcurrentQueue<long>();
        using var services = TestServices.GreenApi(
            o => o.MaxSendsPerSecond = 10,
            http => http.AddHttpMessageHandler(() => new StampingHandler(starts)));
        TestServices.Answer(TestServices.GreenPath, TestServices.Json(200, """{"idMessage":"BAE5F4886F6F2D05"}"""));
        var sender = services.Sender;

        var results = await Task.WhenAll(Enumerable.Range(0, 25).Select(i => sender.SendTextAsync(Person, $"burst {i}")));

        var times = starts.Order().Select(t => TimeSpan.FromTicks(t)).ToList();
        var busiestSecond = times.Max(t => times.Count(u => u >= t && u - t < TimeSpan.FromSeconds(0.95)));
        Assert.Multiple(() =>
        {
            Assert.That(results, Has.Length.EqualTo(25));
            Assert.That(TestServices.RequestsReceived, Is.EqualTo(25), "every send reached the server once");
            Assert.That(busiestSecond, Is.LessThanOrEqualTo(10), "no more than 10 sends start within any second");
            Assert.That(times[^1] - times[0], Is.GreaterThan(TimeSpan.FromSeconds(1.8)), "25 sends at 10 a second take two more windows");
        });
    }

    private sealed class StampingHandler(ConcurrentQueue<long> starts) : System.Net.Http.DelegatingHandler
    {
        protected override Task<System.Net.Http.HttpResponseMessage> SendAsync(System.Net.Http.HttpRequestMessage request, System.Threading.CancellationToken cancellationToken)
        {
            starts.Enqueue(TimeProvider.System.GetElapsedTime(0).Ticks);
            return base.SendAsync(request, cancellationToken);
        }
    }

    [Test]
    public void Send_GreenApiLimiterQueueFull_FailsFastWithoutSending()
    {
        using var services = TestServices.GreenApi(o =>
        {
            o.MaxSendsPerSecond = 1;
            o.RateLimitQueueLimit = 0;
            o.Retry.Enabled = false;
        });
        TestServices.Answer(TestServices.GreenPath, TestServices.Json(200, """{"idMessage":"BAE5F4886F6F2D05"}"""));

        Assert.DoesNotThrowAsync(() => services.Sender.SendTextAsync(Person, "first"));
        var error = Assert.ThrowsAsync<WhatsAppRateLimitedException>(() => services.Sender.SendTextAsync(Person, "second"))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain("rate limiter"));
            Assert.That(error.HttpStatus, Is.Null);
            Assert.That(TestServices.RequestsReceived, Is.EqualTo(1));
        });
    }

    [TestCaseSource(typeof(TestProvider), nameof(TestProvider.All))]
    public async Task Send_ThousandConcurrentThroughOneContainer_AllAccountedFor(TestProvider provider)
    {
        // Any rate limiter is switched off here (Maytapi has none by default): at GREEN-API's 50 a second
        // this would take 20 seconds.
        using var services = TestServices.With(s => provider.Register(s, configure: o => o.MaxSendsPerSecond = 0));
        TestServices.Answer(provider, TestServices.Json(200, provider.SuccessBody()));
        var sender = services.Provider.GetRequiredService<IWhatsAppSender>();
        var texts = new ConcurrentBag<string>();

        var sends = Enumerable.Range(0, 1000).Select(async i =>
        {
            var text = $"message {i}";
            var result = await sender.SendTextAsync(Person, text);
            texts.Add(text);
            return result;
        });
        var results = await Task.WhenAll(sends);

        var received = TestServices.Server.LogEntries
            .Select(e => Newtonsoft.Json.Linq.JObject.Parse(e.RequestMessage!.Body!)["message"]!.ToString())
            .ToList();
        Assert.Multiple(() =>
        {
            Assert.That(results, Has.Length.EqualTo(1000));
            Assert.That(results.All(r => r.MessageId.Length > 0), Is.True);
            Assert.That(received, Has.Count.EqualTo(1000), "each send reached the server");
            Assert.That(received.Distinct().Count(), Is.EqualTo(1000), "exactly once each");
            Assert.That(received, Is.EquivalentTo(texts));
        });
    }
}
