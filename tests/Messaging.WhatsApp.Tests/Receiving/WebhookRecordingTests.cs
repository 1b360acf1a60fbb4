using System;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Receiving;

/// <summary>
/// Every recorded notification POSTed to a real Kestrel host, as the gateway sent it: the recorded status, exactly
/// the recorded updates (every field), and the typed notification handed to the handlers of its own type, of
/// each base type and of <see cref="object"/>, and to no other, before the update handlers.
/// </summary>
public sealed class WebhookRecordingTests
{
    private WebhookHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() =>
        _host = await WebhookHost.StartAsync(services =>
        {
            services.AddGreenApiWebhook(o => o.WebhookToken = NotificationRecording.GreenApiWebhookToken);
            services.AddMaytapiWebhook(o => o.WebhookSecret = NotificationRecording.MaytapiWebhookSecret);
        });

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [SetUp]
    public void Clear() => _host.Received.Clear();

    [Test]
    public void Recordings_BothProviders_AreThere()
    {
        Assert.Multiple(() =>
        {
            Assert.That(NotificationRecording.Of("green-api").Count(), Is.GreaterThanOrEqualTo(4), "GREEN-API recordings are copied to the output");
            Assert.That(NotificationRecording.Of("maytapi").Count(), Is.GreaterThanOrEqualTo(4), "Maytapi recordings are copied to the output");
        });
    }

    [TestCaseSource(typeof(NotificationRecording), nameof(NotificationRecording.Cases))]
    public async Task Post_Recording_AnswersTheRecordedStatusAndDispatchesExactlyTheRecordedUpdates(NotificationRecording recording)
    {
        using var response = await _host.PostAsync(recording.RequestPath, recording.Body, recording.Authorization, recording.ContentType);

        var updates = _host.Received.Updates;
        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(recording.Status));
            Assert.That(updates.Select(ExpectedUpdate.Of), Is.EqualTo(recording.Updates), "every field of every update, in order");
            Assert.That(updates.Select(u => u.RegistrationName), Has.All.Empty, "the default registration");
        });
    }

    [TestCaseSource(typeof(NotificationRecording), nameof(NotificationRecording.Cases))]
    public async Task Post_Recording_TypedNotificationReachesTheHandlersOfItsTypeItsBasesAndObjectOnly(NotificationRecording recording)
    {
        using var response = await _host.PostAsync(recording.RequestPath, recording.Body, recording.Authorization, recording.ContentType);

        var calls = _host.Received.Notifications;
        var expectedType = recording.NotificationType;
        var notification = calls.Single(c => c.HandlerType == typeof(object)).Notification;
        var expectedHandlers = ReceivedNotifications.HandledTypes.Where(t => t.IsAssignableFrom(expectedType)).OrderBy(t => t.FullName).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(notification.GetType(), Is.EqualTo(expectedType), "the model of the recorded type, not a base or a look-alike");
            Assert.That(calls.Select(c => c.HandlerType).OrderBy(t => t.FullName), Is.EqualTo(expectedHandlers), "its own type, each base type and object, once each");
            Assert.That(calls.Select(c => c.Notification), Has.All.SameAs(notification), "the same instance to every handler");
            Assert.That(_host.Received.Updates.Select(u => u.Notification), Has.All.SameAs(notification), "updates point at the notification they were read from");
            Assert.That(calls.Select(c => c.Context.Provider.Name), Has.All.EqualTo(recording.Provider));
            Assert.That(calls.Select(c => c.Context.Channel), Has.All.EqualTo(WhatsAppReceiveChannel.Webhook));
            Assert.That(calls.Select(c => c.Context.Type), Has.All.EqualTo(TypeOf(recording)), "the gateway's own type name");
            Assert.That(calls.Select(c => c.Context.Updates.Count), Has.All.EqualTo(recording.Updates.Count));
            if (_host.Received.UpdateCalls.Count > 0)
            {
                Assert.That(calls.Max(c => c.Sequence), Is.LessThan(_host.Received.UpdateCalls.Min(u => u.Sequence)), "notification handlers run before update handlers");
            }
        });
    }

    [TestCaseSource(typeof(NotificationRecording), nameof(NotificationRecording.Cases))]
    public async Task Post_RecordingTwice_SameDeduplicationKeysBothTimes(NotificationRecording recording)
    {
        await _host.StatusOfPostAsync(recording.RequestPath, recording.Body, recording.Authorization);
        var first = _host.Received.Updates.Select(u => u.DeduplicationKey).ToList();
        _host.Received.Clear();

        await _host.StatusOfPostAsync(recording.RequestPath, recording.Body, recording.Authorization);

        Assert.That(_host.Received.Updates.Select(u => u.DeduplicationKey), Is.EqualTo(first), "a redelivery is recognisable as the same report");
    }

    [Test]
    public async Task Post_SeveralNamedInstances_EachTokenOpensOnlyItsOwnPathAndUpdatesCarryTheName()
    {
        const string defaultToken = "green-default-token-0001";
        const string salesToken = "green-sales-token-0002";
        const string supportSecret = "maytapi-support-secret-0003";
        await using var host = await WebhookHost.StartAsync(services =>
        {
            services.AddGreenApiWebhook(o => o.WebhookToken = defaultToken);
            services.AddGreenApiWebhook("sales", o => o.WebhookToken = salesToken);
            services.AddMaytapiWebhook("support", o => o.WebhookSecret = supportSecret);
        });
        var green = NotificationRecording.Of("green-api").First(r => r.Updates.Count == 1);
        var maytapi = NotificationRecording.Of("maytapi").First(r => r.Updates.Count == 1);
        var attempts = new (string Path, string? Authorization, byte[] Body, string Registration, bool Opens)[]
        {
            ("/whatsapp/green-api", "Bearer " + defaultToken, green.Body, string.Empty, true),
            ("/whatsapp/green-api/sales", "Bearer " + salesToken, green.Body, "sales", true),
            ("/whatsapp/maytapi/support?secret=" + supportSecret, null, maytapi.Body, "support", true),
            ("/whatsapp/green-api", "Bearer " + salesToken, green.Body, string.Empty, false),
            ("/whatsapp/green-api/sales", "Bearer " + defaultToken, green.Body, "sales", false),
            ("/whatsapp/green-api/sales", "Bearer " + supportSecret, green.Body, "sales", false),
            ("/whatsapp/maytapi/support?secret=" + defaultToken, null, maytapi.Body, "support", false),
            ("/whatsapp/maytapi/support?secret=" + salesToken, null, maytapi.Body, "support", false),
            ("/whatsapp/maytapi?secret=" + supportSecret, null, maytapi.Body, "support", false),
        };

        foreach (var attempt in attempts)
        {
            host.Received.Clear();
            var status = await host.StatusOfPostAsync(attempt.Path, attempt.Body, attempt.Authorization);

            var label = $"{attempt.Path} with {(attempt.Authorization is null ? "no header" : "a token")}";
            Assert.Multiple(() =>
            {
                if (attempt.Opens)
                {
                    Assert.That(status, Is.EqualTo(HttpStatusCode.OK), label);
                    Assert.That(host.Received.Updates, Has.Count.EqualTo(1), label);
                    Assert.That(host.Received.Updates.Select(u => u.RegistrationName), Has.All.EqualTo(attempt.Registration), label);
                    Assert.That(host.Received.Notifications.Select(n => n.Context.RegistrationName), Has.All.EqualTo(attempt.Registration), label);
                }
                else
                {
                    Assert.That(status, Is.AnyOf(HttpStatusCode.Unauthorized, HttpStatusCode.NotFound), label);
                    Assert.That(host.Received.Notifications, Is.Empty, label + ": nothing dispatched");
                }
            });
        }
    }

    [Test]
    public async Task Post_NamedAndDefaultMaytapi_NameSegmentIsNotTakenForTheDefaultSecret()
    {
        const string defaultSecret = "maytapi-default-secret-0001";
        const string namedSecret = "maytapi-named-secret-00002";
        await using var host = await WebhookHost.StartAsync(services =>
        {
            services.AddMaytapiWebhook(o => o.WebhookSecret = defaultSecret);
            services.AddMaytapiWebhook("eu", o => o.WebhookSecret = namedSecret);
        });
        var body = NotificationRecording.Of("maytapi").First(r => r.Updates.Count == 1).Body;

        var toDefault = await host.StatusOfPostAsync("/whatsapp/maytapi?secret=" + defaultSecret, body);
        var toNamed = await host.StatusOfPostAsync("/whatsapp/maytapi/eu?secret=" + namedSecret, body);
        var nameOnly = await host.StatusOfPostAsync("/whatsapp/maytapi/eu", body);

        Assert.Multiple(() =>
        {
            Assert.That(toDefault, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(toNamed, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(nameOnly, Is.EqualTo(HttpStatusCode.Unauthorized), "the named path without its secret");
            Assert.That(host.Received.Updates.Select(u => u.RegistrationName), Is.EqualTo(new[] { string.Empty, "eu" }));
        });
    }

    [Test]
    public async Task Post_CustomPrefix_EndpointsLiveUnderIt()
    {
        await using var host = await WebhookHost.StartAsync(
            services => services.AddGreenApiWebhook(o => o.WebhookToken = NotificationRecording.GreenApiWebhookToken),
            prefix: "/hooks/in/");
        var recording = NotificationRecording.Of("green-api").First(r => r.Updates.Count == 1);

        var under = await host.StatusOfPostAsync("/hooks/in/green-api", recording.Body, recording.Authorization);
        var defaultPrefix = await host.StatusOfPostAsync("/whatsapp/green-api", recording.Body, recording.Authorization);

        Assert.Multiple(() =>
        {
            Assert.That(under, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(defaultPrefix, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(host.Received.Updates, Has.Count.EqualTo(1));
        });
    }

    private static string TypeOf(NotificationRecording recording) =>
        (string)Newtonsoft.Json.Linq.JObject.Parse(Encoding.UTF8.GetString(recording.Body))[recording.Provider == "green-api" ? "typeWebhook" : "type"]!;
}
