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
            Assert.That(new WhatsAppUpdate(MaytapiOptions.Provider, string.Empty, "1101", "ID", "1@c.us", WhatsAppMessageStatus.Delivered, "delivered", null, null, notification).DeduplicationKey, Is.Not.EqualTo(first.DeduplicationKey), "another gateway");
            Assert.That(Update(null, "ID", "delivered", null).DeduplicationKey, Is.Not.EqualTo(Update(string.Empty, "ID", "delivered", null).DeduplicationKey), "no instance is not an empty one");
        });
    }

    [Test]
    public void DeduplicationKey_SeparatorInsideAPart_NoCollision()
    {
        // With the parts joined by '|' alone, both were "green-api|1101|A|B|delivered".
        var notification = new object();
        var one = new WhatsAppUpdate(GreenApiOptions.Provider, string.Empty, "1101", "A|B", "1@c.us", WhatsAppMessageStatus.Delivered, "delivered", null, null, notification);
        var other = new WhatsAppUpdate(GreenApiOptions.Provider, string.Empty, "1101|A", "B", "1@c.us", WhatsAppMessageStatus.Delivered, "delivered", null, null, notification);

        Assert.That(one.DeduplicationKey, Is.Not.EqualTo(other.DeduplicationKey));
    }

    [Test]
    public void DeduplicationKey_SeededPartsFromAFewCharacters_DistinctReportsDistinctKeys()
    {
        // Parts drawn from the characters a key is made of ('|', ':', '-', digits) make every way of shifting text
        // between parts likely; a key that is not injective collides within a few thousand.
        const int Seed = 20261207;
        const int Cases = 20_000;
        var random = new Random(Seed);
        var notification = new object();
        string Part(bool allowEmpty)
        {
            var length = random.Next(allowEmpty ? 0 : 1, 5);
            return new string(Enumerable.Range(0, length).Select(_ => "|:-1a"[random.Next(5)]).ToArray());
        }

        var keys = new Dictionary<string, (string? Instance, string Id, string Status)>();
        var collisions = new List<string>();
        for (var i = 0; i < Cases; i++)
        {
            var instance = random.Next(6) == 0 ? null : Part(allowEmpty: true);
            var id = "x" + Part(allowEmpty: true);
            var status = Part(allowEmpty: true);
            var key = new WhatsAppUpdate(GreenApiOptions.Provider, string.Empty, instance, id, "1@c.us", WhatsAppMessageStatus.Sent, status, null, null, notification).DeduplicationKey;
            if (keys.TryGetValue(key, out var seen) && seen != (instance, id, status))
            {
                collisions.Add($"{key}: ({seen.Instance ?? "null"}, {seen.Id}, {seen.Status}) and ({instance ?? "null"}, {id}, {status})");
            }

            keys[key] = (instance, id, status);
        }

        Assert.That(collisions, Is.Empty, $"seed {Seed}");
        Assert.That(keys, Has.Count.GreaterThan(1_000), "enough distinct reports for the check to mean something");
    }

    [TestCase("")]
    [TestCase(" ")]
    [TestCase("\t\n")]
    [TestCase("ID\u0000")]
    [TestCase("\u0085")]
    public void Constructor_UnusableMessageIdOrChat_ArgumentException(string escaped)
    {
        var value = System.Text.RegularExpressions.Regex.Unescape(escaped);
        var notification = new object();

        Assert.Multiple(() =>
        {
            Assert.That(() => new WhatsAppUpdate(GreenApiOptions.Provider, string.Empty, null, value, "1@c.us", WhatsAppMessageStatus.Sent, "sent", null, null, notification),
                Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("messageId"));
            Assert.That(() => new WhatsAppUpdate(GreenApiOptions.Provider, string.Empty, null, "ID", value, WhatsAppMessageStatus.Sent, "sent", null, null, notification),
                Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("chatId"));
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
            Assert.That(() => new WhatsAppUpdate(null!, string.Empty, null, "ID", "1@c.us", WhatsAppMessageStatus.Sent, "sent", null, null, notification), Throws.InstanceOf<ArgumentNullException>());
            Assert.That(() => new WhatsAppUpdate(GreenApiOptions.Provider, string.Empty, null, null!, "1@c.us", WhatsAppMessageStatus.Sent, "sent", null, null, notification), Throws.InstanceOf<ArgumentNullException>());
            Assert.That(new WhatsAppUpdate(GreenApiOptions.Provider, string.Empty, null, "ID", null, WhatsAppMessageStatus.Sent, "sent", null, null, notification).ChatId, Is.Null, "a chat the notification does not name");
            Assert.That(() => new WhatsAppUpdate(GreenApiOptions.Provider, string.Empty, null, "ID", "1@c.us", WhatsAppMessageStatus.Sent, "sent", null, null, null!), Throws.InstanceOf<ArgumentNullException>());
            Assert.That(new WhatsAppUpdate(GreenApiOptions.Provider, null!, null, "ID", "1@c.us", WhatsAppMessageStatus.Sent, null!, null, null, notification).RegistrationName, Is.Empty);
        });
    }
}
