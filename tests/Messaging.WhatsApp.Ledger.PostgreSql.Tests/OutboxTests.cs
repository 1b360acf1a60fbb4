using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Data.Common;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Messaging.WhatsApp.Ledger.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NUnit.Framework;

namespace Messaging.WhatsApp.Ledger.PostgreSql.Tests;

/// <summary>
/// The outbox on PostgreSQL: messages saved in the app's own transaction (in the app's context, or beside the ledger's
/// own), sent after the commit, once each; one chat's messages in order; refusals retried only when safe; replicas that
/// claim at the same moment, under read committed, never sending anything twice.
/// </summary>
public sealed class OutboxTests
{
    [TestCase(false, TestName = "Enqueue_LedgerInItsOwnContext_CommittedWithTheOrder_SentOnceAfterTheCommit")]
    [TestCase(true, TestName = "Enqueue_LedgerInTheAppsContext_CommittedWithTheOrder_SentOnceAfterTheCommit")]
    public async Task Enqueue_CommittedWithTheOrder_SentOnceAfterTheCommit(bool appContext)
    {
        await using var host = await PgHost.StartAsync(appContext: appContext);

        await host.OrderAsync(42, PgHost.ChatA, "Order 42 confirmed");
        var beforeDispatch = await host.RecordAsync("order-42");
        await host.DrainAsync();
        await host.DrainAsync();

        var record = await host.RecordAsync("order-42");
        Assert.Multiple(async () =>
        {
            Assert.That(await host.OrdersAsync(), Is.EqualTo(1));
            Assert.That(beforeDispatch.Outcome, Is.EqualTo(LedgerOutcome.Queued));
            Assert.That(host.Gateway.Requests.Select(r => (string?)r["message"]), Is.EqualTo(new[] { "Order 42 confirmed" }));
            Assert.That(record.Outcome, Is.EqualTo(LedgerOutcome.Accepted));
            Assert.That(record.MessageId, Is.EqualTo("ID-1"));
            Assert.That(record.Attempts, Is.EqualTo(1));
            Assert.That(record.LeaseUntil, Is.Null);
        });
    }

    [Test]
    public async Task Enqueue_TransactionRolledBack_NothingRecordedNothingSent()
    {
        await using var host = await PgHost.StartAsync();

        await host.OrderAsync(43, PgHost.ChatA, "Never", commit: false);
        await host.DrainAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(await host.OrdersAsync(), Is.Zero);
            Assert.That(await host.Ledger.FindByKeyAsync("order-43"), Is.Null);
            Assert.That(host.Gateway.Count, Is.Zero);
        });
    }

    [Test]
    public async Task Enqueue_AKeyAlreadyInTheLedger_TheSaveFails_TheOrderOfThatTransactionIsNotSavedEither()
    {
        await using var host = await PgHost.StartAsync();
        await host.OrderAsync(8, PgHost.ChatA, "First");

        var error = Assert.CatchAsync<DbUpdateException>(() => host.OrderAsync(9, PgHost.ChatA, "Second", key: "order-8"))!;

        Assert.Multiple(async () =>
        {
            Assert.That(LedgerDatabase.IsUniqueViolation(error), Is.True, "PostgreSQL's unique_violation, as the ledger recognizes it");
            Assert.That(await host.OrdersAsync(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Dispatch_OneChatsMessages_OneAtATimeInTheOrderAdded_OtherChatsMeanwhile()
    {
        await using var host = await PgHost.StartAsync();
        await host.OrderAsync(1, PgHost.ChatA, "A1");
        await host.OrderAsync(2, PgHost.ChatA, "A2");
        await host.OrderAsync(3, PgHost.ChatB, "B1");
        await host.OrderAsync(4, PgHost.ChatA, "A3");
        await using var replica = await PgHost.StartAsync(connectionString: host.ConnectionString, gateway: host.Gateway, clock: host.Clock);
        var release = host.Gateway.Hold();

        var first = host.Dispatcher.DispatchOnceAsync(CancellationToken.None);
        var waited = Stopwatch.StartNew();
        while (host.Gateway.Count < 2 && waited.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(10);
        }

        Assert.That(host.Gateway.Count, Is.EqualTo(2), "B1 never went out while A1 was held");

        var byReplica = await replica.Dispatcher.DispatchOnceAsync(CancellationToken.None);
        release.SetResult();
        await first;
        await host.DrainAsync();

        var order = host.Gateway.Requests.Select(r => (string)r["message"]!).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(byReplica, Is.Zero, "A1 and B1 are in flight; A2 waits for A1");
            Assert.That(order.Where(t => t.StartsWith('A')), Is.EqualTo(new[] { "A1", "A2", "A3" }));
            Assert.That(order.Take(2), Is.EquivalentTo(new[] { "A1", "B1" }));
            Assert.That(order, Has.Count.EqualTo(4));
        });
    }

    [Test]
    public async Task Dispatch_RateLimited_BackInTheOutboxAfterItsWait_ThenSentOnce()
    {
        await using var host = await PgHost.StartAsync();
        host.Gateway.Answer = n => Task.FromResult(n == 1 ? ScriptedGateway.Json(429, string.Empty) : ScriptedGateway.Success("ID-" + n));
        host.Gateway.Journaled = n => n != 1;
        await host.OrderAsync(6, PgHost.ChatA, "Later");

        await host.DrainAsync();
        var waiting = await host.RecordAsync("order-6");
        await host.DrainAsync();
        var countBeforeDue = host.Gateway.Count;
        host.Clock.Advance(TimeSpan.FromSeconds(6));
        await host.DrainAsync();
        var sent = await host.RecordAsync("order-6");

        Assert.Multiple(() =>
        {
            Assert.That(waiting.Outcome, Is.EqualTo(LedgerOutcome.Queued));
            Assert.That(countBeforeDue, Is.EqualTo(1), "not before it is due");
            Assert.That(sent.Outcome, Is.EqualTo(LedgerOutcome.Accepted));
            Assert.That(sent.Attempts, Is.EqualTo(2));
            Assert.That(host.Gateway.Count, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Dispatch_ThreeReplicasClaimingAtOnce_EveryMessageSentExactlyOnce_EachChatInOrder()
    {
        await using var host = await PgHost.StartAsync(o => o.DispatchBatchSize = 20);
        const int Messages = 600;
        for (var i = 0; i < Messages; i++)
        {
            await host.OrderAsync(1000 + i, Chat(i % 60), "Message " + i);
        }

        await using var second = await PgHost.StartAsync(o => o.DispatchBatchSize = 20, connectionString: host.ConnectionString, gateway: host.Gateway, clock: host.Clock);
        await using var third = await PgHost.StartAsync(o => o.DispatchBatchSize = 20, connectionString: host.ConnectionString, gateway: host.Gateway, clock: host.Clock);
        await Task.WhenAll(Task.Run(host.DrainAsync), Task.Run(second.DrainAsync), Task.Run(third.DrainAsync));
        await host.DrainAsync();

        var texts = host.Gateway.Requests.Select(r => (string)r["message"]!).ToList();
        var accepted = await host.Ledger.ListAsync(new LedgerQuery { Outcome = LedgerOutcome.Accepted, Limit = 1000 });
        var outOfOrder = texts.Select(t => int.Parse(t["Message ".Length..], CultureInfo.InvariantCulture)).GroupBy(i => i % 60)
            .Where(chat => !chat.SequenceEqual(chat.Order())).Select(chat => chat.Key).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(texts, Has.Count.EqualTo(Messages));
            Assert.That(texts.Distinct().Count(), Is.EqualTo(Messages), "none twice");
            Assert.That(accepted, Has.Count.EqualTo(Messages));
            Assert.That(accepted.Select(r => r.MessageId).Distinct().Count(), Is.EqualTo(Messages));
            Assert.That(outOfOrder, Is.Empty, "chats whose messages went out of order");
        });
    }

    [Test]
    public async Task Claim_TwelveClaimsAtOnceFromThreeReplicas_DisjointLeases_OnlyTheFirstMessageOfEachChat()
    {
        await using var host = await PgHost.StartAsync(o => o.DispatchBatchSize = 25);
        for (var i = 0; i < 400; i++)
        {
            await host.OrderAsync(2000 + i, Chat(i % 40), "Claimed " + i);
        }

        await using var second = await PgHost.StartAsync(o => o.DispatchBatchSize = 25, connectionString: host.ConnectionString, gateway: host.Gateway, clock: host.Clock);
        await using var third = await PgHost.StartAsync(o => o.DispatchBatchSize = 25, connectionString: host.ConnectionString, gateway: host.Gateway, clock: host.Clock);
        var claims = new[] { host, second, third }.SelectMany(h => Enumerable.Range(0, 4).Select(_ => Task.Run(() => h.Dispatcher.ClaimSkippingLockedAsync(CancellationToken.None)))).ToList();
        var batches = await Task.WhenAll(claims);

        var claimed = batches.SelectMany(b => b).ToList();
        var sending = await host.Ledger.ListAsync(new LedgerQuery { Outcome = LedgerOutcome.Sending, Limit = 1000 });
        Assert.Multiple(() =>
        {
            Assert.That(claimed.Select(m => m.Id).Distinct().Count(), Is.EqualTo(claimed.Count), "no message leased twice");
            Assert.That(claimed.Select(m => m.ChatId).Distinct().Count(), Is.EqualTo(claimed.Count), "one message per chat in flight");
            Assert.That(claimed.Select(m => m.Text), Has.All.Matches<string>(t => int.Parse(t["Claimed ".Length..], CultureInfo.InvariantCulture) < 40), "each the first of its chat");
            Assert.That(claimed, Has.Count.EqualTo(40), "every chat's first message, by one replica or another");
            Assert.That(claimed.Select(m => m.Attempts), Has.All.EqualTo(1));
            Assert.That(sending.Select(r => r.LeaseUntil), Has.All.EqualTo(host.Clock.GetUtcNow().AddMinutes(1)).Within(TimeSpan.FromMilliseconds(1)));
            Assert.That(sending, Has.Count.EqualTo(40));
        });
    }

    /// <summary>
    /// A burst into a table that has never been analyzed (autovacuum off for it, so it stays so): every claim's plan, as
    /// PostgreSQL plans it inside the claim's own transaction, reads the outbox's indexes in order, sorts nothing and
    /// scans no table. Without statistics the planner took every condition for highly selective and planned a sort of
    /// the whole queue and a walk of the unique key's index per candidate: minutes for a burst of 20,000.
    /// </summary>
    [Test]
    public async Task Claim_ABurstIntoATableNeverAnalyzed_PlannedAlongTheOutboxIndexes_NoSortNoScanOfTheTable()
    {
        var plans = new ClaimPlans();
        await using var host = await PgHost.StartAsync(appContext: true, shopOptions: o => o.AddInterceptors(plans));
        using (var scope = host.Services.CreateScope())
        {
            var shop = scope.ServiceProvider.GetRequiredService<PgHost.ShopContext>();
            await shop.Database.ExecuteSqlRawAsync("ALTER TABLE whatsapp_messages SET (autovacuum_enabled = false)");
            await using var transaction = await shop.Database.BeginTransactionAsync();
            for (var i = 0; i < 2000; i++)
            {
                shop.EnqueueWhatsAppText(GreenApi.GreenApiOptions.Provider, "burst-" + i, Chat(i), "Burst " + i, time: host.Clock);
            }

            // One chat with a queue of its own: each claim may take only its first, after the one before is settled.
            for (var i = 0; i < 20; i++)
            {
                shop.EnqueueWhatsAppText(GreenApi.GreenApiOptions.Provider, "busy-" + i, PgHost.ChatA, "Busy " + i, time: host.Clock);
            }

            await shop.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        var claimed = 0;
        for (var batch = await host.Dispatcher.ClaimSkippingLockedAsync(CancellationToken.None); batch.Count > 0; batch = await host.Dispatcher.ClaimSkippingLockedAsync(CancellationToken.None))
        {
            claimed += batch.Count;
            using var scope = host.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<PgHost.ShopContext>().Set<LedgerMessage>()
                .Where(m => m.Outcome == LedgerOutcome.Sending)
                .ExecuteUpdateAsync(set => set.SetProperty(m => m.Outcome, LedgerOutcome.Accepted));
        }

        float statistics;
        using (var scope = host.Services.CreateScope())
        {
            statistics = await scope.ServiceProvider.GetRequiredService<PgHost.ShopContext>().Database
                .SqlQueryRaw<float>("SELECT reltuples AS \"Value\" FROM pg_class WHERE relname = 'whatsapp_messages'").SingleAsync();
        }

        string[] outbox = ["PK_whatsapp_messages", "IX_whatsapp_messages_outbox_queue", "IX_whatsapp_messages_outbox_chat"];
        Assert.Multiple(() =>
        {
            Assert.That(statistics, Is.EqualTo(-1), "the table was never analyzed (reltuples -1): what the test is about");
            Assert.That(claimed, Is.EqualTo(2020));
            Assert.That(plans.Explained, Has.Count.GreaterThanOrEqualTo(21), "a plan per claim");
            Assert.That(plans.Explained.SelectMany(p => p.Nodes), Has.None.EqualTo("Sort").And.None.EqualTo("Seq Scan").And.None.EqualTo("Bitmap Heap Scan"));
            Assert.That(plans.Explained.SelectMany(p => p.Indexes).Distinct(), Is.SubsetOf(outbox));
        });
    }

    private static ChatAddress Chat(int n) => ChatAddress.Parse("7900" + (1000000 + n).ToString(CultureInfo.InvariantCulture));

    /// <summary>The plan of every claim, explained on its connection inside its transaction just before it runs.</summary>
    private sealed class ClaimPlans : DbCommandInterceptor
    {
        public List<(List<string> Nodes, List<string> Indexes)> Explained { get; } = [];

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("SKIP LOCKED", StringComparison.Ordinal))
            {
                await using var explain = command.Connection!.CreateCommand();
                explain.Transaction = command.Transaction;
                explain.CommandText = "EXPLAIN (FORMAT JSON) " + command.CommandText;
                foreach (var parameter in command.Parameters.Cast<NpgsqlParameter>())
                {
                    explain.Parameters.Add(parameter.Clone());
                }

                var plan = JsonNode.Parse((string)(await explain.ExecuteScalarAsync(cancellationToken))!)![0]!["Plan"]!;
                var found = (Nodes: new List<string>(), Indexes: new List<string>());
                Walk(plan, found);
                lock (Explained)
                {
                    Explained.Add(found);
                }
            }

            return result;
        }

        private static void Walk(JsonNode node, (List<string> Nodes, List<string> Indexes) found)
        {
            found.Nodes.Add((string)node["Node Type"]!);
            if (node["Index Name"] is { } index)
            {
                found.Indexes.Add((string)index!);
            }

            foreach (var child in node["Plans"]?.AsArray() ?? [])
            {
                Walk(child!, found);
            }
        }
    }
}
