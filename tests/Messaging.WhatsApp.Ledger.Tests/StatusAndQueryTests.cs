using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Messaging.WhatsApp.Ledger.Tests;

/// <summary>
/// Statuses applied to records with no handler of the app's (each report once, only forward, before or after the send
/// returns its id), the timeline of a message, the queries, and the schema from its migrations.
/// </summary>
public sealed class StatusAndQueryTests
{
    private static readonly ChatAddress Chat = ChatAddress.Parse("79001234567");
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static SendOptions Key(string key) => new() { IdempotencyKey = key };

    [Test]
    public async Task Statuses_DeliveredReadThenALateDeliveredAndADuplicate_ReadEachReportStoredOnce()
    {
        await using var host = await LedgerHost.StartAsync();
        var sent = await host.Sender.SendTextAsync(Chat, "Hi", null, Key("s-1"));

        await host.ReceiveAsync(LedgerHost.Update(sent.MessageId, WhatsAppMessageStatus.Delivered, "delivered", T0.AddSeconds(2)));
        await host.ReceiveAsync(LedgerHost.Update(sent.MessageId, WhatsAppMessageStatus.Read, "read", T0.AddSeconds(5)));
        await host.ReceiveAsync(LedgerHost.Update(sent.MessageId, WhatsAppMessageStatus.Delivered, "delivered", T0.AddSeconds(2)));
        await host.ReceiveAsync(LedgerHost.Update(sent.MessageId, WhatsAppMessageStatus.Sent, "sent", T0.AddSeconds(1)));

        var record = await host.Ledger.FindByKeyAsync("s-1");
        var timeline = await host.Ledger.GetTimelineAsync(record!);
        Assert.Multiple(() =>
        {
            Assert.That(record!.Status, Is.EqualTo(WhatsAppMessageStatus.Read), "only forward");
            Assert.That(record.StatusAt, Is.EqualTo(T0.AddSeconds(5)));
            Assert.That(timeline.Select(e => e.Kind + ":" + e.Status), Is.EqualTo(new[] { "recorded:Unknown", "accepted:Queued", "status:Sent", "status:Delivered", "status:Read" }), "in order, the duplicate once");
            Assert.That(timeline.Single(e => e.Status == WhatsAppMessageStatus.Read).ProviderStatus, Is.EqualTo("read"));
        });
    }

    [Test]
    public async Task Statuses_ArrivingBeforeTheSendReturnsItsId_AppliedWhenTheIdIsRecorded()
    {
        await using var host = await LedgerHost.StartAsync();
        var release = host.Gateway.Hold();
        var sending = host.Sender.SendTextAsync(Chat, "Race", null, Key("s-early"));
        await host.Gateway.Arrived.Task.WaitAsync(TimeSpan.FromMinutes(1));

        // The gateway answers ID-1; its statuses come before the send has returned it.
        await host.ReceiveAsync(LedgerHost.Update("ID-1", WhatsAppMessageStatus.Sent, "sent", T0));
        await host.ReceiveAsync(LedgerHost.Update("ID-1", WhatsAppMessageStatus.Delivered, "delivered", T0.AddSeconds(1)));
        var beforeReturn = await host.Ledger.FindByKeyAsync("s-early");
        release.SetResult();
        await sending;
        var after = await host.Ledger.FindByKeyAsync("s-early");

        Assert.Multiple(() =>
        {
            Assert.That(beforeReturn!.Outcome, Is.EqualTo(LedgerOutcome.Sending));
            Assert.That(after!.Status, Is.EqualTo(WhatsAppMessageStatus.Delivered), "joined when the id appeared");
        });
    }

    [Test]
    public async Task Statuses_ForAMessageTheLedgerDoesNotKnow_KeptWithoutARecord()
    {
        await using var host = await LedgerHost.StartAsync();
        await host.ReceiveAsync(LedgerHost.Update("ELSEWHERE-1", WhatsAppMessageStatus.Failed, "noAccount", T0));

        Assert.That(await host.Ledger.FindByMessageIdAsync("green-api", "ELSEWHERE-1"), Is.Null, "no record: sent elsewhere, or not yet returned");
    }

    [Test]
    public async Task Statuses_FailedAfterRead_FailedIsTheLastWord_UnknownStatusNeverMovesIt()
    {
        await using var host = await LedgerHost.StartAsync();
        var sent = await host.Sender.SendTextAsync(Chat, "Hi", null, Key("s-failed"));

        await host.ReceiveAsync(LedgerHost.Update(sent.MessageId, WhatsAppMessageStatus.Failed, "noAccount", T0));
        await host.ReceiveAsync(LedgerHost.Update(sent.MessageId, WhatsAppMessageStatus.Unknown, "brandNewWord", T0.AddSeconds(1)));
        await host.ReceiveAsync(LedgerHost.Update(sent.MessageId, WhatsAppMessageStatus.Read, "read", T0.AddSeconds(2)));

        Assert.That((await host.Ledger.FindByKeyAsync("s-failed"))!.Status, Is.EqualTo(WhatsAppMessageStatus.Failed));
    }

    [Test]
    public async Task Statuses_TheSameReportFromManyDeliveriesAtOnce_StoredOnce()
    {
        await using var host = await LedgerHost.StartAsync();
        var sent = await host.Sender.SendTextAsync(Chat, "Hi", null, Key("s-dup"));

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => host.ReceiveAsync(LedgerHost.Update(sent.MessageId, WhatsAppMessageStatus.Delivered, "delivered", T0)))));

        var timeline = await host.Ledger.GetTimelineAsync((await host.Ledger.FindByKeyAsync("s-dup"))!);
        Assert.That(timeline.Count(e => e.Kind == "status"), Is.EqualTo(1));
    }

    [Test]
    public async Task Queries_ByMessageIdChatTimeStatusAndCounts()
    {
        await using var host = await LedgerHost.StartAsync();
        var other = ChatAddress.Parse("79001234568");
        var a = await host.Sender.SendTextAsync(Chat, "a", null, Key("q-a"));
        var b = await host.Sender.SendTextAsync(other, "b", null, Key("q-b"));
        await host.Sender.SendTextAsync(Chat, "c", null, Key("q-c"));
        await host.ReceiveAsync(LedgerHost.Update(a.MessageId, WhatsAppMessageStatus.Read, "read", T0));
        host.Gateway.Answer = _ => Task.FromResult(ScriptedGateway.Json(401, string.Empty));
        Assert.ThrowsAsync<WhatsAppAuthenticationException>(() => host.Sender.SendTextAsync(other, "d", null, Key("q-d")));

        var byId = await host.Ledger.FindByMessageIdAsync("green-api", b.MessageId);
        var toChat = await host.Ledger.ListAsync(new LedgerQuery { ChatId = Chat.Id });
        var read = await host.Ledger.ListAsync(new LedgerQuery { Status = WhatsAppMessageStatus.Read });
        var refused = await host.Ledger.ListAsync(new LedgerQuery { Outcome = LedgerOutcome.Refused });
        var none = await host.Ledger.ListAsync(new LedgerQuery { To = DateTimeOffset.UtcNow.AddDays(-1) });
        var one = await host.Ledger.ListAsync(new LedgerQuery { Limit = 1 });
        var counts = await host.Ledger.CountByStatusAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1));

        Assert.Multiple(() =>
        {
            Assert.That(byId!.IdempotencyKey, Is.EqualTo("q-b"));
            Assert.That(toChat.Select(r => r.IdempotencyKey), Is.EqualTo(new[] { "q-c", "q-a" }), "newest first");
            Assert.That(read.Select(r => r.IdempotencyKey), Is.EqualTo(new[] { "q-a" }));
            Assert.That(refused.Single().ErrorType, Is.EqualTo(nameof(WhatsAppAuthenticationException)));
            Assert.That(none, Is.Empty);
            Assert.That(one.Single().IdempotencyKey, Is.EqualTo("q-d"));
            Assert.That(counts.Select(c => (c.Provider, c.Status, c.Count)), Is.EquivalentTo(new[]
            {
                ("green-api", WhatsAppMessageStatus.Read, 1),
                ("green-api", WhatsAppMessageStatus.Queued, 2),
                ("green-api", WhatsAppMessageStatus.Unknown, 1),
            }));
        });
    }

    [Test]
    public async Task Migrations_FromAnEmptyFile_CreateTheSchema_AgainChangeNothing_AndMatchTheModel()
    {
        await using var host = await LedgerHost.StartAsync(migrate: false);

        await host.Services.MigrateWhatsAppLedgerAsync();
        await host.Services.MigrateWhatsAppLedgerAsync();

        await using var context = await host.Services.GetRequiredService<IDbContextFactory<WhatsAppLedgerDbContext>>().CreateDbContextAsync();
        await using var connection = new SqliteConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var tables = connection.CreateCommand();
        tables.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'whatsapp_%' ORDER BY name";
        var names = new System.Collections.Generic.List<string>();
        await using (var reader = await tables.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        await using var journal = connection.CreateCommand();
        journal.CommandText = "PRAGMA journal_mode";
        var mode = (string?)await journal.ExecuteScalarAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(names, Is.EqualTo(new[] { "whatsapp_messages", "whatsapp_status_events" }));
            Assert.That(context.Database.HasPendingModelChanges(), Is.False, "every model change has its migration");
            Assert.That((await context.Database.GetPendingMigrationsAsync()).ToList(), Is.Empty);
            Assert.That(mode, Is.EqualTo("wal"));
        });
    }

    [Test]
    public async Task Send_BeforeTheDatabaseIsMigrated_FailsTypedNothingSent()
    {
        await using var host = await LedgerHost.StartAsync(migrate: false);

        Assert.ThrowsAsync<WhatsAppLedgerUnavailableException>(() => host.Sender.SendTextAsync(Chat, "Hi", null, Key("k")));
        Assert.That(host.Gateway.Count, Is.Zero);
    }
}
