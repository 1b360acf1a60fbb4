using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Messaging.WhatsApp.Ledger.Tests;

/// <summary>
/// The reconciler against GREEN-API's journal (found, not found, late, lying), a lease that ran out with its process,
/// the deadline of an unknown outcome, stuck messages and retention, on the test's clock.
/// </summary>
public sealed class ReconcilerTests
{
    private static SendOptions Key(string key) => new() { IdempotencyKey = key };

    [Test]
    public async Task Unknown_TheJournalHasIt_AcceptedWithItsId_NotSentAgain()
    {
        await using var host = await OutboxHost.StartAsync();
        host.Gateway.Answer = n => Task.FromResult(ScriptedGateway.Json(502, "Bad Gateway"));
        Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => host.Sender.SendTextAsync(OutboxHost.ChatA, "Went out", null, Key("u-found")));

        await host.Reconciler.RunOnceAsync(CancellationToken.None);

        var record = await host.RecordAsync("u-found");
        Assert.Multiple(() =>
        {
            Assert.That(record.Outcome, Is.EqualTo(LedgerOutcome.Accepted));
            Assert.That(record.MessageId, Is.EqualTo("ID-1"), "the journal's id");
            Assert.That(record.Status, Is.EqualTo(WhatsAppMessageStatus.Queued));
            Assert.That(host.Gateway.Count, Is.EqualTo(1));
            Assert.That(host.Gateway.JournalReads, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Unknown_NotInTheJournalAfterItsDelay_NotSent_ReportedNotResent()
    {
        await using var host = await OutboxHost.StartAsync();
        host.Gateway.Answer = n => Task.FromResult(ScriptedGateway.Json(502, "Bad Gateway"));
        host.Gateway.Journaled = _ => false;
        Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => host.Sender.SendTextAsync(OutboxHost.ChatA, "Dropped", null, Key("u-dropped")));

        await host.Reconciler.RunOnceAsync(CancellationToken.None);
        var early = await host.RecordAsync("u-dropped");
        host.Clock.Advance(TimeSpan.FromMinutes(3));
        await host.Reconciler.RunOnceAsync(CancellationToken.None);
        var settled = await host.RecordAsync("u-dropped");
        await host.DrainAsync();

        Assert.Multiple(() =>
        {
            Assert.That(early.Outcome, Is.EqualTo(LedgerOutcome.Unknown), "the journal may still lag: not conclusive yet");
            Assert.That(settled.Outcome, Is.EqualTo(LedgerOutcome.NotSent));
            Assert.That(host.Handler.Calls, Is.EqualTo(new[] { "not sent u-dropped" }));
            Assert.That(host.Gateway.Count, Is.EqualTo(1), "not sent again unless the app asks for it");
        });
    }

    [Test]
    public async Task Unknown_NotSent_WithResendNotSent_SentAgainOnceThroughTheOutbox()
    {
        await using var host = await OutboxHost.StartAsync(o => o.ResendNotSent = true);
        host.Gateway.Answer = n => Task.FromResult(n == 1 ? ScriptedGateway.Json(502, "Bad Gateway") : ScriptedGateway.Success("ID-" + n));
        host.Gateway.Journaled = n => n != 1;
        Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => host.Sender.SendTextAsync(OutboxHost.ChatA, "Again", null, Key("u-resend")));

        host.Clock.Advance(TimeSpan.FromMinutes(3));
        await host.Reconciler.RunOnceAsync(CancellationToken.None);
        await host.DrainAsync();
        await host.Reconciler.RunOnceAsync(CancellationToken.None);

        var record = await host.RecordAsync("u-resend");
        Assert.Multiple(() =>
        {
            Assert.That(record.Outcome, Is.EqualTo(LedgerOutcome.Accepted));
            Assert.That(record.MessageId, Is.EqualTo("ID-2"));
            Assert.That(host.Gateway.Count, Is.EqualTo(2), "the one that did not go out, and its resend");
        });
    }

    [Test]
    public async Task Unknown_TheJournalLate_ThenIt_Accepted()
    {
        await using var host = await OutboxHost.StartAsync();
        host.Gateway.Answer = n => Task.FromResult(ScriptedGateway.Json(502, "Bad Gateway"));
        host.Gateway.Journaled = _ => false;
        Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => host.Sender.SendTextAsync(OutboxHost.ChatA, "Late", null, Key("u-late")));

        await host.Reconciler.RunOnceAsync(CancellationToken.None);
        host.Gateway.AddToJournal(ScriptedGateway.Entry("LATE-1", OutboxHost.ChatA.Id, "Late", host.Clock.GetUtcNow()));
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await host.Reconciler.RunOnceAsync(CancellationToken.None);

        Assert.That((await host.RecordAsync("u-late")).MessageId, Is.EqualTo("LATE-1"));
    }

    [Test]
    public async Task Unknown_TheJournalLies_NeverSettledOnIt_UnresolvedAtTheDeadlineAndReported()
    {
        await using var host = await OutboxHost.StartAsync(o => o.UnresolvedAfter = TimeSpan.FromMinutes(10));
        host.Gateway.Answer = n => Task.FromResult(ScriptedGateway.Json(502, "Bad Gateway"));
        host.Gateway.Journaled = _ => false;
        Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => host.Sender.SendTextAsync(OutboxHost.ChatA, "Lied about", null, Key("u-lie")));
        var now = host.Clock.GetUtcNow();
        host.Gateway.AddToJournal(ScriptedGateway.Entry("OTHER-CHAT", OutboxHost.ChatB.Id, "Lied about", now));
        host.Gateway.AddToJournal(ScriptedGateway.Entry(null, OutboxHost.ChatA.Id, "Lied about", now));

        for (var minute = 0; minute < 12; minute++)
        {
            host.Clock.Advance(TimeSpan.FromMinutes(1));
            await host.Reconciler.RunOnceAsync(CancellationToken.None);
        }

        var record = await host.RecordAsync("u-lie");
        Assert.Multiple(() =>
        {
            Assert.That(record.Outcome, Is.EqualTo(LedgerOutcome.Unresolved), "another chat is no evidence; an entry without an id keeps it doubtful");
            Assert.That(record.MessageId, Is.Null);
            Assert.That(host.Handler.Calls, Is.EqualTo(new[] { "unresolved u-lie" }));
            Assert.That(host.Logs.Lines.Count(l => l.Line.Contains("still unknown", StringComparison.Ordinal)), Is.EqualTo(1));
            Assert.That(host.Gateway.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Unknown_TwoSendsOfOneTextToOneChat_EachTakesItsOwnJournalEntry()
    {
        await using var host = await OutboxHost.StartAsync();
        host.Gateway.Answer = n => Task.FromResult(ScriptedGateway.Json(502, "Bad Gateway"));
        Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => host.Sender.SendTextAsync(OutboxHost.ChatA, "Twice", null, Key("u-one")));
        host.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => host.Sender.SendTextAsync(OutboxHost.ChatA, "Twice", null, Key("u-two")));

        await host.Reconciler.RunOnceAsync(CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That((await host.RecordAsync("u-one")).MessageId, Is.EqualTo("ID-1"));
            Assert.That((await host.RecordAsync("u-two")).MessageId, Is.EqualTo("ID-2"));
        });
    }

    [Test]
    public async Task LeaseRunsOut_TheProcessStoppedWhileSending_UnknownThenSettledFromTheJournal_NotSentAgain()
    {
        await using var host = await OutboxHost.StartAsync();
        host.Gateway.Hold();
        var sending = host.Sender.SendTextAsync(OutboxHost.ChatA, "Died sending", null, Key("u-died"));
        await host.Gateway.Arrived.Task.WaitAsync(TimeSpan.FromMinutes(1));

        // Another replica, after the lease: the process that sent it is taken to be gone.
        await using var replica = await OutboxHost.StartAsync(database: host.Database, gateway: host.Gateway, clock: host.Clock);
        await replica.Reconciler.RunOnceAsync(CancellationToken.None);
        var inFlight = await replica.RecordAsync("u-died");
        host.Clock.Advance(TimeSpan.FromMinutes(2));
        host.Gateway.AddToJournal(ScriptedGateway.Entry("ID-1", OutboxHost.ChatA.Id, "Died sending", host.Clock.GetUtcNow().AddMinutes(-2)));
        await replica.Reconciler.RunOnceAsync(CancellationToken.None);
        var settled = await replica.RecordAsync("u-died");

        Assert.Multiple(() =>
        {
            Assert.That(inFlight.Outcome, Is.EqualTo(LedgerOutcome.Sending), "its lease has not run out yet");
            Assert.That(settled.Outcome, Is.EqualTo(LedgerOutcome.Accepted));
            Assert.That(settled.MessageId, Is.EqualTo("ID-1"));
            Assert.That(host.Gateway.Count, Is.EqualTo(1));
        });
        _ = sending;
    }

    [Test]
    public async Task Accepted_NoSentStatusInTime_FlaggedStuckOnce_UntilASentStatusClearsIt()
    {
        await using var host = await OutboxHost.StartAsync(o => o.StuckAfter = TimeSpan.FromMinutes(15));
        var sent = await host.Sender.SendTextAsync(OutboxHost.ChatA, "Phone offline", null, Key("s-stuck"));

        await host.Reconciler.RunOnceAsync(CancellationToken.None);
        var early = await host.RecordAsync("s-stuck");
        host.Clock.Advance(TimeSpan.FromMinutes(16));
        await host.Reconciler.RunOnceAsync(CancellationToken.None);
        await host.Reconciler.RunOnceAsync(CancellationToken.None);
        var stuck = await host.Ledger.ListAsync(new LedgerQuery { Stuck = true });
        await host.ReceiveAsync(LedgerHost.Update(sent.MessageId, WhatsAppMessageStatus.Sent, "sent", host.Clock.GetUtcNow()));
        var cleared = await host.RecordAsync("s-stuck");

        Assert.Multiple(() =>
        {
            Assert.That(early.StuckSince, Is.Null);
            Assert.That(stuck.Select(r => r.IdempotencyKey), Is.EqualTo(new[] { "s-stuck" }));
            Assert.That(host.Handler.Calls, Is.EqualTo(new[] { "stuck s-stuck" }), "flagged once");
            Assert.That(cleared.StuckSince, Is.Null, "a sent status clears it");
            Assert.That(cleared.Status, Is.EqualTo(WhatsAppMessageStatus.Sent));
        });
    }

    [Test]
    public async Task Retention_RecordsAndReportsOlderThanItsAge_DeletedABatchAtATime_NewerKept()
    {
        await using var host = await OutboxHost.StartAsync(o =>
        {
            o.RetainFor = TimeSpan.FromDays(1);
            o.RetentionBatchSize = 2;
        });
        for (var i = 0; i < 3; i++)
        {
            var sent = await host.Sender.SendTextAsync(OutboxHost.ChatA, "Old " + i, null, Key("old-" + i));
            await host.ReceiveAsync(LedgerHost.Update(sent.MessageId, WhatsAppMessageStatus.Delivered, "delivered", host.Clock.GetUtcNow()));
        }

        host.Clock.Advance(TimeSpan.FromDays(2));
        await host.Sender.SendTextAsync(OutboxHost.ChatA, "New", null, Key("new"));
        await host.Reconciler.RunOnceAsync(CancellationToken.None);
        var afterOne = await host.Ledger.ListAsync(new LedgerQuery());
        await host.Reconciler.RunOnceAsync(CancellationToken.None);
        var afterTwo = await host.Ledger.ListAsync(new LedgerQuery());

        using var scope = host.Services.CreateScope();
        var reports = await scope.ServiceProvider.GetRequiredService<OutboxHost.ShopContext>().Set<LedgerStatusEvent>().CountAsync();
        Assert.Multiple(() =>
        {
            Assert.That(afterOne, Has.Count.EqualTo(2), "a batch of two");
            Assert.That(afterTwo.Select(r => r.IdempotencyKey), Is.EqualTo(new[] { "new" }));
            Assert.That(reports, Is.Zero);
        });
    }

    [Test]
    public async Task Reconciler_TwoReplicasAtOnce_EachRecordSettledOnce()
    {
        await using var host = await OutboxHost.StartAsync();
        await using var replica = await OutboxHost.StartAsync(database: host.Database, gateway: host.Gateway, clock: host.Clock);
        host.Gateway.Answer = n => Task.FromResult(ScriptedGateway.Json(502, "Bad Gateway"));
        host.Gateway.Journaled = _ => false;
        for (var i = 0; i < 20; i++)
        {
            Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => host.Sender.SendTextAsync(OutboxHost.ChatA, "Lost " + i, null, Key("lost-" + i)));
        }

        host.Clock.Advance(TimeSpan.FromMinutes(3));
        // Each on its own thread: SQLite completes synchronously, so two plain calls would run one after the other.
        await Task.WhenAll(Task.Run(() => host.Reconciler.RunOnceAsync(CancellationToken.None)), Task.Run(() => replica.Reconciler.RunOnceAsync(CancellationToken.None)));

        var notSent = await host.Ledger.ListAsync(new LedgerQuery { Outcome = LedgerOutcome.NotSent });
        Assert.Multiple(() =>
        {
            Assert.That(notSent, Has.Count.EqualTo(20));
            Assert.That(host.Handler.Calls.Count + replica.Handler.Calls.Count, Is.EqualTo(20), "each reported once, by whichever replica settled it");
        });
    }
}
