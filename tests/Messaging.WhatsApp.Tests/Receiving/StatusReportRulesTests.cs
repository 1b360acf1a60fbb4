using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Receiving;

/// <summary>
/// The rules a status report must meet before it reaches an update handler, on every channel: a usable message id
/// (and a usable chat when it names one), a status no further along than the body clearly states, and one reading
/// of one body whether it was POSTed to the webhook or served by receiveNotification to the poller, which deletes
/// what it cannot read instead of letting it hold the queue back.
/// </summary>
[NonParallelizable]
public sealed class StatusReportRulesTests
{
    private const string Token = "rules-green-token-0001";
    private const string Secret = "rules-maytapi-secret-0001";

    private static readonly string[] Bodies64And65 = [Nested(62), Nested(63)];

    private static readonly bool[] AcceptedThenRefused = [true, false];
    private static readonly string[] OnlyTheOtherEntry = ["b4ff8460-c710-11ee-a8e7-5fbaaf152c1d"];

    private readonly List<IAsyncDisposable> _disposables = [];

    public static IEnumerable<TestCaseData> UnusableGreenApiReports()
    {
        static TestCaseData Case(string name, string fields) => new TestCaseData(fields).SetArgDisplayNames(name);
        yield return Case("status, empty idMessage", """ "typeWebhook":"outgoingMessageStatus","chatId":"79001234567@c.us","idMessage":"","status":"delivered" """);
        yield return Case("status, blank idMessage", """ "typeWebhook":"outgoingMessageStatus","chatId":"79001234567@c.us","idMessage":"  \t","status":"read" """);
        yield return Case("status, idMessage with a control character", """ "typeWebhook":"outgoingMessageStatus","chatId":"79001234567@c.us","idMessage":"BAE5\u0000","status":"read" """);
        yield return Case("status, empty chatId", """ "typeWebhook":"outgoingMessageStatus","chatId":"","idMessage":"BAE5F4886F6F2D05","status":"delivered" """);
        yield return Case("echo, empty idMessage", """ "typeWebhook":"outgoingAPIMessageReceived","idMessage":"","senderData":{"chatId":"79001234567@c.us"} """);
        yield return Case("echo, blank chat", """ "typeWebhook":"outgoingAPIMessageReceived","idMessage":"BAE5F4886F6F2D05","senderData":{"chatId":" "} """);
    }

    [TestCaseSource(nameof(UnusableGreenApiReports))]
    public async Task BothChannels_GreenApiReportWithoutAUsableIdOrChat_NoUpdateOnEitherTheNotificationStillDispatchedAndAWarning(string fields)
    {
        var body = Encoding.UTF8.GetBytes("{" + fields + ""","instanceData":{"idInstance":1101,"wid":"79000000000@c.us","typeInstance":"whatsapp"},"timestamp":1705901090}""");

        var (status, webhook, polling, deleted) = await BothChannelsAsync(body);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), "not a malformed body: GREEN-API would redeliver it for a day");
            Assert.That(webhook.Received.Updates, Is.Empty, "no update names no message");
            Assert.That(polling.Received.Updates, Is.Empty);
            Assert.That(webhook.Received.Dispatched, Has.Count.EqualTo(1), "the typed notification still reaches its handlers");
            Assert.That(polling.Received.Dispatched, Has.Count.EqualTo(1));
            Assert.That(deleted, Is.True);
            Assert.That(Warnings(webhook.Logs), Has.Count.EqualTo(1));
            Assert.That(Warnings(polling.Logs), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task BothChannels_GreenApiReportWithoutAChat_UpdateWithoutAChat()
    {
        // GREEN-API's documented older noAccount report names no chat; the message id alone names the message.
        var body = Encoding.UTF8.GetBytes("""{"typeWebhook":"outgoingMessageStatus","idMessage":"3EB0608D6A2901063D63","status":"noAccount","timestamp":1586700802}""");

        var (_, webhook, polling, _) = await BothChannelsAsync(body);

        Assert.Multiple(() =>
        {
            Assert.That(webhook.Received.Updates.Select(u => (u.MessageId, u.ChatId, u.Status)), Is.EqualTo(new[] { ("3EB0608D6A2901063D63", (string?)null, WhatsAppMessageStatus.Failed) }));
            Assert.That(polling.Received.Updates.Select(ExpectedUpdate.Of), Is.EqualTo(webhook.Received.Updates.Select(ExpectedUpdate.Of)));
            Assert.That(Warnings(webhook.Logs), Is.Empty);
        });
    }

    [Test]
    public async Task BothChannels_TheSameStatusGivenTwice_RefusedByTheWebhookAndNotDispatchedByThePoller()
    {
        // Read as a tree, the second value won: the poller reported "read" for a body the webhook refused.
        var body = Encoding.UTF8.GetBytes("""{"typeWebhook":"outgoingMessageStatus","chatId":"79001234567@c.us","idMessage":"BAE5F4886F6F2D05","status":"sent","status":"read","timestamp":1705901090}""");

        var (status, webhook, polling, deleted) = await BothChannelsAsync(body);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(webhook.Received.Dispatched, Is.Empty);
            Assert.That(polling.Received.Dispatched, Is.Empty, "the poller reads it as the webhook does");
            Assert.That(deleted, Is.True, "deleted with a warning, as unreadable");
            Assert.That(polling.Logs.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("cannot be read", StringComparison.Ordinal)), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task BothChannels_BodyNestedThousandsDeep_RefusedByTheWebhookAndDeletedByThePoller()
    {
        // The poller could not read the envelope, nor find its receipt id, and asked again every second for 24 hours,
        // holding back everything behind it.
        var body = Encoding.UTF8.GetBytes("""{"typeWebhook":"outgoingMessageStatus","chatId":"79001234567@c.us","idMessage":"BAE5F4886F6F2D05","status":"read","deep":""" + new string('[', 5000) + new string(']', 5000) + "}");

        var (status, webhook, polling, deleted) = await BothChannelsAsync(body);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(webhook.Received.Dispatched, Is.Empty);
            Assert.That(polling.Received.Dispatched, Is.Empty);
            Assert.That(deleted, Is.True, "deleted, not left to block the queue");
        });
    }

    [TestCaseSource(nameof(Bodies64And65))]
    public async Task BothChannels_NestingAtTheLimitAndOneBeyond_TheSameDecision(string body)
    {
        // In the envelope the body sits one level deeper than on the webhook: that level must not count.
        var (status, webhook, polling, deleted) = await BothChannelsAsync(Encoding.UTF8.GetBytes(body));

        Assert.Multiple(() =>
        {
            Assert.That(polling.Received.Dispatched.Count, Is.EqualTo(webhook.Received.Dispatched.Count));
            Assert.That(polling.Received.Updates.Select(ExpectedUpdate.Of), Is.EqualTo(webhook.Received.Updates.Select(ExpectedUpdate.Of)));
            Assert.That(deleted, Is.True);
        });
        TestContext.Out.WriteLine($"webhook {(int)status}, dispatched {webhook.Received.Dispatched.Count}");
    }

    [Test]
    public void Nested_TheTwoCases_OneAcceptedOneRefusedByTheWebhook() =>
        Assert.That(Bodies64And65.Select(b => NotificationOracle.Judge("green-api", Encoding.UTF8.GetBytes(b)).Accepted), Is.EqualTo(AcceptedThenRefused), "the boundary test tests the boundary");

    [TestCase(1, "seen", WhatsAppMessageStatus.Sent, "seen/1")]
    [TestCase(3, "delivered", WhatsAppMessageStatus.Sent, "delivered/3")]
    [TestCase(2, "seen", WhatsAppMessageStatus.Delivered, "seen/2")]
    [TestCase(4, "reached", WhatsAppMessageStatus.Delivered, "reached/4")]
    [TestCase(5, "seen", WhatsAppMessageStatus.Unknown, "seen/5")]
    [TestCase(3, "deleted", WhatsAppMessageStatus.Unknown, "deleted/3")]
    [TestCase(3, "whatever", WhatsAppMessageStatus.Unknown, "whatever/3")]
    [TestCase(9, "seen", WhatsAppMessageStatus.Unknown, "seen/9")]
    [TestCase(3, "seen", WhatsAppMessageStatus.Read, "seen")]
    [TestCase(5, "deleted", WhatsAppMessageStatus.Deleted, "deleted")]
    public async Task Post_MaytapiAckCodeAndTypeDisagree_NeverFurtherThanBothState(int code, string type, WhatsAppMessageStatus expected, string providerStatus)
    {
        await using var host = await WebhookHost.StartAsync(services => services.AddMaytapiWebhook(o => o.WebhookSecret = Secret));
        var body = $$"""{"type":"ack","product_id":"p","phone_id":47309,"data":[{"msgId":"a3ff8460-c710-11ee-a8e7-5fbaaf152c1d","chatId":"905301111111@c.us","ackType":"{{type}}","ackCode":{{code}},"time":1710342107}]}""";

        var status = await host.StatusOfPostAsync("/whatsapp/maytapi?secret=" + Secret, Encoding.UTF8.GetBytes(body));

        var update = host.Received.Updates.Single();
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(update.Status, Is.EqualTo(expected));
            Assert.That(update.ProviderStatus, Is.EqualTo(providerStatus), "what the body said, both words when they disagree");
        });
    }

    [TestCase("""{"msgId":"","chatId":"905301111111@c.us","ackType":"seen","ackCode":3}""")]
    [TestCase("""{"msgId":" ","chatId":"905301111111@c.us","ackType":"seen","ackCode":3}""")]
    [TestCase("""{"chatId":"905301111111@c.us","ackType":"seen","ackCode":3}""")]
    [TestCase("""{"msgId":"a3ff8460-c710-11ee-a8e7-5fbaaf152c1d","chatId":"","ackType":"seen","ackCode":3}""")]
    public async Task Post_MaytapiAckEntryWithoutAUsableIdOrChat_OnlyTheOtherEntriesAndAWarning(string unusable)
    {
        await using var host = await WebhookHost.StartAsync(services => services.AddMaytapiWebhook(o => o.WebhookSecret = Secret));
        var body = $$"""{"type":"ack","product_id":"p","phone_id":47309,"data":[{{unusable}},{"msgId":"b4ff8460-c710-11ee-a8e7-5fbaaf152c1d","chatId":"905301111111@c.us","ackType":"reached","ackCode":2}]}""";

        var status = await host.StatusOfPostAsync("/whatsapp/maytapi?secret=" + Secret, Encoding.UTF8.GetBytes(body));

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(host.Received.Updates.Select(u => u.MessageId), Is.EqualTo(OnlyTheOtherEntry));
            Assert.That(Warnings(host.Logs).Single().Message, Does.Contain("data[0]"));
        });
    }

    [TestCase("""{"type":"error","code":"F04","message":"Options are required.","data":{"id":"","to_number":"905301111111"}}""")]
    [TestCase("""{"type":"error","code":"F04","message":"Options are required.","data":{"to_number":"905301111111"}}""")]
    [TestCase("""{"type":"error","code":"F04","message":"Options are required."}""")]
    [TestCase("""{"type":"error","code":"F04","message":"Options are required.","data":{"id":"a3ff8460","to_number":"\t"}}""")]
    public async Task Post_MaytapiErrorWithoutAUsableIdOrChat_NoUpdateAndAWarning(string body)
    {
        await using var host = await WebhookHost.StartAsync(services => services.AddMaytapiWebhook(o => o.WebhookSecret = Secret));

        var status = await host.StatusOfPostAsync("/whatsapp/maytapi?secret=" + Secret, Encoding.UTF8.GetBytes(body));

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(host.Received.Updates, Is.Empty);
            Assert.That(host.Received.Dispatched, Has.Count.EqualTo(1));
            Assert.That(Warnings(host.Logs), Has.Count.EqualTo(1));
        });
    }

    /// <summary>A status notification whose unknown field nests arrays so that the body is <paramref name="levels"/> + 2 deep.</summary>
    private static string Nested(int levels) =>
        """{"typeWebhook":"outgoingMessageStatus","chatId":"79001234567@c.us","idMessage":"BAE5F4886F6F2D05","status":"read","timestamp":1705901090,"deep":{"x":"""
        + new string('[', levels) + new string(']', levels) + "}}";

    /// <summary>Posts <paramref name="body"/> to a webhook host and serves it, in GREEN-API's envelope, to a poller polling once.</summary>
    private async Task<(HttpStatusCode Status, WebhookHost Webhook, PollingHost Polling, bool Deleted)> BothChannelsAsync(byte[] body)
    {
        var webhook = await WebhookHost.StartAsync(services => services.AddGreenApiWebhook(o => o.WebhookToken = Token));
        var queue = new FakeGreenApiNotifications(TestServices.GreenToken);
        var polling = PollingHost.Create(queue);
        _disposables.Add(webhook);
        _disposables.Add(queue);
        _disposables.Add(polling);
        var status = await webhook.StatusOfPostAsync("/whatsapp/green-api", body, "Bearer " + Token);
        queue.Enqueue(77, body);
        await polling.Poller.PollOnceAsync(CancellationToken.None);
        return (status, webhook, polling, queue.Deleted.Contains(77) && queue.Queued == 0);
    }

    [TearDown]
    public async Task DisposeHostsAsync()
    {
        foreach (var disposable in _disposables)
        {
            await disposable.DisposeAsync();
        }

        _disposables.Clear();
    }

    private static List<LogEntry> Warnings(LogCapture logs) =>
        logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.StartsWith("Ignored status reports", StringComparison.Ordinal)).ToList();
}
