using System;
using System.Linq;
using System.Threading.Tasks;
using Messaging.WhatsApp.Ledger.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Messaging.WhatsApp.Ledger.PostgreSql.Tests;

/// <summary>
/// The ledger's sends on PostgreSQL: this package's migrations; each send recorded before its request and settled after
/// it; a key sent again (from many threads at once) answered from its record, decided by PostgreSQL's unique index; a
/// refused send attempted again; an unknown outcome never sent again; statuses applied forward.
/// </summary>
public sealed class SendTests
{
    private static SendOptions Key(string key) => new() { IdempotencyKey = key };

    [Test]
    public async Task Migrate_AppliesThisPackagesPostgreSqlMigrations_NothingPending()
    {
        await using var host = await PgHost.StartAsync();

        await using var context = await host.Services.GetRequiredService<IDbContextFactory<WhatsAppLedgerDbContext>>().CreateDbContextAsync();
        var applied = (await context.Database.GetAppliedMigrationsAsync()).ToList();
        var pending = await context.Database.GetPendingMigrationsAsync();
        // The dispatcher's claim reads the outbox through these partial indexes (LedgerDispatcher.ClaimSkippingLockedAsync).
        var outboxIndexes = await context.Database
            .SqlQueryRaw<string>("SELECT indexdef AS \"Value\" FROM pg_indexes WHERE tablename = 'whatsapp_messages' AND indexname LIKE 'IX_whatsapp_messages_outbox_%' ORDER BY indexname")
            .ToListAsync();

        Assert.Multiple(() =>
        {
            Assert.That(context.Database.ProviderName, Is.EqualTo("Npgsql.EntityFrameworkCore.PostgreSQL"));
            Assert.That(applied, Has.Count.EqualTo(1).And.All.EndsWith("_Initial"));
            Assert.That(pending, Is.Empty);
            Assert.That(context.Database.HasPendingModelChanges(), Is.False, "every model change has its PostgreSQL migration (dotnet ef migrations add)");
            Assert.That(context.Database.GetMigrations(), Is.EqualTo(applied), "the PostgreSQL migrations of this package, not the SQLite ones of the ledger's");
            Assert.That(outboxIndexes, Is.EqualTo(new[]
            {
                "CREATE INDEX \"IX_whatsapp_messages_outbox_chat\" ON public.whatsapp_messages USING btree (\"Provider\", \"RegistrationName\", \"ChatId\", \"Id\") WHERE (\"Outcome\" = ANY (ARRAY[0, 4]))",
                "CREATE INDEX \"IX_whatsapp_messages_outbox_queue\" ON public.whatsapp_messages USING btree (\"Id\") WHERE (\"Outcome\" = 4)",
            }));
        });
    }

    [Test]
    public async Task Send_WithAKey_RecordedAcceptedWithTheMessageId_TextDropped()
    {
        await using var host = await PgHost.StartAsync();

        var result = await host.Sender.SendTextAsync(PgHost.ChatA, "Your order 42 has shipped", null, Key("order-42"));

        var record = await host.RecordAsync("order-42");
        Assert.Multiple(() =>
        {
            Assert.That(result.MessageId, Is.EqualTo("ID-1"));
            Assert.That(record.Outcome, Is.EqualTo(LedgerOutcome.Accepted));
            Assert.That(record.MessageId, Is.EqualTo("ID-1"));
            Assert.That(record.Status, Is.EqualTo(WhatsAppMessageStatus.Queued));
            Assert.That(record.ChatId, Is.EqualTo("79001234567@c.us"));
            Assert.That(record.Text, Is.Null);
            Assert.That(record.LeaseUntil, Is.Null);
            Assert.That(host.Gateway.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Send_SameKeyFromFiftyThreadsAtOnce_OneRequest_EveryCallerGetsItsResult()
    {
        await using var host = await PgHost.StartAsync(o => o.InFlightWait = TimeSpan.FromMinutes(2));
        var release = host.Gateway.Hold();

        var sends = Enumerable.Range(0, 50).Select(_ => Task.Run(() => host.Sender.SendTextAsync(PgHost.ChatA, "Once", null, Key("k-threads")))).ToList();
        await host.Gateway.Arrived.Task.WaitAsync(TimeSpan.FromMinutes(1));
        release.SetResult();
        var results = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Multiple(() =>
        {
            Assert.That(host.Gateway.Count, Is.EqualTo(1), "exactly one request: PostgreSQL's unique index decided");
            Assert.That(results.Select(r => r.MessageId).Distinct(), Is.EqualTo(new[] { "ID-1" }));
            Assert.That(results.Count(r => !r.IsRepeat), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Send_SameKeyOtherContent_TypedConflict_NothingSent()
    {
        await using var host = await PgHost.StartAsync();
        await host.Sender.SendTextAsync(PgHost.ChatA, "Hello", null, Key("k-2"));

        var conflict = Assert.ThrowsAsync<WhatsAppIdempotencyConflictException>(() => host.Sender.SendTextAsync(PgHost.ChatA, "Hello again", null, Key("k-2")))!;

        Assert.Multiple(() =>
        {
            Assert.That(conflict.IdempotencyKey, Is.EqualTo("k-2"));
            Assert.That(host.Gateway.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Send_Refused_RecordedRefused_ThenTheSameKeyAttemptedAgainUnderTheSameRecord()
    {
        await using var host = await PgHost.StartAsync();
        host.Gateway.Answer = n => Task.FromResult(n == 1
            ? ScriptedGateway.Json(400, """{"statusCode":400,"message":"Validation failed. Details: 'message' is too long"}""")
            : ScriptedGateway.Success("ID-" + n));

        Assert.ThrowsAsync<WhatsAppRequestRejectedException>(() => host.Sender.SendTextAsync(PgHost.ChatA, "Hi", null, Key("k-refused")));
        var refused = await host.RecordAsync("k-refused");
        var again = await host.Sender.SendTextAsync(PgHost.ChatA, "Hi", null, Key("k-refused"));
        var accepted = await host.RecordAsync("k-refused");

        Assert.Multiple(() =>
        {
            Assert.That(refused.Outcome, Is.EqualTo(LedgerOutcome.Refused));
            Assert.That(refused.HttpStatus, Is.EqualTo(400));
            Assert.That(again.IsRepeat, Is.False);
            Assert.That(accepted.Outcome, Is.EqualTo(LedgerOutcome.Accepted));
            Assert.That(accepted.Attempts, Is.EqualTo(2));
            Assert.That(accepted.Id, Is.EqualTo(refused.Id));
            Assert.That(host.Gateway.Count, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Send_OutcomeUnknown_RecordedUnknownWithTheText_TheSameKeyAgainIsNotASend()
    {
        await using var host = await PgHost.StartAsync();
        host.Gateway.Answer = _ => Task.FromResult(ScriptedGateway.Json(502, "Bad Gateway"));

        Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => host.Sender.SendTextAsync(PgHost.ChatA, "Maybe", null, Key("k-unknown")));
        Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => host.Sender.SendTextAsync(PgHost.ChatA, "Maybe", null, Key("k-unknown")));
        var record = await host.RecordAsync("k-unknown");

        Assert.Multiple(() =>
        {
            Assert.That(host.Gateway.Count, Is.EqualTo(1));
            Assert.That(record.Outcome, Is.EqualTo(LedgerOutcome.Unknown));
            Assert.That(record.Text, Is.EqualTo("Maybe"));
            Assert.That(record.HttpStatus, Is.EqualTo(502));
        });
    }

    [Test]
    public async Task Statuses_AppliedForwardOnly_ARedeliveryStoredOnce_AReportBeforeTheSendAppliedWhenItsIdIsRecorded()
    {
        await using var host = await PgHost.StartAsync();
        var now = host.Clock.GetUtcNow();
        // A report for the id the next send gets, before it is sent.
        await host.ReceiveAsync(PgHost.Update("ID-1", WhatsAppMessageStatus.Delivered, "delivered", now));
        await host.Sender.SendTextAsync(PgHost.ChatA, "Early report", null, Key("s-1"));
        var afterSend = await host.RecordAsync("s-1");
        await host.ReceiveAsync(PgHost.Update("ID-1", WhatsAppMessageStatus.Delivered, "delivered", now));
        await host.ReceiveAsync(PgHost.Update("ID-1", WhatsAppMessageStatus.Sent, "sent", now.AddSeconds(-1)));
        await host.ReceiveAsync(PgHost.Update("ID-1", WhatsAppMessageStatus.Read, "read", now.AddSeconds(5)));

        var record = await host.RecordAsync("s-1");
        var timeline = await host.Ledger.GetTimelineAsync(record);
        Assert.Multiple(() =>
        {
            Assert.That(afterSend.Status, Is.EqualTo(WhatsAppMessageStatus.Delivered), "the report that came first, applied once the id was recorded");
            Assert.That(record.Status, Is.EqualTo(WhatsAppMessageStatus.Read));
            Assert.That(timeline.Count(e => e.Kind == "status"), Is.EqualTo(3), "delivered once, sent, read: the redelivery is stored once");
        });
    }
}
