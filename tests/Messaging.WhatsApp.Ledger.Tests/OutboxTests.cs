using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using NUnit.Framework;

namespace Messaging.WhatsApp.Ledger.Tests;

/// <summary>
/// The outbox on SQLite: messages saved with the app's data in its transaction and sent after it commits, through the
/// registered sender, once each; one chat's messages in order; refusals recorded, retried only when safe; replicas that
/// share the work without sending anything twice.
/// </summary>
public sealed class OutboxTests
{
    [Test]
    public async Task Enqueue_CommittedWithTheOrder_SentOnceAfterTheCommit_RecordedAccepted()
    {
        await using var host = await OutboxHost.StartAsync();

        await host.OrderAsync(42, OutboxHost.ChatA, "Order 42 confirmed");
        var beforeDispatch = await host.RecordAsync("order-42");
        await host.DrainAsync();
        await host.DrainAsync();

        var record = await host.RecordAsync("order-42");
        Assert.Multiple(async () =>
        {
            Assert.That(await host.OrdersAsync(), Is.EqualTo(1));
            Assert.That(beforeDispatch.Outcome, Is.EqualTo(LedgerOutcome.Queued));
            Assert.That(host.Gateway.Requests.Select(r => (string?)r["message"]), Is.EqualTo(new[] { "Order 42 confirmed" }), "sent once");
            Assert.That(host.Gateway.Requests.Single()["chatId"]!.ToString(), Is.EqualTo(OutboxHost.ChatA.Id));
            Assert.That(record.Outcome, Is.EqualTo(LedgerOutcome.Accepted));
            Assert.That(record.MessageId, Is.EqualTo("ID-1"));
            Assert.That(record.Instance, Is.EqualTo("1101000001"));
            Assert.That(record.Text, Is.Null, "settled: the text is gone");
        });
    }

    [Test]
    public async Task Enqueue_TransactionRolledBack_NothingRecordedNothingSent()
    {
        await using var host = await OutboxHost.StartAsync();

        await host.OrderAsync(43, OutboxHost.ChatA, "Never", commit: false);
        await host.DrainAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(await host.OrdersAsync(), Is.Zero);
            Assert.That(await host.Ledger.FindByKeyAsync("order-43"), Is.Null);
            Assert.That(host.Gateway.Count, Is.Zero);
        });
    }

    [Test]
    public async Task Dispatch_OneChatsMessages_OneAtATimeInTheOrderAdded_OtherChatsMeanwhile()
    {
        await using var host = await OutboxHost.StartAsync();
        await host.OrderAsync(1, OutboxHost.ChatA, "A1");
        await host.OrderAsync(2, OutboxHost.ChatA, "A2");
        await host.OrderAsync(3, OutboxHost.ChatB, "B1");
        await host.OrderAsync(4, OutboxHost.ChatA, "A3");
        await using var replica = await OutboxHost.StartAsync(database: host.Database, gateway: host.Gateway, clock: host.Clock);
        var release = host.Gateway.Hold();

        var first = host.Dispatcher.DispatchOnceAsync(CancellationToken.None);
        var waited = Stopwatch.StartNew();
        while (host.Gateway.Count < 2 && waited.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(10);
        }

        Assert.That(host.Gateway.Count, Is.EqualTo(2), "B1 never went out while A1 was held");

        // A1 and B1 are in flight: the replica finds nothing it may send (A2 waits for A1).
        var byReplica = await replica.Dispatcher.DispatchOnceAsync(CancellationToken.None);
        release.SetResult();
        await first;
        await host.DrainAsync();

        var order = host.Gateway.Requests.Select(r => (string)r["message"]!).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(byReplica, Is.Zero);
            Assert.That(order.Where(t => t.StartsWith('A')), Is.EqualTo(new[] { "A1", "A2", "A3" }));
            Assert.That(order.Take(2), Is.EquivalentTo(new[] { "A1", "B1" }), "B1 did not wait for chat A");
            Assert.That(order, Has.Count.EqualTo(4));
        });
    }

    [Test]
    public async Task Dispatch_RefusedAsInvalid_RecordedRefused_NotAttemptedAgain()
    {
        await using var host = await OutboxHost.StartAsync();
        host.Gateway.Answer = _ => Task.FromResult(ScriptedGateway.Json(400, """{"statusCode":400,"message":"Validation failed"}"""));
        await host.OrderAsync(5, OutboxHost.ChatA, "Refused");

        await host.DrainAsync();
        host.Clock.Advance(TimeSpan.FromHours(1));
        await host.DrainAsync();

        var record = await host.RecordAsync("order-5");
        Assert.Multiple(() =>
        {
            Assert.That(record.Outcome, Is.EqualTo(LedgerOutcome.Refused));
            Assert.That(record.ErrorType, Is.EqualTo(nameof(WhatsAppRequestRejectedException)));
            Assert.That(host.Gateway.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Dispatch_RateLimited_BackInTheOutboxForLater_ThenSentOnce()
    {
        await using var host = await OutboxHost.StartAsync();
        host.Gateway.Answer = n => Task.FromResult(n == 1 ? ScriptedGateway.Json(429, string.Empty) : ScriptedGateway.Success("ID-" + n));
        host.Gateway.Journaled = n => n != 1;
        await host.OrderAsync(6, OutboxHost.ChatA, "Later");

        var refusedAt = host.Clock.GetUtcNow();
        await host.DrainAsync();
        var waiting = await host.RecordAsync("order-6");
        await host.DrainAsync();
        var countBeforeDue = host.Gateway.Count;
        host.Clock.Advance(TimeSpan.FromSeconds(6));
        await host.DrainAsync();
        var sent = await host.RecordAsync("order-6");

        Assert.Multiple(() =>
        {
            Assert.That(waiting.Outcome, Is.EqualTo(LedgerOutcome.Queued), "nothing was sent; safe to try again");
            Assert.That(waiting.NextAttemptAt, Is.EqualTo(refusedAt.AddSeconds(5)).Within(TimeSpan.FromMilliseconds(1)), "back in the outbox after 5 s (docs/ledger.md), not due at once");
            Assert.That(countBeforeDue, Is.EqualTo(1), "not before it is due");
            Assert.That(sent.Outcome, Is.EqualTo(LedgerOutcome.Accepted));
            Assert.That(sent.Attempts, Is.EqualTo(2));
            Assert.That(host.Gateway.Count, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Dispatch_LedgerUnwritableAsTheSendBegins_BackInTheOutboxForLater_ThenSentOnce()
    {
        // The database restarting as the dispatcher renews a claimed message's lease: the send stops before anything
        // is sent (the ledger's failure is safe to retry), and the message is not given up as refused.
        var outage = new FirstLeaseRenewalFails();
        await using var host = await OutboxHost.StartAsync(interceptor: outage);
        await host.OrderAsync(7, OutboxHost.ChatA, "After the outage");

        await host.DrainAsync();
        var waiting = await host.RecordAsync("order-7");
        var countBeforeDue = host.Gateway.Count;
        host.Clock.Advance(TimeSpan.FromSeconds(6));
        await host.DrainAsync();
        var sent = await host.RecordAsync("order-7");

        Assert.Multiple(() =>
        {
            Assert.That(outage.Renewals, Is.EqualTo(2), "the failed renewal, then the one of the send that went out");
            Assert.That(waiting.Outcome, Is.EqualTo(LedgerOutcome.Queued), "nothing was sent; safe to try again");
            Assert.That(waiting.ErrorType, Is.EqualTo(nameof(WhatsAppLedgerUnavailableException)));
            Assert.That(countBeforeDue, Is.EqualTo(0), "nothing reached the gateway during the outage");
            Assert.That(sent.Outcome, Is.EqualTo(LedgerOutcome.Accepted));
            Assert.That(host.Gateway.Count, Is.EqualTo(1), "sent once");
        });
    }

    /// <summary>Fails the first lease renewal: the update whose first column set is the content hash, as the send begins.</summary>
    private sealed class FirstLeaseRenewalFails : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
    {
        private int _renewals;

        public int Renewals => _renewals;

        public override System.Threading.Tasks.ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> NonQueryExecutingAsync(
            System.Data.Common.DbCommand command,
            Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData,
            Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result,
            System.Threading.CancellationToken cancellationToken = default)
        {
            if (System.Text.RegularExpressions.Regex.IsMatch(command.CommandText, "SET\\s+\"ContentHash\" =") && Interlocked.Increment(ref _renewals) == 1)
            {
                throw new Microsoft.Data.Sqlite.SqliteException("database is locked", 5);
            }

            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    [Test]
    public async Task Dispatch_NoSenderUnderTheRegistration_RecordedRefusedNamingIt()
    {
        await using var host = await OutboxHost.StartAsync();
        using (var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateScope(host.Services))
        {
            var shop = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<OutboxHost.ShopContext>(scope.ServiceProvider);
            Microsoft.EntityFrameworkCore.WhatsAppOutboxDbContextExtensions.EnqueueWhatsAppText(shop, GreenApi.GreenApiOptions.Provider, "k-nobody", OutboxHost.ChatA, "To nobody", registrationName: "marketing", time: host.Clock);
            await shop.SaveChangesAsync();
        }

        await host.DrainAsync();

        var record = await host.RecordAsync2("k-nobody", "marketing");
        Assert.Multiple(() =>
        {
            Assert.That(record.Outcome, Is.EqualTo(LedgerOutcome.Refused));
            Assert.That(record.ErrorType, Is.EqualTo(nameof(InvalidOperationException)));
            Assert.That(host.Gateway.Count, Is.Zero);
        });
    }

    [Test]
    public async Task Dispatch_ThreeReplicasOnOneFile_EveryMessageSentExactlyOnce()
    {
        await using var host = await OutboxHost.StartAsync();
        for (var i = 0; i < 150; i++)
        {
            await host.OrderAsync(1000 + i, ChatAddress.Parse("7900" + (1000000 + (i % 50)).ToString(System.Globalization.CultureInfo.InvariantCulture)), "Message " + i);
        }

        await using var second = await OutboxHost.StartAsync(database: host.Database, gateway: host.Gateway, clock: host.Clock);
        await using var third = await OutboxHost.StartAsync(database: host.Database, gateway: host.Gateway, clock: host.Clock);
        await Task.WhenAll(host.DrainAsync(), second.DrainAsync(), third.DrainAsync());
        await host.DrainAsync();

        var texts = host.Gateway.Requests.Select(r => (string)r["message"]!).ToList();
        var accepted = await host.Ledger.ListAsync(new LedgerQuery { Outcome = LedgerOutcome.Accepted, Limit = 1000 });
        Assert.Multiple(() =>
        {
            Assert.That(texts, Has.Count.EqualTo(150));
            Assert.That(texts.Distinct().Count(), Is.EqualTo(150), "none twice");
            Assert.That(accepted, Has.Count.EqualTo(150));
            Assert.That(accepted.Select(r => r.MessageId).Distinct().Count(), Is.EqualTo(150));
        });
    }

    [Test]
    public async Task Dispatch_LeaseRanOutWhileTheMessageWaitedInItsBatch_NotSentByTheDispatcherThatClaimedIt_SentOnce()
    {
        // One send at a time: the second message of the batch waits, leased, while the first is held at the gateway.
        static void Options(WhatsAppLedgerOptions o)
        {
            o.DispatchConcurrency = 1;
            o.ResendNotSent = true;
        }

        await using var host = await OutboxHost.StartAsync(Options);
        await using var replica = await OutboxHost.StartAsync(Options, database: host.Database, gateway: host.Gateway, clock: host.Clock);
        await host.OrderAsync(11, OutboxHost.ChatA, "First");
        await host.OrderAsync(12, OutboxHost.ChatB, "Second");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Gateway.Answer = async n =>
        {
            if (n == 1)
            {
                await release.Task;
            }

            return ScriptedGateway.Success("ID-" + n);
        };
        host.Gateway.Journaled = _ => false;

        var dispatching = host.Dispatcher.DispatchOnceAsync(CancellationToken.None);
        await host.Gateway.Arrived.Task.WaitAsync(TimeSpan.FromMinutes(1));

        // Past both leases and the journal's delay: the reconciler takes both sends for dead. The first is in the
        // journal (it reached the gateway); the second is not, so it is resent through the outbox, by the replica.
        host.Clock.Advance(TimeSpan.FromMinutes(3));
        host.Gateway.AddToJournal(ScriptedGateway.Entry("ID-J", OutboxHost.ChatA.Id, "First", host.Clock.GetUtcNow().AddMinutes(-3)));
        await replica.Reconciler.RunOnceAsync(CancellationToken.None);
        await replica.DrainAsync();
        release.SetResult();
        await dispatching.WaitAsync(TimeSpan.FromMinutes(1));

        var second = await host.RecordAsync("order-12");
        Assert.Multiple(async () =>
        {
            Assert.That(host.Gateway.Requests.Count(r => (string?)r["message"] == "Second"), Is.EqualTo(1), "the resend only: the dispatcher that claimed it lost its lease");
            Assert.That(second.Outcome, Is.EqualTo(LedgerOutcome.Accepted));
            Assert.That(second.MessageId, Is.EqualTo("ID-2"));
            Assert.That((await host.RecordAsync("order-11")).MessageId, Is.EqualTo("ID-J"), "settled from the journal");
        });
    }

    [Test]
    public async Task Send_DirectWithTheKeyOfAQueuedMessage_AnsweredFromItsRecordOnceSent_NotSentTwice()
    {
        await using var host = await OutboxHost.StartAsync();
        await host.OrderAsync(7, OutboxHost.ChatA, "Once");
        await host.DrainAsync();

        var direct = await host.Sender.SendTextAsync(OutboxHost.ChatA, "Once", null, new SendOptions { IdempotencyKey = "order-7" });

        Assert.Multiple(() =>
        {
            Assert.That(direct.IsRepeat, Is.True);
            Assert.That(host.Gateway.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Enqueue_AKeyAlreadyInTheLedger_TheSaveFails_NothingSavedOfIt()
    {
        await using var host = await OutboxHost.StartAsync();
        await host.OrderAsync(8, OutboxHost.ChatA, "First");

        Assert.CatchAsync<Microsoft.EntityFrameworkCore.DbUpdateException>(() => host.OrderAsync2(9, "order-8", OutboxHost.ChatA, "Second"));
        Assert.That(await host.OrdersAsync(), Is.EqualTo(1), "the order of the failed save is not saved either");
    }
}
