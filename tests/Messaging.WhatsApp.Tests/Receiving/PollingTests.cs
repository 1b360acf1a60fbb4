using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Receiving;

/// <summary>
/// GREEN-API polling in a worker host against an emulated notification queue: each notification dispatched,
/// then deleted only once its handlers returned (at least once); unreadable ones deleted with a warning; "nothing
/// arrived" answers taken as such; failures waited out with a doubling delay on a clock the test controls; a
/// clean stop with a long poll in flight; the token in no log line; bad settings refused at startup by name.
/// </summary>
public sealed class PollingTests
{
    private static readonly long[] Only41 = [41];
    private static readonly long[] Only5 = [5];
    private static readonly TimeSpan[] AskedThenDoubled = Seconds(5, 2);
    private static readonly int[] NoDeleteSeen = [0, 0];
    private static readonly long[] FirstThenSecond = [9, 10];
    private static readonly string[] Sales = ["sales"];
    private static readonly TimeSpan[] Doubling = Seconds(1, 2, 4, 8, 1);
    private static readonly TimeSpan[] Capped = Seconds(1, 2, 3, 3, 3, 3);

    private static readonly NotificationRecording Status = NotificationRecording.Of("green-api").First(r => r.NotificationTypeName == "GreenApiOutgoingMessageStatusNotification" && r.Updates.Count == 1);

    private static string StatusBody => Encoding.UTF8.GetString(Status.Body);

    [Test]
    public async Task Poll_NotificationQueued_DispatchedThenDeletedAfterTheHandlers()
    {
        await using var queue = new FakeGreenApiNotifications(TestServices.GreenToken);
        queue.Enqueue(41, StatusBody);
        await using var host = PollingHost.Create(queue);
        var deletedBeforeHandlerReturned = new List<long>();
        host.Received.OnUpdate = (_, _) =>
        {
            deletedBeforeHandlerReturned.AddRange(queue.Deleted);
            return Task.CompletedTask;
        };

        await host.StartAsync();
        await FakeGreenApiNotifications.WaitForAsync(() => queue.Deleted.Count == 1, "the notification deleted");

        var dispatched = host.Received.Dispatched.Single();
        Assert.Multiple(() =>
        {
            Assert.That(host.Received.Updates.Select(ExpectedUpdate.Of), Is.EqualTo(Status.Updates), "the same update as by webhook");
            Assert.That(dispatched.Context.Channel, Is.EqualTo(WhatsAppReceiveChannel.Polling));
            Assert.That(dispatched.Context.RegistrationName, Is.Empty);
            Assert.That(dispatched.Notification.GetType(), Is.EqualTo(Status.NotificationType));
            Assert.That(queue.Deleted, Is.EqualTo(Only41));
            Assert.That(deletedBeforeHandlerReturned, Is.Empty, "not deleted while the handler ran");
            Assert.That(queue.Requests.Single(r => r.Method == "DELETE").Target, Does.EndWith("/41"));
        });
    }

    [TestCase("""{"receiptId":5,"body":{"typeWebhook":"x",}}""", 5L, TestName = "ReceiptIdOf_BodyBrokenAfterTheId_TheId")]
    [TestCase("""{"body":{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]},"receiptId":6,"receiptId":6}""", null, TestName = "ReceiptIdOf_IdGivenTwice_None")]
    [TestCase("""{"body":{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]},"receiptId":7}""", 7L, TestName = "ReceiptIdOf_AfterADeepBody_TheId")]
    [TestCase("""{"receiptId":"8","body":{}}""", null, TestName = "ReceiptIdOf_IdAsAString_None")]
    [TestCase("""{"body":{"receiptId":9}}""", null, TestName = "ReceiptIdOf_OnlyInsideTheBody_None")]
    [TestCase("""[{"receiptId":10}]""", null, TestName = "ReceiptIdOf_NotAnObject_None")]
    [TestCase("", null, TestName = "ReceiptIdOf_Empty_None")]
    public void ReceiptIdOf_BrokenEnvelope(string response, long? expected) =>
        Assert.That(Messaging.WhatsApp.GreenApi.GreenApiNotificationPoller.ReceiptIdOf(response), Is.EqualTo(expected));

    [Test]
    public async Task Poll_SeveralQueued_EachDispatchedOnceInQueueOrderAndDeleted()
    {
        await using var queue = new FakeGreenApiNotifications(TestServices.GreenToken);
        var bodies = NotificationRecording.Of("green-api").ToList();
        for (var i = 0; i < bodies.Count; i++)
        {
            queue.Enqueue(100 + i, Encoding.UTF8.GetString(bodies[i].Body));
        }

        await using var host = PollingHost.Create(queue);
        await host.StartAsync();
        await FakeGreenApiNotifications.WaitForAsync(() => queue.Deleted.Count == bodies.Count, "every notification deleted");

        Assert.Multiple(() =>
        {
            Assert.That(queue.Deleted, Is.EqualTo(Enumerable.Range(100, bodies.Count).Select(i => (long)i)));
            Assert.That(host.Received.Dispatched.Select(d => d.Notification.GetType()), Is.EqualTo(bodies.Select(b => b.NotificationType)));
            Assert.That(host.Received.Updates.Select(ExpectedUpdate.Of), Is.EqualTo(bodies.SelectMany(b => b.Updates)));
        });
    }

    [Test]
    public async Task Poll_HandlerFails_NotDeletedDeliveredAgainThenDeleted()
    {
        await using var queue = new FakeGreenApiNotifications(TestServices.GreenToken);
        queue.Enqueue(7, StatusBody);
        await using var host = PollingHost.Create(queue);
        var attempts = 0;
        var deletesSeenByAttempt = new List<int>();
        host.Received.OnUpdate = (_, _) =>
        {
            deletesSeenByAttempt.Add(queue.Requests.Count(r => r.Method == "DELETE"));
            return Interlocked.Increment(ref attempts) == 1 ? throw new InvalidOperationException("store unavailable") : Task.CompletedTask;
        };

        await host.StartAsync();
        await FakeGreenApiNotifications.WaitForAsync(() => queue.Deleted.Count == 1, "deleted after the second attempt");

        Assert.Multiple(() =>
        {
            Assert.That(attempts, Is.EqualTo(2), "delivered again after the failure");
            Assert.That(deletesSeenByAttempt, Is.EqualTo(NoDeleteSeen), "no delete after the failure, none before the success");
            Assert.That(queue.Requests.Count(r => r.Method == "DELETE"), Is.EqualTo(1));
            Assert.That(host.Received.Dispatched.Select(d => d.Context.Updates.Single().DeduplicationKey).Distinct().Count(), Is.EqualTo(1), "the same key both times");
            Assert.That(host.Time.Delays, Does.Contain(TimeSpan.FromSeconds(1)), "a handler failure is waited out");
            Assert.That(host.Logs.Entries.Count(e => e.Level == LogLevel.Error && e.Exception?.Contains("store unavailable", StringComparison.Ordinal) == true), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Poll_DeleteFails_HandledAgainThenDeleted()
    {
        await using var queue = new FakeGreenApiNotifications(TestServices.GreenToken);
        queue.Enqueue(8, StatusBody);
        queue.ScriptDeletes(FakeGreenApiNotifications.Text(500, "Internal Server Error"));
        await using var host = PollingHost.Create(queue);

        await host.StartAsync();
        await FakeGreenApiNotifications.WaitForAsync(() => queue.Deleted.Count == 1, "deleted at the second try");

        Assert.Multiple(() =>
        {
            Assert.That(host.Received.Updates, Has.Count.EqualTo(2), "at least once: handled again when the delete failed");
            Assert.That(queue.Requests.Count(r => r.Method == "DELETE"), Is.EqualTo(2));
        });
    }

    [TestCase("""{"typeWebhook":"outgoingMessageStatus","idMessage":"X"}""", TestName = "Poll_KnownTypeMissingARequiredField_DeletedWithAWarning")]
    [TestCase("""{"typeWebhook":"outgoingMessageStatus","idMessage":5,"status":"sent"}""", TestName = "Poll_KnownTypeWithAWrongFieldType_DeletedWithAWarning")]
    [TestCase("""{"noType":1}""", TestName = "Poll_BodyWithoutType_DeletedWithAWarning")]
    [TestCase("\"a string\"", TestName = "Poll_BodyNotAnObject_DeletedWithAWarning")]
    [TestCase("[1,2]", TestName = "Poll_BodyAnArray_DeletedWithAWarning")]
    public async Task Poll_UnreadableNotification_DeletedWithAWarningAndNotDispatched(string body)
    {
        await using var queue = new FakeGreenApiNotifications(TestServices.GreenToken);
        queue.Enqueue(9, body);
        queue.Enqueue(10, StatusBody);
        await using var host = PollingHost.Create(queue);

        await host.StartAsync();
        await FakeGreenApiNotifications.WaitForAsync(() => queue.Deleted.Count == 2, "both deleted");

        Assert.Multiple(() =>
        {
            Assert.That(queue.Deleted, Is.EqualTo(FirstThenSecond), "the unreadable one does not block the queue");
            Assert.That(host.Received.Dispatched, Has.Count.EqualTo(1), "only the readable one dispatched");
            Assert.That(host.Logs.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("notification 9,", StringComparison.Ordinal) && e.Message.Contains("cannot be read", StringComparison.Ordinal)), Is.EqualTo(1));
        });
    }

    [TestCase("""{"receiptId":12,"body":null}""", TestName = "Poll_EnvelopeWithNullBody_DeletedWithAWarning")]
    [TestCase("""{"receiptId":12}""", TestName = "Poll_EnvelopeWithoutBody_DeletedWithAWarning")]
    [TestCase("""{"receiptId":12,"body":{"typeWebhook":"outgoingMessageStatus","idMessage":"X","status":"sent"},"body":{}}""", TestName = "Poll_EnvelopeWithBodyTwice_DeletedWithAWarning")]
    public async Task Poll_UnreadableEnvelopeWithAReceiptId_DeletedWithAWarningNotRetriedForever(string envelope)
    {
        await using var queue = new FakeGreenApiNotifications(TestServices.GreenToken);
        // GREEN-API hands out the head of its queue until it is deleted: the same answer every time.
        queue.ScriptReceives(Enumerable.Repeat(FakeGreenApiNotifications.Json(200, envelope), 5).ToArray());
        await using var host = PollingHost.Create(queue);

        await host.StartAsync();
        await FakeGreenApiNotifications.WaitForAsync(() => queue.Receives >= 6, "the answers were received");

        Assert.Multiple(() =>
        {
            Assert.That(queue.Requests.Where(r => r.Method == "DELETE").Select(r => r.Target), Has.Some.EndsWith("/12"), "deleted, or it holds the queue for 24 hours");
            Assert.That(host.Received.Notifications, Is.Empty);
        });
    }

    [Test]
    public async Task Poll_NullEmptyAndWhiteSpace200_NothingDispatchedNothingDeletedNoErrorWait()
    {
        await using var queue = new FakeGreenApiNotifications(TestServices.GreenToken);
        queue.ScriptReceives(
            FakeGreenApiNotifications.Json(200, "null"),
            RawHttpServer.Response(200, "application/json", string.Empty),
            RawHttpServer.Response(200, null, string.Empty),
            FakeGreenApiNotifications.Json(200, " null \n"));
        await using var host = PollingHost.Create(queue);

        await host.StartAsync();
        await FakeGreenApiNotifications.WaitForAsync(() => queue.Receives >= 6, "the scripted answers and more were received");

        Assert.Multiple(() =>
        {
            Assert.That(host.Received.Notifications, Is.Empty);
            Assert.That(queue.Requests.Where(r => r.Method == "DELETE"), Is.Empty);
            Assert.That(host.Time.Delays.Where(d => d >= TimeSpan.FromSeconds(1)), Is.Empty, "nothing arrived is not a failure");
            Assert.That(host.Logs.Entries.Where(e => e.Level >= LogLevel.Warning), Is.Empty);
        });
    }

    [Test]
    public async Task Poll_FailuresInARow_WaitDoublesFrom1sAndResetsAfterASuccess()
    {
        await using var queue = new FakeGreenApiNotifications(TestServices.GreenToken);
        queue.ScriptReceives(
            RawHttpServer.Response(429, null, string.Empty),
            FakeGreenApiNotifications.Text(500, "Internal Server Error"),
            RawHttpServer.Response(401, null, string.Empty),
            FakeGreenApiNotifications.Text(502, "<html>Bad Gateway</html>"),
            FakeGreenApiNotifications.Json(200, "null"),
            FakeGreenApiNotifications.Text(500, "Internal Server Error"));
        await using var host = PollingHost.Create(queue);

        await host.StartAsync();
        await FakeGreenApiNotifications.WaitForAsync(() => queue.Receives >= 8, "the scripted answers were received");

        Assert.Multiple(() =>
        {
            Assert.That(host.Time.Delays.Where(d => d >= TimeSpan.FromSeconds(1)).Take(5), Is.EqualTo(Doubling));
            Assert.That(host.Logs.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.StartsWith("GREEN-API receiveNotification failed", StringComparison.Ordinal)), Is.EqualTo(5));
        });
    }

    [Test]
    public async Task Poll_FailuresBeyondTheCap_WaitStaysAtMaxErrorDelay()
    {
        await using var queue = new FakeGreenApiNotifications(TestServices.GreenToken);
        queue.ScriptReceives(Enumerable.Repeat(FakeGreenApiNotifications.Text(500, "down"), 6).ToArray());
        await using var host = PollingHost.Create(queue, polling: p => p.MaxErrorDelay = TimeSpan.FromSeconds(3));

        await host.StartAsync();
        await FakeGreenApiNotifications.WaitForAsync(() => queue.Receives >= 7, "the failures were received");

        Assert.That(host.Time.Delays.Where(d => d >= TimeSpan.FromSeconds(1)).Take(6), Is.EqualTo(Capped));
    }

    [Test]
    public async Task Poll_429WithRetryAfter_WaitsWhatItAsksWithinTheCap()
    {
        await using var queue = new FakeGreenApiNotifications(TestServices.GreenToken);
        queue.ScriptReceives(
            RawHttpServer.Response(429, null, string.Empty, ("Retry-After", "5")),
            RawHttpServer.Response(429, null, string.Empty, ("Retry-After", "3600")));
        await using var host = PollingHost.Create(queue, polling: p => p.MaxErrorDelay = TimeSpan.FromSeconds(60));

        await host.StartAsync();
        await FakeGreenApiNotifications.WaitForAsync(() => queue.Receives >= 3, "both 429s were received");

        Assert.That(host.Time.Delays.Where(d => d >= TimeSpan.FromSeconds(1)).Take(2), Is.EqualTo(AskedThenDoubled), "5 s as asked; an hour is beyond the cap, so the doubling wait (1 s, then 2 s)");
    }

    [Test]
    public async Task Poll_HostStopsWhileALongPollIsPending_StopsCleanly()
    {
        await using var queue = new FakeGreenApiNotifications(TestServices.GreenToken) { HoldReceives = true };
        await using var host = PollingHost.Create(queue);
        await host.StartAsync();
        await FakeGreenApiNotifications.WaitForAsync(() => queue.Receives == 1, "a long poll in flight");

        using var bound = new CancellationTokenSource(RawHttpClient.AnswerBound);
        await host.StopAsync();

        var execute = host.Poller.ExecuteTask!;
        Assert.Multiple(() =>
        {
            Assert.That(execute.IsCompletedSuccessfully, Is.True, "the poll loop ended without an error");
            Assert.That(host.Logs.Entries.Count(e => e.Message.StartsWith("Stopped polling GREEN-API instance", StringComparison.Ordinal)), Is.EqualTo(1));
            Assert.That(host.Logs.Entries.Where(e => e.Level >= LogLevel.Error), Is.Empty, "stopping is not a failure");
            Assert.That(host.Logs.Entries.Where(e => e.Category == "Messaging.WhatsApp.Receiving" && e.Level >= LogLevel.Warning), Is.Empty, "stopping is not a failure");
            Assert.That(queue.Receives, Is.EqualTo(1), "no poll after the stop");
        });
    }

    [Test]
    public async Task Poll_HostStopsWhileAHandlerRuns_TheHandledNotificationIsStillDeleted()
    {
        await using var queue = new FakeGreenApiNotifications(TestServices.GreenToken);
        queue.Enqueue(12, StatusBody);
        await using var host = PollingHost.Create(queue);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sawStop = false;
        host.Received.OnUpdate = async (_, cancellationToken) =>
        {
            running.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // A handler that finishes its work although the host is stopping (it has already stored the status).
                sawStop = true;
            }
        };

        await host.StartAsync();
        await running.Task.WaitAsync(RawHttpClient.AnswerBound);
        await host.StopAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sawStop, Is.True, "the handler ran into the stop");
            Assert.That(queue.Deleted, Is.EqualTo(new long[] { 12 }), "handled, so deleted despite the stop: it must not come again after a restart");
            Assert.That(host.Logs.Entries.Where(e => e.Level >= LogLevel.Warning), Is.Empty, "a clean stop");
        });
    }

    [Test]
    public async Task Poll_AppsOwnHttpHandlerThrowsSomethingUnexpected_PollingSurvivesAndTheHostKeepsRunning()
    {
        await using var queue = new FakeGreenApiNotifications(TestServices.GreenToken);
        queue.Enqueue(5, StatusBody);
        var throwing = new ThrowingHandler(times: 3);
        // An app adds its own handler to the sender's client (a circuit breaker, a rate limiter), which can throw its own exceptions.
        await using var host = PollingHost.Create(queue, sender: b => b.AddHttpMessageHandler(() => throwing));
        var lifetime = (Microsoft.Extensions.Hosting.IHostApplicationLifetime)host.Services.GetService(typeof(Microsoft.Extensions.Hosting.IHostApplicationLifetime))!;

        await host.StartAsync();
        await FakeGreenApiNotifications.WaitForAsync(() => queue.Deleted.Count == 1 || host.Poller.ExecuteTask?.IsCompleted == true, "delivered, or the poll loop ended");

        Assert.Multiple(() =>
        {
            Assert.That(host.Poller.ExecuteTask!.IsCompleted, Is.False, "the poll loop still runs");
            Assert.That(lifetime.ApplicationStopping.IsCancellationRequested, Is.False, "the app was not stopped");
            Assert.That(queue.Deleted, Is.EqualTo(Only5), "delivered once the handler let requests through");
            Assert.That(host.Time.Delays.Where(d => d >= TimeSpan.FromSeconds(1)).Take(3), Is.EqualTo(Seconds(1, 2, 4)), "waited out like any failure");
        });
    }

    [TestCase(null, "20")]
    [TestCase(5, "5")]
    [TestCase(7, "7")]
    [TestCase(25, "25")]
    public async Task Poll_ReceiveTimeout_SentAsConfigured(int? seconds, string expected)
    {
        await using var queue = new FakeGreenApiNotifications(TestServices.GreenToken);
        await using var host = PollingHost.Create(queue, polling: seconds is { } s ? p => p.ReceiveTimeout = TimeSpan.FromSeconds(s) : null);

        await host.StartAsync();
        await FakeGreenApiNotifications.WaitForAsync(() => queue.Receives >= 1, "a receive");

        var target = queue.Requests.First(r => r.Method == "GET").Target;
        Assert.Multiple(() =>
        {
            Assert.That(target, Does.EndWith("?receiveTimeout=" + expected));
            Assert.That(target, Does.StartWith($"/waInstance{TestServices.GreenInstance}/receiveNotification/"));
        });
    }

    [Test]
    public async Task Poll_NamedInstance_UpdatesCarryItsName()
    {
        await using var queue = new FakeGreenApiNotifications(TestServices.GreenToken);
        queue.Enqueue(1, StatusBody);
        await using var host = PollingHost.Create(queue, name: "sales");

        await host.StartAsync();
        await FakeGreenApiNotifications.WaitForAsync(() => queue.Deleted.Count == 1, "deleted");

        Assert.That(host.Received.Updates.Select(u => u.RegistrationName), Is.EqualTo(Sales));
    }

    [Test]
    public async Task Poll_GatewayEchoesTheTokenInEveryAnswer_TokenInNoLogLine()
    {
        var token = TestServices.GreenToken;
        await using var queue = new FakeGreenApiNotifications(token);
        queue.ScriptReceives(
            FakeGreenApiNotifications.Json(400, $$"""{"statusCode":400,"path":"/waInstance1/receiveNotification/{{token}}","message":"bad {{token}}"}"""),
            FakeGreenApiNotifications.Text(500, "failed for " + token),
            FakeGreenApiNotifications.Text(403, "<html>no instance for token " + token + "</html>"),
            FakeGreenApiNotifications.Json(466, $$$"""{"invokeStatus":{"method":"receivenotification","status":"QUOTE_EXCEEDED","description":"token {{{token}}}"}}"""),
            FakeGreenApiNotifications.Json(200, $$$"""{"receiptId":3,"body":{"typeWebhook":"outgoingMessageStatus","idMessage":5,"status":"{{{token}}}"}}"""),
            FakeGreenApiNotifications.Json(200, $$"""{"receiptId":"{{token}}"}"""));
        queue.ScriptDeletes(FakeGreenApiNotifications.Text(500, "delete failed for " + token));
        await using var host = PollingHost.Create(queue);

        await host.StartAsync();
        await FakeGreenApiNotifications.WaitForAsync(() => queue.Receives >= 7, "every scripted answer");
        await host.StopAsync();

        var leaks = SecretEncodings.Find(token, host.Logs.Entries.SelectMany(e => e.Everything));
        Assert.Multiple(() =>
        {
            Assert.That(host.Logs.Entries.Count(e => e.Level >= LogLevel.Warning), Is.GreaterThanOrEqualTo(6), "the failures were logged");
            Assert.That(leaks, Is.Empty);
        });
    }

    [TestCase(4, 30, "GreenApi:Polling:ReceiveTimeout", TestName = "Start_ReceiveTimeoutBelow5s_FailsNamingTheSetting")]
    [TestCase(61, 90, "GreenApi:Polling:ReceiveTimeout", TestName = "Start_ReceiveTimeoutAbove60s_FailsNamingTheSetting")]
    [TestCase(5.5, 30, "GreenApi:Polling:ReceiveTimeout", TestName = "Start_ReceiveTimeoutNotWholeSeconds_FailsNamingTheSetting")]
    [TestCase(26, 30, "GreenApi:Polling:ReceiveTimeout", TestName = "Start_ReceiveTimeoutNot5sShorterThanTimeout_FailsNamingBoth")]
    [TestCase(20, 10, "GreenApi:Polling:ReceiveTimeout", TestName = "Start_ReceiveTimeoutLongerThanTimeout_FailsNamingBoth")]
    public async Task Start_BadReceiveTimeout_FailsNamingTheSetting(double receiveSeconds, int timeoutSeconds, string setting)
    {
        await using var queue = new FakeGreenApiNotifications(TestServices.GreenToken);
        await using var host = PollingHost.Create(queue, o => o.Timeout = TimeSpan.FromSeconds(timeoutSeconds), p => p.ReceiveTimeout = TimeSpan.FromSeconds(receiveSeconds));

        var error = Assert.CatchAsync(host.StartAsync)!;

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.InstanceOf<OptionsValidationException>().Or.InstanceOf<InvalidOperationException>());
            Assert.That(error.Message, Does.Contain(setting));
            Assert.That(queue.Receives, Is.EqualTo(0), "nothing polled");
        });
    }

    [Test]
    public async Task Start_NamedInstanceBadReceiveTimeout_FailsNamingTheInstance()
    {
        await using var queue = new FakeGreenApiNotifications(TestServices.GreenToken);
        await using var host = PollingHost.Create(queue, polling: p => p.ReceiveTimeout = TimeSpan.FromSeconds(100), name: "sales");

        var error = Assert.CatchAsync(host.StartAsync)!;

        Assert.That(error.Message, Does.Contain("GreenApi[sales]:Polling:ReceiveTimeout"));
    }

    [Test]
    public async Task Start_MaxErrorDelayBelow1s_FailsNamingTheSetting()
    {
        await using var queue = new FakeGreenApiNotifications(TestServices.GreenToken);
        await using var host = PollingHost.Create(queue, polling: p => p.MaxErrorDelay = TimeSpan.FromMilliseconds(500));

        var error = Assert.CatchAsync(host.StartAsync)!;

        Assert.That(error.Message, Does.Contain("GreenApi:Polling:MaxErrorDelay"));
    }

    [TestCase(5, 10)]
    [TestCase(25, 30)]
    [TestCase(60, 65)]
    public async Task Start_ReceiveTimeoutAtTheLimits_Starts(int receiveSeconds, int timeoutSeconds)
    {
        await using var queue = new FakeGreenApiNotifications(TestServices.GreenToken);
        await using var host = PollingHost.Create(queue, o => o.Timeout = TimeSpan.FromSeconds(timeoutSeconds), p => p.ReceiveTimeout = TimeSpan.FromSeconds(receiveSeconds));

        await host.StartAsync();
        await FakeGreenApiNotifications.WaitForAsync(() => queue.Receives >= 1, "a receive");

        Assert.That(queue.Requests[0].Target, Does.EndWith("receiveTimeout=" + receiveSeconds));
    }

    private static TimeSpan[] Seconds(params int[] seconds) => seconds.Select(s => TimeSpan.FromSeconds(s)).ToArray();

    /// <summary>Throws an exception of its own for the first requests, as a circuit breaker that is open does.</summary>
    private sealed class ThrowingHandler(int times) : System.Net.Http.DelegatingHandler
    {
        private int _left = times;

        protected override Task<System.Net.Http.HttpResponseMessage> SendAsync(System.Net.Http.HttpRequestMessage request, CancellationToken cancellationToken) =>
            Interlocked.Decrement(ref _left) >= 0
                ? throw new InvalidOperationException("The circuit is now open and is not allowing calls.")
                : base.SendAsync(request, cancellationToken);
    }
}
