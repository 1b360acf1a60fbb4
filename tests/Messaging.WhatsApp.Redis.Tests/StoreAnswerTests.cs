using System;
using System.Linq;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace Messaging.WhatsApp.Redis.Tests;

/// <summary>
/// The limiter against a store that answers its permit script oddly (a <see cref="FakeRespServer"/>), one class of
/// answer per test, through a GREEN-API sender as a user registers it: nothing outside the script's contract is a
/// permit, no send waits past its bound, and a waiting replica does not call the store more than once per 10 ms
/// after an answer that brought no permit.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class StoreAnswerTests
{
    private FakeGateway _gateway = null!;
    private long _nextInstance = 1102000000;

    [OneTimeSetUp]
    public async Task Start() => _gateway = await FakeGateway.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _gateway.DisposeAsync();

    [TestCase("wrong length", "*1 :1")]
    [TestCase("wrong length", "*0")]
    [TestCase("extra element", "*3 :1 :0 :0")]
    [TestCase("strings for integers", "*2 $1 1 $1 0")]
    [TestCase("strings for integers", "*2 +1 :0")]
    [TestCase("nested array", "*2 *1 :1 :0")]
    [TestCase("null array", "*-1")]
    [TestCase("null element", "*2 :1 $-1")]
    [TestCase("scalar", ":1")]
    [TestCase("RESP3 set", "~2 :1 :0")]
    [TestCase("RESP3 boolean", "*2 #t :0")]
    [TestCase("RESP3 double", "*2 ,1 :0")]
    [TestCase("RESP3 big number", "*2 (1 :0")]
    [TestCase("grant with a wait", "*2 :1 :5000")]
    [TestCase("first element 2", "*2 :2 :0")]
    [TestCase("first element -1", "*2 :-1 :5000")]
    [TestCase("wait 0", "*2 :0 :0")]
    [TestCase("wait under 1 ms", "*2 :0 :999")]
    [TestCase("negative wait", "*2 :0 :-5")]
    [TestCase("wait over the window", "*2 :0 :1000001")]
    [TestCase("wait of 11 days", "*2 :0 :1000000000000")]
    [TestCase("wait of long.MaxValue", "*2 :0 :9223372036854775807")]
    [TestCase("not RESP", "?x")]
    [TestCase("integer beyond long", "*2 :1 :99999999999999999999")]
    public async Task AnswerOutsideTheContract_IsNoPermit_TheSendFailsTypedAtOnce_NothingSent_LoggedOnce(string name, string resp)
    {
        var instance = Interlocked.Increment(ref _nextInstance);
        using var store = new FakeRespServer(_ => StoreAnswers.Odd(name, resp));
        var logs = new CapturedLogs();
        await using var replica = OddStore.Replica(store, _gateway, instance, logs);

        var outcome = await SharedLimitTests.Send(replica, $"odd {name} {instance}").WaitAsync(OddStore.Bound + OddStore.Slack);

        Assert.That(_gateway.Arrivals.Select(a => a.Text), Has.None.EqualTo($"odd {name} {instance}"), "no permit, nothing sent");
        Assert.That(outcome.Error, Is.TypeOf<WhatsAppRateLimitedException>());
        var error = (WhatsAppRateLimitedException)outcome.Error!;
        Assert.That(error.Message, Does.Contain("the shared rate limit store's answer was not understood; try later").And.Contain("nothing was sent"));
        Assert.That(error.IsSafeToRetry, Is.True);
        Assert.That(error.RetryAfter, Is.EqualTo(OddStore.StoreRetryAfter));
        Assert.That(OddStore.Asks(store, instance), Has.Length.EqualTo(1), "one answer outside the contract ends the wait: the store is not asked again");
        var warnings = logs.Lines.Where(l => l.StartsWith("Warning Messaging.WhatsApp.Redis", StringComparison.Ordinal)).ToArray();
        Assert.That(warnings, Has.Length.EqualTo(1));
        Assert.That(warnings[0], Does.Contain("answered outside the permit script's contract"));
    }

    [TestCase("-ERR unknown command 'EVALSHA'")]
    [TestCase("-NOSCRIPT No matching script. Please use EVAL.")]
    [TestCase("-BUSY Redis is busy running a script.")]
    [TestCase("-READONLY You can't write against a read only replica.")]
    [TestCase("-OOM command not allowed when used memory > 'maxmemory'.")]
    [TestCase("-LOADING Redis is loading the dataset in memory")]
    public async Task ErrorAnswer_FailsTypedAtOnce_SayingTheStoreAnsweredWithAnError_WithoutQuotingIt(string line)
    {
        var instance = Interlocked.Increment(ref _nextInstance);
        using var store = new FakeRespServer(_ => StoreAnswers.Error(line + " store-words-xyzzy"));
        var logs = new CapturedLogs();
        await using var replica = OddStore.Replica(store, _gateway, instance, logs);

        var outcome = await SharedLimitTests.Send(replica, $"error {instance}").WaitAsync(OddStore.Bound + OddStore.Slack);

        Assert.That(_gateway.Arrivals.Select(a => a.Text), Has.None.EqualTo($"error {instance}"));
        Assert.That(outcome.Error, Is.TypeOf<WhatsAppRateLimitedException>());
        Assert.That(outcome.Error!.Message, Does.Contain("the shared rate limit store answered with an error; try later").And.Contain("nothing was sent"));
        Assert.That(((WhatsAppRateLimitedException)outcome.Error).RetryAfter, Is.EqualTo(OddStore.StoreRetryAfter));
        Assert.That(logs.Lines.Count(l => l.StartsWith("Warning Messaging.WhatsApp.Redis", StringComparison.Ordinal) && l.Contains("answered outside the permit script's contract", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(logs.All + outcome.Error, Does.Not.Contain("xyzzy"), "the store's words are neither logged nor quoted");
    }

    [Test]
    public async Task AnswersOutsideTheContract_WarnOncePerOutage_ThenTheStoreAnswersAgain_AndSendsGo()
    {
        var instance = Interlocked.Increment(ref _nextInstance);
        var answered = 0;
        using var store = new FakeRespServer(c => c.Mode == "leave" ? StoreAnswers.Left()
            : Interlocked.Increment(ref answered) <= 3 ? StoreAnswers.Odd("extra element", "*3 :1 :0 :0") : StoreAnswers.Grant());
        var logs = new CapturedLogs();
        await using var replica = OddStore.Replica(store, _gateway, instance, logs);

        var outcomes = new SharedLimitTests.Outcome[4];
        for (var i = 0; i < outcomes.Length; i++)
        {
            outcomes[i] = await SharedLimitTests.Send(replica, $"outage {instance} {i}").WaitAsync(OddStore.Bound + OddStore.Slack);
        }

        Assert.That(outcomes.Take(3).Select(o => o.Error?.Message ?? "sent"), Is.All.Contain("answer was not understood"));
        Assert.That(outcomes[3].Result, Is.Not.Null, "a valid permit after the outage lets the send go");
        Assert.That(_gateway.Arrivals.Where(a => a.Text.StartsWith($"outage {instance} ", StringComparison.Ordinal)).Select(a => a.Text), Is.EqualTo(new[] { $"outage {instance} 3" }));
        var lines = logs.Lines.Where(l => l.Contains("Messaging.WhatsApp.Redis:", StringComparison.Ordinal)).ToArray();
        Assert.That(lines.Count(l => l.StartsWith("Warning", StringComparison.Ordinal)), Is.EqualTo(1), string.Join("\n", lines));
        Assert.That(lines.Count(l => l.StartsWith("Information", StringComparison.Ordinal) && l.Contains("answers again", StringComparison.Ordinal)), Is.EqualTo(1), string.Join("\n", lines));
    }

    [Test]
    public async Task StoreAlwaysSaysWait_TheSendFailsTypedAfterMaxWait_NothingSent()
    {
        var instance = Interlocked.Increment(ref _nextInstance);
        using var store = new FakeRespServer(c => c.Mode == "leave" ? StoreAnswers.Left() : StoreAnswers.Wait(OddStore.WindowMicroseconds));
        await using var replica = OddStore.Replica(store, _gateway, instance);

        var outcome = await SharedLimitTests.Send(replica, $"always wait {instance}").WaitAsync(OddStore.Bound + OddStore.Slack);

        Assert.That(_gateway.Arrivals.Select(a => a.Text), Has.None.EqualTo($"always wait {instance}"));
        Assert.That(outcome.Error, Is.TypeOf<WhatsAppRateLimitedException>());
        Assert.That(outcome.Error!.Message, Does.Contain("no permit from the shared rate limit store within MaxWait (2 s); try later").And.Contain("nothing was sent"));
        Assert.That(((WhatsAppRateLimitedException)outcome.Error).RetryAfter, Is.EqualTo(OddStore.StoreRetryAfter));
        Assert.That(outcome.Elapsed, Is.GreaterThanOrEqualTo(OddStore.MaxWait), "the send waited its MaxWait, honestly");
        var asks = OddStore.Asks(store, instance);
        Assert.That(asks.Length, Is.InRange(2, 4), "asked again after each wait of a window, within MaxWait (2 windows)");
    }

    [Test]
    public async Task StoreAlwaysSaysWaitOneMillisecond_TheStoreIsAskedAtMostOnceIn10ms_AndTheSendEndsAfterMaxWait()
    {
        var instance = Interlocked.Increment(ref _nextInstance);
        using var store = new FakeRespServer(c => c.Mode == "leave" ? StoreAnswers.Left() : StoreAnswers.Wait(1000));
        await using var replica = OddStore.Replica(store, _gateway, instance);

        var outcome = await SharedLimitTests.Send(replica, $"wait 1 ms {instance}").WaitAsync(OddStore.Bound + OddStore.Slack);

        Assert.That(outcome.Error?.Message, Does.Contain("no permit from the shared rate limit store within MaxWait"));
        var asks = OddStore.Asks(store, instance);
        var (gap, where) = OddStore.ShortestGapAfterNoPermit(asks);
        TestContext.Out.WriteLine($"{asks.Length} asks in {outcome.Elapsed.TotalSeconds:F2} s; shortest gap {gap.TotalMilliseconds:F2} ms");
        Assert.That(gap, Is.GreaterThanOrEqualTo(RedisSlidingWindowRateLimiter.MinimumAskInterval), where);
        Assert.That(asks.Length, Is.LessThanOrEqualTo(1 + (int)(outcome.Elapsed / RedisSlidingWindowRateLimiter.MinimumAskInterval)));
    }

    [Test]
    public async Task StoreFailsAtOnce_SendAfterSend_TheStoreIsAskedAtMostOnceIn10ms_EachSendFailsTyped()
    {
        var instance = Interlocked.Increment(ref _nextInstance);
        using var store = new FakeRespServer(c => c.Mode == "leave" ? StoreAnswers.Left() : StoreAnswers.Error("-BUSY Redis is busy running a script."));
        await using var replica = OddStore.Replica(store, _gateway, instance);

        for (var i = 0; i < 30; i++)
        {
            var outcome = await SharedLimitTests.Send(replica, $"instant error {instance} {i}").WaitAsync(OddStore.Bound + OddStore.Slack);
            Assert.That(outcome.Error, Is.TypeOf<WhatsAppRateLimitedException>());
        }

        var asks = OddStore.Asks(store, instance);
        var (gap, where) = OddStore.ShortestGapAfterNoPermit(asks);
        Assert.That(asks, Has.Length.EqualTo(30), "one ask per send");
        Assert.That(gap, Is.GreaterThanOrEqualTo(RedisSlidingWindowRateLimiter.MinimumAskInterval), where);
        Assert.That(_gateway.Arrivals.Select(a => a.Text), Has.None.StartsWith($"instant error {instance} "));
    }

    [Test]
    public async Task OddAnswersToLeavingTheLine_ChangeNothing_SendsGoWithTheirPermits()
    {
        var instance = Interlocked.Increment(ref _nextInstance);
        var leaves = 0;
        ScriptReply[] odd = [StoreAnswers.Grant(), StoreAnswers.Odd("extra element", "*3 :0 :0 :0"), StoreAnswers.Error("-ERR no"), StoreAnswers.Odd("null", "$-1"), StoreAnswers.Odd("strings", "*2 $1 0 $1 0"), StoreAnswers.Wait(5000)];
        using var store = new FakeRespServer(c => c.Mode == "leave" ? odd[Interlocked.Increment(ref leaves) % odd.Length] : StoreAnswers.Grant());
        await using var replica = OddStore.Replica(store, _gateway, instance);

        for (var i = 0; i < 8; i++)
        {
            var outcome = await SharedLimitTests.Send(replica, $"leave {instance} {i}").WaitAsync(OddStore.Bound + OddStore.Slack);
            Assert.That(outcome.Result, Is.Not.Null, () => $"send {i}: {outcome.Error}");
        }

        Assert.That(_gateway.Arrivals.Count(a => a.Text.StartsWith($"leave {instance} ", StringComparison.Ordinal)), Is.EqualTo(8));
        Assert.That(store.Calls.Count(c => c.Mode == "leave"), Is.GreaterThanOrEqualTo(6), "each send's ticket left the line, and was answered oddly");
    }

    [TestCase("extra element", "*3 :1 :0 :0")]
    [TestCase("strings for integers", "*2 $1 1 $1 0")]
    [TestCase("wait over the window", "*2 :0 :1000001")]
    [TestCase("error", "-BUSY busy")]
    public async Task AttemptAcquire_AnswerOutsideTheContract_IsNotAcquired_NamingWhy(string name, string resp)
    {
        var instance = Interlocked.Increment(ref _nextInstance);
        using var store = new FakeRespServer(_ => StoreAnswers.Odd(name, resp));
        WhatsAppRateLimitContext context = null!;
        var services = new ServiceCollection();
        services.AddGreenApi(o =>
        {
            o.ApiUrl = _gateway.BaseAddress;
            o.IdInstance = instance;
            o.ApiTokenInstance = Replicas.Token;
        }).UseRateLimiter((_, c) =>
        {
            context = c;
            return null;
        });
        await using (var provider = services.BuildServiceProvider())
        {
            provider.GetRequiredService<IWhatsAppSender>();
        }

        using var connections = new RedisRateLimitConnections();
        var options = new RedisRateLimiterOptions { Window = OddStore.Window, StoreTimeout = OddStore.StoreTimeout, MaxWait = OddStore.MaxWait, StoreRetryAfter = OddStore.StoreRetryAfter };
        using var limiter = new RedisSlidingWindowRateLimiter(connections.Database(store.Configuration), context, options, NullLogger.Instance);

        using var lease = limiter.AttemptAcquire(1);

        Assert.That(lease.IsAcquired, Is.False);
        Assert.That(lease.TryGetMetadata(MetadataName.ReasonPhrase, out var reason), Is.True);
        Assert.That(reason, Does.StartWith("the shared rate limit store").And.Contain(resp.StartsWith('-') ? "answered with an error" : "answer was not understood"));
        Assert.That(lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter), Is.True);
        Assert.That(retryAfter, Is.EqualTo(OddStore.StoreRetryAfter));
    }
}
