using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using StackExchange.Redis;

namespace Messaging.WhatsApp.Redis.Tests;

/// <summary>The Redis limiter's keys, queue, cancellation, faults, registration and secrets, against a real store.</summary>
[TestFixture]
[NonParallelizable]
public sealed class RedisRateLimiterTests
{
    private StoreServer _store = null!;
    private FakeGateway _gateway = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _store = StoreServer.StartSelected();
        _gateway = await FakeGateway.StartAsync();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _gateway.DisposeAsync();
        _store.Dispose();
    }

    [Test]
    public async Task Keys_NamePrefixProviderAndInstance_NeverTheToken_AndAllExpire()
    {
        await using var replica = Replicas.GreenApi(_store.Configuration, _gateway.BaseAddress, options: o => o.IdInstance = 1101000077);
        await SharedLimitTests.Send(replica, "keys");
        await using var admin = await ConnectionMultiplexer.ConnectAsync(_store.Configuration + ",allowAdmin=true");
        var keys = admin.GetServer(admin.GetEndPoints()[0]).Keys(pattern: "*1101000077*").Select(k => (string)k!).Order().ToArray();
        Assert.That(keys, Is.EqualTo(new[] { "whatsapp:ratelimit:{green-api:1101000077}:fresh", "whatsapp:ratelimit:{green-api:1101000077}:permits" }));
        var all = admin.GetServer(admin.GetEndPoints()[0]).Keys(pattern: "*").Select(k => (string)k!).ToArray();
        Assert.That(all, Has.None.Contains(Replicas.Token));
        foreach (var key in keys)
        {
            var ttl = await admin.GetDatabase().KeyTimeToLiveAsync(key);
            Assert.That(ttl, Is.Not.Null.And.GreaterThan(TimeSpan.Zero), $"{key} expires");
        }

        // The permits live one window plus the staleness of a ticket (2 windows and 2 s): 5.6 s with the defaults.
        Assert.That(await admin.GetDatabase().KeyTimeToLiveAsync(keys[1]), Is.LessThanOrEqualTo(TimeSpan.FromSeconds(5.6)));
        // The marker that tells a store that lost its window from one that has it lives a day.
        Assert.That(await admin.GetDatabase().KeyTimeToLiveAsync(keys[0]), Is.LessThanOrEqualTo(TimeSpan.FromDays(1)).And.GreaterThan(TimeSpan.FromHours(23)));
    }

    [Test]
    public async Task Maytapi_IsLimitedPerProductAndPhone_AndSeparatelyFromGreenApi_OneConnectionForBoth()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMaytapi(o =>
        {
            o.ApiUrl = _gateway.BaseAddress;
            o.ProductId = "11111111-2222-3333-4444-555555555555";
            o.PhoneId = "12";
            o.ApiKey = "maytapi-key-never-in-a-key-000";
            o.MaxSendsPerSecond = 4;
        }).UseRedisRateLimiter(_store.Configuration);
        services.AddGreenApi("other", o =>
        {
            o.ApiUrl = _gateway.BaseAddress;
            o.IdInstance = 1101000078;
            o.ApiTokenInstance = Replicas.Token;
        }).UseRedisRateLimiter(_store.Configuration);
        await using var provider = services.BuildServiceProvider();
        var maytapi = provider.GetRequiredService<IMaytapiSender>();
        var texts = Enumerable.Range(0, 12).Select(i => $"maytapi limited {i}").ToArray();
        await Task.WhenAll(texts.Select(t => maytapi.SendTextAsync(Replicas.Chat, t)));
        await provider.GetRequiredKeyedService<IWhatsAppSender>("other").SendTextAsync(Replicas.Chat, "green-api beside maytapi");

        var arrivals = _gateway.Arrivals.Where(a => a.Text.StartsWith("maytapi limited", StringComparison.Ordinal)).ToArray();
        Assert.That(arrivals.Select(a => a.Text).Order(), Is.EqualTo(texts.Order()));
        Assert.That(arrivals.Select(a => a.Instance).Distinct(), Is.EqualTo(new[] { "maytapi:11111111-2222-3333-4444-555555555555/12" }));
        Assert.That(FakeGateway.MaxInAnyWindow(arrivals, TimeSpan.FromSeconds(1)), Is.LessThanOrEqualTo(4));

        await using var admin = await ConnectionMultiplexer.ConnectAsync(_store.Configuration + ",allowAdmin=true");
        var keys = admin.GetServer(admin.GetEndPoints()[0]).Keys(pattern: "whatsapp:ratelimit:{maytapi:*").Select(k => (string)k!).ToArray();
        Assert.That(keys, Has.Member("whatsapp:ratelimit:{maytapi:11111111-2222-3333-4444-555555555555/12}:permits"));
        Assert.That(keys, Has.None.Contains("maytapi-key"));
        Assert.That(provider.GetRequiredService<RedisRateLimitConnections>().Count, Is.EqualTo(1), "both senders share one connection");
    }

    [Test]
    public async Task QueueFull_FailsAtOnceTyped_NothingSent_TheRestGoThrough()
    {
        await using var replica = Replicas.GreenApi(_store.Configuration, _gateway.BaseAddress, options: o =>
        {
            o.IdInstance = 1101000079;
            o.MaxSendsPerSecond = 2;
            o.RateLimitQueueLimit = 3;
            o.Retry.Enabled = false;
        });
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => SharedLimitTests.Send(replica, $"queue limit {i}")));
        var refused = outcomes.Where(o => o.Error is not null).ToArray();
        // One send is being asked about and three wait: four are accepted, six refused at once.
        Assert.That(outcomes.Count(o => o.Result is not null), Is.EqualTo(4));
        Assert.That(refused.Select(o => o.Error), Is.All.TypeOf<WhatsAppRateLimitedException>());
        Assert.That(refused.Select(o => o.Error!.Message), Is.All.Contain("its queue is full").And.All.Contain("nothing was sent"));
        Assert.That(refused.Max(o => o.Elapsed), Is.LessThan(TimeSpan.FromSeconds(1)), "a full queue refuses without waiting for the store");
        SharedLimitTests.AssertNoneLostOrDoubled(outcomes, _gateway.Arrivals.Where(a => a.Text.StartsWith("queue limit", StringComparison.Ordinal)).ToArray());
    }

    [Test]
    public async Task CancelledWhileWaiting_NothingSent_TheQueueMovesOn()
    {
        await using var replica = Replicas.GreenApi(_store.Configuration, _gateway.BaseAddress, options: o =>
        {
            o.IdInstance = 1101000080;
            o.MaxSendsPerSecond = 2;
        });
        var sender = replica.GetRequiredService<IWhatsAppSender>();
        using var cancel = new CancellationTokenSource();
        var first = Enumerable.Range(0, 2).Select(i => sender.SendTextAsync(Replicas.Chat, $"cancel first {i}")).ToArray();
        var cancelled = sender.SendTextAsync(Replicas.Chat, "cancel me", cancellationToken: cancel.Token);

        // Cancelled while it waits behind the first two: at once, not after they finish, so that a slow machine cannot
        // let the window pass (and grant it a permit) before the cancellation.
        await cancel.CancelAsync();
        var last = sender.SendTextAsync(Replicas.Chat, "cancel last");
        await Task.WhenAll(first);
        Assert.That(async () => await cancelled, Throws.InstanceOf<OperationCanceledException>());
        await last;
        await Task.Delay(200);
        Assert.That(_gateway.Arrivals.Select(a => a.Text), Has.None.EqualTo("cancel me").And.Member("cancel last"));
    }

    [Test]
    public async Task LateReplica_WithOneSend_IsServedWithinTwoWindows_WhileAnotherDrainsALongQueue()
    {
        await using var busy = Replicas.GreenApi(_store.Configuration, _gateway.BaseAddress, options: o => { o.IdInstance = 1101000081; o.MaxSendsPerSecond = 5; });
        await using var late = Replicas.GreenApi(_store.Configuration, _gateway.BaseAddress, options: o => { o.IdInstance = 1101000081; o.MaxSendsPerSecond = 5; });
        var drain = Enumerable.Range(0, 40).Select(i => SharedLimitTests.Send(busy, $"busy {i}")).ToArray();
        await SharedLimitTests.WaitUntil(() => _gateway.Arrivals.Count(a => a.Text.StartsWith("busy ", StringComparison.Ordinal)) >= 10, TimeSpan.FromSeconds(20));
        var one = await SharedLimitTests.Send(late, "late one");
        TestContext.Out.WriteLine($"the late replica's send took {one.Elapsed.TotalSeconds:F2} s while the busy one had {drain.Count(t => !t.IsCompleted)} sends waiting");
        Assert.That(one.Result, Is.Not.Null);
        Assert.That(drain.Count(t => !t.IsCompleted), Is.GreaterThan(10), "the busy replica still had a queue");
        Assert.That(one.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2.4)), "the late replica waits its turn in line, not behind the other's whole queue");
        await Task.WhenAll(drain);
    }

    [Test]
    public async Task StoreUnreachableFromTheStart_SendFailsTypedWithinTheTimeout_NothingSent_PasswordInNoLogOrMessage()
    {
        const string password = "rEdIs-PaSsWoRd-9f8e7d";
        var logs = new CapturedLogs();
        var port = StoreServer.FreePort();
        await using var replica = Replicas.GreenApi($"127.0.0.1:{port},password={password}", _gateway.BaseAddress, logs, o =>
        {
            o.IdInstance = 1101000082;
            o.Retry.Enabled = false;
        });
        var outcome = await SharedLimitTests.Send(replica, "unreachable");
        Assert.That(outcome.Error, Is.TypeOf<WhatsAppRateLimitedException>());
        var error = (WhatsAppRateLimitedException)outcome.Error!;
        Assert.That(error.IsSafeToRetry, Is.True);
        Assert.That(error.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(error.Message, Does.Contain("rate limit store did not answer").And.Contain("nothing was sent"));
        Assert.That(outcome.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "the store timeout (1 s) bounds the wait");
        Assert.That(_gateway.Arrivals.Select(a => a.Text), Has.None.EqualTo("unreachable"));
        Assert.That(logs.All, Does.Contain("did not answer within 1000 ms for green-api instance 1101000082"));
        Assert.That(logs.All + error + replica.GetRequiredService<IWhatsAppSender>(), Does.Not.Contain(password).And.Not.Contain("rEdIs"));
    }

    [TestCase(0.5, null, null, null, "Window must be at least 1 s")]
    [TestCase(61.0, null, null, null, "Window must be at least 1 s (the providers count per second) and at most 1 minute")]
    [TestCase(null, 0.0, null, null, "StoreTimeout must be positive")]
    [TestCase(null, null, 0.0, null, "StoreRetryAfter must be positive")]
    [TestCase(null, null, null, "{mine}", "KeyPrefix must be set, at most 200 characters, without '{' or '}'")]
    public void Options_BreakingARule_FailAtRegistration_NamingTheSetting(double? window, double? timeout, double? retryAfter, string? prefix, string expected)
    {
        var builder = new ServiceCollection().AddGreenApi(o => { });
        Assert.That(
            () => builder.UseRedisRateLimiter("localhost:6379", o =>
            {
                o.Window = window is { } w ? TimeSpan.FromSeconds(w) : o.Window;
                o.StoreTimeout = timeout is { } t ? TimeSpan.FromSeconds(t) : o.StoreTimeout;
                o.StoreRetryAfter = retryAfter is { } r ? TimeSpan.FromSeconds(r) : o.StoreRetryAfter;
                o.KeyPrefix = prefix ?? o.KeyPrefix;
            }),
            Throws.ArgumentException.With.Message.Contains(expected));
    }

    [TestCase(1.0, 1.9)]
    [TestCase(1.2, 2.0)]
    [TestCase(1.0, 3601.0)]
    public void MaxWait_ShorterThanTwoWindowsOrLongerThanAnHour_FailsAtRegistration_NamingTheSetting(double window, double maxWait)
    {
        var builder = new ServiceCollection().AddGreenApi(o => { });
        Assert.That(
            () => builder.UseRedisRateLimiter("localhost:6379", o =>
            {
                o.Window = TimeSpan.FromSeconds(window);
                o.MaxWait = TimeSpan.FromSeconds(maxWait);
            }),
            Throws.ArgumentException.With.Message.Contains("MaxWait must be at least twice Window (a restarted store grants nothing for one window) and at most 1 hour."));
        Assert.That(() => builder.UseRedisRateLimiter("localhost:6379", o => o.MaxWait = TimeSpan.FromSeconds(2 * 1.2)), Throws.Nothing, "twice the default window is allowed");
    }

    [Test]
    public void Configuration_NotAConfigurationString_FailsAtRegistration_WithoutQuotingIt()
    {
        var builder = new ServiceCollection().AddGreenApi(o => { });
        Assert.That(() => builder.UseRedisRateLimiter("localhost,password=hunter2-secret,notAnOption=1"),
            Throws.ArgumentException.With.Message.Contains("configuration must be a StackExchange.Redis configuration string").And.Message.Not.Contains("hunter2"));
        Assert.That(() => builder.UseRedisRateLimiter(" "), Throws.ArgumentException);
    }

    [Test]
    public async Task NoLimitConfigured_NoLimiter_NothingInTheStore()
    {
        await using var replica = Replicas.GreenApi(_store.Configuration, _gateway.BaseAddress, options: o => { o.IdInstance = 1101000083; o.MaxSendsPerSecond = 0; });
        await Task.WhenAll(Enumerable.Range(0, 80).Select(i => replica.GetRequiredService<IWhatsAppSender>().SendTextAsync(Replicas.Chat, $"unlimited {i}")));
        await using var admin = await ConnectionMultiplexer.ConnectAsync(_store.Configuration + ",allowAdmin=true");
        Assert.That(admin.GetServer(admin.GetEndPoints()[0]).Keys(pattern: "*1101000083*"), Is.Empty);
    }
}
