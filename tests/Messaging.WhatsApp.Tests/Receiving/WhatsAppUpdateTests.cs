using System;
using System.Collections.Generic;
using System.Linq;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Receiving;

/// <summary>The neutral update: status order for handlers that keep the furthest state, its key for deduplication, and its text.</summary>
public sealed class WhatsAppUpdateTests
{
    /// <summary>The order the README promises: queued, sent, delivered, read, played, then failed and deleted (final) alike; unknown below all.</summary>
    private static readonly Dictionary<WhatsAppMessageStatus, int> Order = new()
    {
        [WhatsAppMessageStatus.Unknown] = 0,
        [WhatsAppMessageStatus.Queued] = 1,
        [WhatsAppMessageStatus.Sent] = 2,
        [WhatsAppMessageStatus.Delivered] = 3,
        [WhatsAppMessageStatus.Read] = 4,
        [WhatsAppMessageStatus.Played] = 5,
        [WhatsAppMessageStatus.Failed] = 6,
        [WhatsAppMessageStatus.Deleted] = 6,
    };

    public static IEnumerable<TestCaseData> Pairs() =>
        from status in Enum.GetValues<WhatsAppMessageStatus>()
        from current in Enum.GetValues<WhatsAppMessageStatus>()
        select new TestCaseData(status, current).SetArgDisplayNames(status.ToString(), current.ToString());

    [Test]
    public void Order_CoversEveryStatus() =>
        Assert.That(Order.Keys, Is.EquivalentTo(Enum.GetValues<WhatsAppMessageStatus>()), "a new status needs a place in the order");

    [TestCaseSource(nameof(Pairs))]
    public void IsAfter_EveryPair_FollowsTheDocumentedOrder(WhatsAppMessageStatus status, WhatsAppMessageStatus current) =>
        Assert.That(status.IsAfter(current), Is.EqualTo(Order[status] > Order[current]));

    [Test]
    public void IsFinal_FailedAndDeletedOnly() =>
        Assert.That(Enum.GetValues<WhatsAppMessageStatus>().Where(s => s.IsFinal()), Is.EquivalentTo(new[] { WhatsAppMessageStatus.Failed, WhatsAppMessageStatus.Deleted }));

    [Test]
    public void IsAfter_UndefinedValue_NeverAfterAndEverythingKnownIsAfterIt()
    {
        var undefined = (WhatsAppMessageStatus)99;

        Assert.Multiple(() =>
        {
            Assert.That(undefined.IsAfter(WhatsAppMessageStatus.Unknown), Is.False);
            Assert.That(WhatsAppMessageStatus.Queued.IsAfter(undefined), Is.True);
        });
    }

    [Test]
    public void DeduplicationKey_SameReportTwice_Equal_OtherStatusInstanceOrMessage_Different()
    {
        var notification = new object();
        WhatsAppUpdate Update(string? instance, string id, string providerStatus, DateTimeOffset? time, string registration = "") =>
            new(GreenApiOptions.Provider, registration, instance, id, "1@c.us", WhatsAppMessageStatus.Delivered, providerStatus, null, time, notification);

        var first = Update("1101", "ID", "delivered", DateTimeOffset.FromUnixTimeSeconds(1));
        Assert.Multiple(() =>
        {
            Assert.That(Update("1101", "ID", "delivered", DateTimeOffset.FromUnixTimeSeconds(1)).DeduplicationKey, Is.EqualTo(first.DeduplicationKey));
            Assert.That(Update("1101", "ID", "delivered", null, "other-name").DeduplicationKey, Is.EqualTo(first.DeduplicationKey), "the same report through another registration or without its time");
            Assert.That(Update("1101", "ID", "read", null).DeduplicationKey, Is.Not.EqualTo(first.DeduplicationKey));
            Assert.That(Update("1102", "ID", "delivered", null).DeduplicationKey, Is.Not.EqualTo(first.DeduplicationKey));
            Assert.That(Update("1101", "ID2", "delivered", null).DeduplicationKey, Is.Not.EqualTo(first.DeduplicationKey));
            Assert.That(new WhatsAppUpdate(MaytapiOptions.Provider, string.Empty, "1101", "ID", null, WhatsAppMessageStatus.Delivered, "delivered", null, null, notification).DeduplicationKey, Is.Not.EqualTo(first.DeduplicationKey), "another gateway");
        });
    }

    [Test]
    public void ToString_FailedUpdate_ShowsIdAndStatusButNotTheErrorOrChat()
    {
        var update = new WhatsAppUpdate(GreenApiOptions.Provider, string.Empty, "1101", "BAE5F4886F6F2D05", "79001234567@c.us", WhatsAppMessageStatus.Failed, "failed", "SWE004: text quoting the message", DateTimeOffset.FromUnixTimeSeconds(1705901095), new object());

        Assert.Multiple(() =>
        {
            Assert.That(update.ToString(), Is.EqualTo("GREEN-API message BAE5F4886F6F2D05 failed (failed) at 2024-01-22T05:24:55Z"));
            Assert.That(update.ToString(), Does.Not.Contain("SWE004").And.Not.Contain("79001234567"));
        });
    }

    [Test]
    public void Constructor_MissingRequiredParts_ArgumentErrors()
    {
        var notification = new object();

        Assert.Multiple(() =>
        {
            Assert.That(() => new WhatsAppUpdate(null!, string.Empty, null, "ID", null, WhatsAppMessageStatus.Sent, "sent", null, null, notification), Throws.InstanceOf<ArgumentNullException>());
            Assert.That(() => new WhatsAppUpdate(GreenApiOptions.Provider, string.Empty, null, null!, null, WhatsAppMessageStatus.Sent, "sent", null, null, notification), Throws.InstanceOf<ArgumentNullException>());
            Assert.That(() => new WhatsAppUpdate(GreenApiOptions.Provider, string.Empty, null, "ID", null, WhatsAppMessageStatus.Sent, "sent", null, null, null!), Throws.InstanceOf<ArgumentNullException>());
            Assert.That(new WhatsAppUpdate(GreenApiOptions.Provider, null!, null, "ID", null, WhatsAppMessageStatus.Sent, null!, null, null, notification).RegistrationName, Is.Empty);
        });
    }
}
