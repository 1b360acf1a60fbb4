using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Receiving;

/// <summary>
/// The library's receiving telemetry as the README names it: a <c>whatsapp.receive</c> span per dispatched
/// notification, and the <c>whatsapp.server.notifications</c> counter by provider, channel, type and outcome,
/// whose type tag stays bounded whatever type names a gateway (or an attacker with the token) sends.
/// </summary>
[NonParallelizable]
public sealed class WebhookTelemetryTests
{
    private const string Token = "telemetry-green-token-01";
    private const string Secret = "telemetry-maytapi-secret-01";
    private const string Counter = "whatsapp.server.notifications";

    private static readonly string[] OtherOnly = ["other"];

    [Test]
    public async Task Receive_EachOutcome_CountedOnceWithItsTags()
    {
        using var capture = new TelemetryCapture();
        await using var host = await StartAsync();
        var status = NotificationRecording.Of("green-api").First(r => r.NotificationTypeName == "GreenApiOutgoingMessageStatusNotification").Body;
        var ack = NotificationRecording.Of("maytapi").First(r => r.NotificationTypeName == "MaytapiAckNotification" && r.Updates.Count > 0).Body;

        await Expect(host.StatusOfPostAsync("/whatsapp/green-api", status, "Bearer " + Token), HttpStatusCode.OK);
        await Expect(host.StatusOfPostAsync("/whatsapp/maytapi?secret=" + Secret, ack), HttpStatusCode.OK);
        await Expect(host.StatusOfPostAsync("/whatsapp/green-api", status, "Bearer nope"), HttpStatusCode.Unauthorized);
        await Expect(host.StatusOfPostAsync("/whatsapp/maytapi?secret=" + Secret, "{"u8.ToArray()), HttpStatusCode.BadRequest);
        await Expect(host.StatusOfPostAsync("/whatsapp/maytapi?secret=" + Secret, new byte[WebhookReceiver.MaxBodyBytes + 1]), HttpStatusCode.BadRequest);
        await Expect(host.StatusOfPostAsync("/whatsapp/green-api", Encoding.UTF8.GetBytes("""{"typeWebhook":"incomingCall"}"""), "Bearer " + Token), HttpStatusCode.OK);
        host.Received.OnUpdate = (_, _) => throw new InvalidOperationException("handler failed");
        await Expect(host.StatusOfPostAsync("/whatsapp/green-api", status, "Bearer " + Token), HttpStatusCode.InternalServerError);
        host.Received.OnUpdate = (_, _) => throw new TaskCanceledException("the handler's own call timed out");
        await Expect(host.StatusOfPostAsync("/whatsapp/green-api", status, "Bearer " + Token), HttpStatusCode.InternalServerError);

        Assert.Multiple(() =>
        {
            Assert.That(capture.Sum(Counter, ("whatsapp.provider", "green-api"), ("whatsapp.notification.type", "outgoingMessageStatus"), ("whatsapp.outcome", "handled"), ("whatsapp.channel", "webhook")), Is.EqualTo(1));
            Assert.That(capture.Sum(Counter, ("whatsapp.provider", "maytapi"), ("whatsapp.notification.type", "ack"), ("whatsapp.outcome", "handled")), Is.EqualTo(1));
            Assert.That(capture.Sum(Counter, ("whatsapp.provider", "green-api"), ("whatsapp.outcome", "unauthorized")), Is.EqualTo(1));
            Assert.That(capture.Sum(Counter, ("whatsapp.provider", "maytapi"), ("whatsapp.outcome", "malformed")), Is.EqualTo(1));
            Assert.That(capture.Sum(Counter, ("whatsapp.provider", "maytapi"), ("whatsapp.outcome", "too_large")), Is.EqualTo(1));
            Assert.That(capture.Sum(Counter, ("whatsapp.provider", "green-api"), ("whatsapp.notification.type", "other"), ("whatsapp.outcome", "handled")), Is.EqualTo(1));
            Assert.That(capture.Sum(Counter, ("whatsapp.provider", "green-api"), ("whatsapp.outcome", "handler_failed")), Is.EqualTo(2), "a handler's own cancellation is a failure, not an aborted request");
            Assert.That(capture.Sum(Counter, ("whatsapp.outcome", "cancelled")), Is.EqualTo(0));
            Assert.That(capture.Measurements.Count(m => m.Instrument == Counter), Is.EqualTo(8), "one count per request");
            Assert.That(capture.Measurements.Count(m => m.Instrument == "whatsapp.server.notification.duration"), Is.EqualTo(5), "a duration per dispatch");
        });
    }

    [Test]
    public async Task Receive_ClientAborts_CountedAsCancelled()
    {
        using var capture = new TelemetryCapture();
        await using var host = await StartAsync();
        var body = NotificationRecording.Of("maytapi").First(r => r.Updates.Count == 1).Body;
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Received.OnNotification = async (_, token) =>
        {
            running.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, token);
            }
            finally
            {
                stopped.TrySetResult();
            }
        };
        await using (var client = await RawHttpClient.ConnectAsync(host.BaseUrl))
        {
            await client.WriteAsync(RawHttpClient.Head("POST", "/whatsapp/maytapi?secret=" + Secret, ("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            await client.WriteAsync(body);
            await running.Task.WaitAsync(RawHttpClient.AnswerBound);
            client.Reset();
        }

        await stopped.Task.WaitAsync(RawHttpClient.AnswerBound);
        await WaitForAsync(() => capture.Measurements.Any(m => m.Instrument == Counter));

        Assert.That(capture.Sum(Counter, ("whatsapp.provider", "maytapi"), ("whatsapp.outcome", "cancelled")), Is.EqualTo(1));
    }

    [Test]
    public async Task Receive_ManyUnknownTypeNames_TypeTagStaysBounded()
    {
        using var capture = new TelemetryCapture();
        await using var host = await StartAsync();
        for (var i = 0; i < 40; i++)
        {
            await Expect(host.StatusOfPostAsync("/whatsapp/green-api", Encoding.UTF8.GetBytes($$"""{"typeWebhook":"made-up-{{i}}"}"""), "Bearer " + Token), HttpStatusCode.OK);
            await Expect(host.StatusOfPostAsync("/whatsapp/maytapi?secret=" + Secret, Encoding.UTF8.GetBytes($$"""{"type":"made-up-{{i}}"}""")), HttpStatusCode.OK);
        }

        var typeTags = capture.Measurements.Where(m => m.Instrument.StartsWith("whatsapp.server.", StringComparison.Ordinal))
            .SelectMany(m => m.Tags).Where(t => t.Key == "whatsapp.notification.type").Select(t => t.Value?.ToString()).Distinct().ToList();
        var spanTypes = capture.Activities.Where(a => a.OperationName == "whatsapp.receive").Select(a => a.GetTagItem("whatsapp.notification.type") as string).Distinct().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(typeTags, Is.EqualTo(OtherOnly));
            Assert.That(spanTypes, Is.EqualTo(OtherOnly));
        });
    }

    [Test]
    public async Task Receive_Notification_ReceiveSpanWithProviderChannelTypeAndMessageIdUnderTheRequestSpan()
    {
        using var capture = new TelemetryCapture();
        await using (var host = await StartAsync())
        {
            var ack = NotificationRecording.Of("maytapi").First(r => r.Updates.Count > 1);
            var status = NotificationRecording.Of("green-api").First(r => r.Updates.Count == 1);
            await Expect(host.StatusOfPostAsync("/whatsapp/maytapi?secret=" + Secret, ack.Body), HttpStatusCode.OK);
            await Expect(host.StatusOfPostAsync("/whatsapp/green-api", status.Body, "Bearer " + Token), HttpStatusCode.OK);
        }

        var spans = capture.Activities.Where(a => a.OperationName == "whatsapp.receive").ToList();
        var requests = capture.Activities.Where(a => a.Source.Name == "Microsoft.AspNetCore").Select(a => a.SpanId).ToList();
        var maytapi = spans.Single(s => (string?)s.GetTagItem("whatsapp.provider") == "maytapi");
        var green = spans.Single(s => (string?)s.GetTagItem("whatsapp.provider") == "green-api");
        Assert.Multiple(() =>
        {
            Assert.That(spans.Select(s => s.Kind), Has.All.EqualTo(ActivityKind.Consumer));
            Assert.That(spans.Select(s => s.ParentSpanId), Is.SubsetOf(requests), "inside the request's span");
            Assert.That(maytapi.GetTagItem("whatsapp.channel"), Is.EqualTo("webhook"));
            Assert.That(maytapi.GetTagItem("whatsapp.notification.type"), Is.EqualTo("ack"));
            Assert.That(maytapi.GetTagItem("whatsapp.updates"), Is.GreaterThan(1));
            Assert.That(maytapi.GetTagItem("whatsapp.message_id"), Is.Null, "several updates: no single message id");
            Assert.That(green.GetTagItem("whatsapp.message_id"), Is.Not.Null.And.Not.Empty);
            Assert.That(green.GetTagItem("whatsapp.outcome"), Is.EqualTo("handled"));
            Assert.That(green.Status, Is.EqualTo(ActivityStatusCode.Unset));
        });
    }

    private static Task<WebhookHost> StartAsync() =>
        WebhookHost.StartAsync(services =>
        {
            services.AddGreenApiWebhook(o => o.WebhookToken = Token);
            services.AddMaytapiWebhook(o => o.WebhookSecret = Secret);
        });

    private static async Task Expect(Task<HttpStatusCode> status, HttpStatusCode expected) =>
        Assert.That(await status, Is.EqualTo(expected));

    /// <summary>Waits until <paramref name="done"/> holds, failing the test after a generous bound rather than hanging.</summary>
    private static async Task WaitForAsync(Func<bool> done)
    {
        using var bound = new CancellationTokenSource(RawHttpClient.AnswerBound);
        while (!done())
        {
            await Task.Delay(10, bound.Token);
        }
    }
}
