using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.Ledger.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Messaging.WhatsApp.Ledger.PostgreSql.Tests;

/// <summary>
/// The reconciler on PostgreSQL, on the test's clock: unknown outcomes settled from GREEN-API's journal (found, not found
/// and resent, late), a lease that ran out with its process, two replicas settling at once, stuck messages, retention.
/// </summary>
public sealed class ReconcilerTests
{
    private static SendOptions Key(string key) => new() { IdempotencyKey = key };

    [Test]
    public async Task Unknown_TheJournalHasIt_AcceptedWithItsId_NotSentAgain()
    {
        await using var host = await PgHost.StartAsync();
        host.Gateway.Answer = _ => Task.FromResult(ScriptedGateway.Json(502, "Bad Gateway"));
        Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => host.Sender.SendTextAsync(PgHost.ChatA, "Went out", null, Key("u-found")));

        await host.Reconciler.RunOnceAsync(CancellationToken.None);

        var record = await host.RecordAsync("u-found");
        Assert.Multiple(() =>
        {
            Assert.That(record.Outcome, Is.EqualTo(LedgerOutcome.Accepted));
            Assert.That(record.MessageId, Is.EqualTo("ID-1"));
            Assert.That(record.ReconcileAttempts, Is.EqualTo(1));
            Assert.That(host.Gateway.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Unknown_LateInTheJournal_AskedAgainAfterAGrowingWait_ThenAccepted()
    {
        await using var host = await PgHost.StartAsync(o => o.ReconcileInterval = TimeSpan.FromSeconds(10));
        host.Gateway.Answer = _ => Task.FromResult(ScriptedGateway.Json(502, "Bad Gateway"));
        host.Gateway.Journaled = _ => false;
        Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => host.Sender.SendTextAsync(PgHost.ChatA, "Late", null, Key("u-late")));

        await host.Reconciler.RunOnceAsync(CancellationToken.None);
        var waiting = await host.RecordAsync("u-late");
        host.Gateway.AddToJournal(ScriptedGateway.Entry("LATE-1", PgHost.ChatA.Id, "Late", host.Clock.GetUtcNow()));
        await host.Reconciler.RunOnceAsync(CancellationToken.None);
        var notYetDue = await host.RecordAsync("u-late");
        host.Clock.Advance(TimeSpan.FromSeconds(11));
        await host.Reconciler.RunOnceAsync(CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(waiting.Outcome, Is.EqualTo(LedgerOutcome.Unknown));
            Assert.That(waiting.NextAttemptAt!.Value.ToUnixTimeMilliseconds(), Is.EqualTo(host.Clock.GetUtcNow().AddSeconds(-11).AddSeconds(10).ToUnixTimeMilliseconds()), "min(60 s, interval × attempts) after the run, computed by PostgreSQL");
            Assert.That(notYetDue.Outcome, Is.EqualTo(LedgerOutcome.Unknown), "not asked again before it is due");
            Assert.That((await host.RecordAsync("u-late")).MessageId, Is.EqualTo("LATE-1"));
        });
    }

    [Test]
    public async Task Unknown_NotInTheJournalAfterItsDelay_NotSent_ResentOnceThroughTheOutbox()
    {
        await using var host = await PgHost.StartAsync(o => o.ResendNotSent = true);
        host.Gateway.Answer = n => Task.FromResult(n == 1 ? ScriptedGateway.Json(502, "Bad Gateway") : ScriptedGateway.Success("ID-" + n));
        host.Gateway.Journaled = n => n != 1;
        Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => host.Sender.SendTextAsync(PgHost.ChatA, "Again", null, Key("u-resend")));

        await host.Reconciler.RunOnceAsync(CancellationToken.None);
        var early = await host.RecordAsync("u-resend");
        host.Clock.Advance(TimeSpan.FromMinutes(3));
        await host.Reconciler.RunOnceAsync(CancellationToken.None);
        await host.DrainAsync();

        var record = await host.RecordAsync("u-resend");
        Assert.Multiple(() =>
        {
            Assert.That(early.Outcome, Is.EqualTo(LedgerOutcome.Unknown), "the journal may still lag");
            Assert.That(host.Handler.Calls, Is.EqualTo(new[] { "not sent u-resend" }));
            Assert.That(record.Outcome, Is.EqualTo(LedgerOutcome.Accepted));
            Assert.That(record.MessageId, Is.EqualTo("ID-2"));
            Assert.That(host.Gateway.Count, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task NotFound_JudgedOnAnEarlierAttempt_AppliedAfterTheResentAttemptWentOut_Ignored_NotSentAThirdTime()
    {
        // Two replicas' reconcilers on one unknown outcome. The second reads the record and the journal (the message not
        // in it), and judges only after the first has settled it not sent, the outbox has sent it again, and that attempt
        // went out unanswered (unknown again). Its "not found" is about the first attempt, not the second.
        await using var host = await PgHost.StartAsync(o => o.ResendNotSent = true);
        var staleJournal = new ScriptedGateway();
        await using var stale = await PgHost.StartAsync(o => o.ResendNotSent = true, host.ConnectionString, staleJournal, host.Clock);
        host.Gateway.Answer = n => Task.FromResult(n <= 2 ? ScriptedGateway.Json(502, "Bad Gateway") : ScriptedGateway.Success("ID-" + n));
        host.Gateway.Journaled = n => n != 1;
        Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => host.Sender.SendTextAsync(PgHost.ChatA, "Once", null, Key("u-stale")));
        host.Clock.Advance(TimeSpan.FromMinutes(3));
        var read = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var judge = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        staleJournal.JournalRead = () =>
        {
            read.TrySetResult();
            return judge.Task;
        };

        var staleRun = Task.Run(() => stale.Reconciler.RunOnceAsync(CancellationToken.None));
        await read.Task.WaitAsync(TimeSpan.FromMinutes(1));
        await host.Reconciler.RunOnceAsync(CancellationToken.None);
        await host.DrainAsync();
        var resent = await host.RecordAsync("u-stale");
        judge.SetResult();
        await staleRun.WaitAsync(TimeSpan.FromMinutes(1));
        await host.DrainAsync();
        await host.Reconciler.RunOnceAsync(CancellationToken.None);

        var record = await host.RecordAsync("u-stale");
        Assert.Multiple(() =>
        {
            Assert.That(resent.Outcome, Is.EqualTo(LedgerOutcome.Unknown), "the second attempt went out unanswered");
            Assert.That(resent.Attempts, Is.EqualTo(2));
            Assert.That(host.Gateway.Count, Is.EqualTo(2), "the stale verdict did not send it a third time");
            Assert.That(record.Outcome, Is.EqualTo(LedgerOutcome.Accepted));
            Assert.That(record.MessageId, Is.EqualTo("ID-2"), "settled from the journal as the second attempt");
        });
    }

    [Test]
    public async Task LeaseRunsOut_TheProcessStoppedWhileSending_UnknownThenSettledFromTheJournal_NotSentAgain()
    {
        await using var host = await PgHost.StartAsync();
        host.Gateway.Hold();
        var sending = host.Sender.SendTextAsync(PgHost.ChatA, "Died sending", null, Key("u-died"));
        await host.Gateway.Arrived.Task.WaitAsync(TimeSpan.FromMinutes(1));

        await using var replica = await PgHost.StartAsync(connectionString: host.ConnectionString, gateway: host.Gateway, clock: host.Clock);
        await replica.Reconciler.RunOnceAsync(CancellationToken.None);
        var inFlight = await replica.RecordAsync("u-died");
        host.Clock.Advance(TimeSpan.FromMinutes(2));
        host.Gateway.AddToJournal(ScriptedGateway.Entry("ID-1", PgHost.ChatA.Id, "Died sending", host.Clock.GetUtcNow().AddMinutes(-2)));
        await replica.Reconciler.RunOnceAsync(CancellationToken.None);
        var settled = await replica.RecordAsync("u-died");

        Assert.Multiple(() =>
        {
            Assert.That(inFlight.Outcome, Is.EqualTo(LedgerOutcome.Sending));
            Assert.That(settled.Outcome, Is.EqualTo(LedgerOutcome.Accepted));
            Assert.That(settled.ErrorType, Is.EqualTo("LeaseExpired"));
            Assert.That(settled.MessageId, Is.EqualTo("ID-1"));
            Assert.That(host.Gateway.Count, Is.EqualTo(1));
        });
        _ = sending;
    }

    [Test]
    public async Task Reconciler_TwoReplicasAtOnce_EachRecordSettledOnce()
    {
        await using var host = await PgHost.StartAsync();
        await using var replica = await PgHost.StartAsync(connectionString: host.ConnectionString, gateway: host.Gateway, clock: host.Clock);
        host.Gateway.Answer = _ => Task.FromResult(ScriptedGateway.Json(502, "Bad Gateway"));
        host.Gateway.Journaled = _ => false;
        for (var i = 0; i < 20; i++)
        {
            Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => host.Sender.SendTextAsync(PgHost.ChatA, "Lost " + i, null, Key("lost-" + i)));
        }

        host.Clock.Advance(TimeSpan.FromMinutes(3));
        await Task.WhenAll(Task.Run(() => host.Reconciler.RunOnceAsync(CancellationToken.None)), Task.Run(() => replica.Reconciler.RunOnceAsync(CancellationToken.None)));

        var notSent = await host.Ledger.ListAsync(new LedgerQuery { Outcome = LedgerOutcome.NotSent });
        Assert.Multiple(() =>
        {
            Assert.That(notSent, Has.Count.EqualTo(20));
            Assert.That(host.Handler.Calls.Count + replica.Handler.Calls.Count, Is.EqualTo(20), "each reported once");
        });
    }

    [Test]
    public async Task Accepted_NoSentStatusInTime_FlaggedStuckOnce_ThenRetentionDeletesOldRecordsABatchAtATime()
    {
        await using var host = await PgHost.StartAsync(o =>
        {
            o.StuckAfter = TimeSpan.FromMinutes(15);
            o.RetainFor = TimeSpan.FromDays(1);
            o.RetentionBatchSize = 2;
        });
        for (var i = 0; i < 3; i++)
        {
            await host.Sender.SendTextAsync(PgHost.ChatA, "Old " + i, null, Key("old-" + i));
        }

        host.Clock.Advance(TimeSpan.FromMinutes(16));
        await host.Reconciler.RunOnceAsync(CancellationToken.None);
        var stuck = await host.Ledger.ListAsync(new LedgerQuery { Stuck = true });
        await host.ReceiveAsync(PgHost.Update("ID-1", WhatsAppMessageStatus.Sent, "sent", host.Clock.GetUtcNow()));
        var cleared = await host.RecordAsync("old-0");
        host.Clock.Advance(TimeSpan.FromDays(2));
        await host.Sender.SendTextAsync(PgHost.ChatA, "New", null, Key("new"));
        await host.Reconciler.RunOnceAsync(CancellationToken.None);
        var afterOne = await host.Ledger.ListAsync(new LedgerQuery());
        await host.Reconciler.RunOnceAsync(CancellationToken.None);
        var afterTwo = await host.Ledger.ListAsync(new LedgerQuery());

        await using var context = await host.Services.GetRequiredService<IDbContextFactory<WhatsAppLedgerDbContext>>().CreateDbContextAsync();
        var reports = await context.Set<LedgerStatusEvent>().CountAsync();
        Assert.Multiple(() =>
        {
            Assert.That(stuck, Has.Count.EqualTo(3));
            Assert.That(host.Handler.Calls.Where(c => c.StartsWith("stuck", StringComparison.Ordinal)).ToList(), Has.Count.EqualTo(3), "flagged once each");
            Assert.That(cleared.StuckSince, Is.Null, "a sent status clears it");
            Assert.That(afterOne, Has.Count.EqualTo(2), "a batch of two deleted");
            Assert.That(afterTwo.Select(r => r.IdempotencyKey), Is.EqualTo(new[] { "new" }));
            Assert.That(reports, Is.Zero);
        });
    }
}
