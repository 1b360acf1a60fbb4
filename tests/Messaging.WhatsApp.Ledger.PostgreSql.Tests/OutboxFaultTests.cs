using System;
using System.Data.Common;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Ledger.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NUnit.Framework;

namespace Messaging.WhatsApp.Ledger.PostgreSql.Tests;

/// <summary>
/// The dispatcher on PostgreSQL when something besides the gateway goes wrong: an edited row in the outbox, a refusal
/// the database will not record, a send whose end the database will not record.
/// </summary>
public sealed class OutboxFaultTests
{
    [Test]
    public async Task Claim_AnEditedRowInTheOutbox_SetAsideAsUnresolved_NeverSent_TheOthersSent()
    {
        await using var host = await PgHost.StartAsync();
        await host.OrderAsync(1, PgHost.ChatA, "Edited");
        await host.OrderAsync(2, PgHost.ChatB, "Sound");
        await ExecuteAsync(host, """UPDATE whatsapp_messages SET "MessageId" = 'edited-by-hand' WHERE "IdempotencyKey" = 'order-1'""");

        await host.DrainAsync();

        var edited = await RowAsync(host, "order-1");
        Assert.Multiple(() =>
        {
            Assert.That(host.Gateway.Requests.Select(r => (string)r["message"]!), Is.EqualTo(new[] { "Sound" }));
            Assert.That(edited.Outcome, Is.EqualTo((int)LedgerOutcome.Unresolved));
            Assert.That(edited.ErrorType, Is.EqualTo("InvalidRecord"));
            Assert.That(host.Logs.Lines.Select(l => l.Line), Has.Some.Contains("set aside as unresolved"));
        });
    }

    [Test]
    public async Task Dispatch_ARefusalTheDatabaseWillNotRecord_TheRestOfTheBatchStillGoesOut_ItStaysInFlight()
    {
        await using var host = await PgHost.StartAsync(o => o.DispatchConcurrency = 1);
        using (var scope = host.Services.CreateScope())
        {
            // A message for a sender nobody registered: refused before anything is sent, first in the batch.
            var shop = scope.ServiceProvider.GetRequiredService<PgHost.ShopContext>();
            shop.EnqueueWhatsAppText(GreenApiOptions.Provider, "unsendable", PgHost.ChatA, "Nobody sends this", registrationName: "nobody", time: host.Clock);
            await shop.SaveChangesAsync();
        }

        await host.OrderAsync(2, PgHost.ChatB, "Second");
        await host.OrderAsync(3, ChatAddress.Parse("79001234569"), "Third");
        await ExecuteAsync(host, """
            CREATE FUNCTION no_refusals() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refusals cannot be written'; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER no_refusals BEFORE UPDATE ON whatsapp_messages FOR EACH ROW WHEN (NEW."Outcome" = 2) EXECUTE FUNCTION no_refusals();
            """);

        var claimed = await host.Dispatcher.DispatchOnceAsync(CancellationToken.None);

        var unsendable = await RowAsync(host, "unsendable");
        Assert.Multiple(() =>
        {
            Assert.That(claimed, Is.EqualTo(3));
            Assert.That(host.Gateway.Requests.Select(r => (string)r["message"]!), Is.EquivalentTo(new[] { "Second", "Third" }));
            Assert.That(unsendable.Outcome, Is.EqualTo((int)LedgerOutcome.Sending), "in flight until its lease runs out, for the reconciler");
            Assert.That(host.Logs.Lines.Select(l => l.Line), Has.Some.Contains("could not be recorded"));
        });
    }

    [TestCase(false, TestName = "Dispatch_RefusedBeforeAnythingWasSent_TheTextGoes")]
    [TestCase(true, TestName = "Dispatch_RefusedBeforeAnythingWasSent_KeepText_TheTextStays")]
    public async Task Dispatch_RefusedBeforeAnythingWasSent_TheTextGoesUnlessKept(bool keepText)
    {
        await using var host = await PgHost.StartAsync(o => o.KeepText = keepText);
        using (var scope = host.Services.CreateScope())
        {
            var shop = scope.ServiceProvider.GetRequiredService<PgHost.ShopContext>();
            shop.EnqueueWhatsAppText(GreenApiOptions.Provider, "unsendable", PgHost.ChatA, "Nobody sends this", registrationName: "nobody", time: host.Clock);
            await shop.SaveChangesAsync();
        }

        await host.DrainAsync();

        var refused = (await host.Ledger.FindByKeyAsync("unsendable", registrationName: "nobody"))!;
        Assert.Multiple(() =>
        {
            Assert.That(refused.Outcome, Is.EqualTo(LedgerOutcome.Refused));
            Assert.That(host.Gateway.Count, Is.Zero);
            Assert.That(refused.Text, keepText ? Is.EqualTo("Nobody sends this") : Is.Null);
        });
    }

    [TestCase("registrationName", TestName = "Enqueue_ARegistrationNameLongerThan100_RefusedNamingIt_NothingSaved")]
    [TestCase("replyTo", TestName = "Enqueue_AReplyToLongerThan200_RefusedNamingIt_NothingSaved")]
    public async Task Enqueue_AValueLongerThanItsColumn_RefusedNamingTheField(string field)
    {
        await using var host = await PgHost.StartAsync();
        using var scope = host.Services.CreateScope();
        var shop = scope.ServiceProvider.GetRequiredService<PgHost.ShopContext>();

        var refused = Assert.Throws<WhatsAppArgumentException>(() => shop.EnqueueWhatsAppText(
            GreenApiOptions.Provider,
            "too-long",
            PgHost.ChatA,
            "Hello",
            replyTo: field == "replyTo" ? new string('r', 201) : null,
            registrationName: field == "registrationName" ? new string('n', 101) : string.Empty,
            time: host.Clock));
        await shop.SaveChangesAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(refused!.ParamName, Is.EqualTo(field));
            Assert.That(refused.Rule, Does.Contain("at most"));
            Assert.That(await shop.Set<LedgerMessage>().CountAsync(), Is.Zero);
        });
    }

    /// <summary>
    /// A message back in the outbox after a refusal (429) is claimed again; its second send ends in an unknown outcome
    /// (502) that the database will not record. The send began, so it may have gone out: the dispatcher must not record
    /// it as refused with nothing sent (that would let the key send it again); it stays in flight for the reconciler.
    /// </summary>
    [Test]
    public async Task Dispatch_SecondAttemptsUnknownOutcomeNotRecorded_NotReportedRefused_StaysInFlight()
    {
        var failNext = new FailNextWrite();
        await using var host = await PgHost.StartAsync(appContext: true, shopOptions: o => o.AddInterceptors(failNext));
        host.Gateway.Answer = n =>
        {
            if (n == 1)
            {
                return Task.FromResult(ScriptedGateway.Json(429, string.Empty));
            }

            failNext.Armed = true;
            return Task.FromResult(ScriptedGateway.Json(502, "Bad Gateway"));
        };
        await host.OrderAsync(7, PgHost.ChatA, "Twice tried");

        await host.DrainAsync();
        var waiting = await host.RecordAsync("order-7");
        host.Clock.Advance(TimeSpan.FromSeconds(6));
        await host.DrainAsync();
        var after = await host.RecordAsync("order-7");

        Assert.Multiple(() =>
        {
            Assert.That(waiting.Outcome, Is.EqualTo(LedgerOutcome.Queued), "back in the outbox after the 429");
            Assert.That(failNext.Failed, Is.EqualTo(1), "the write after the second send was refused");
            Assert.That(host.Gateway.Count, Is.EqualTo(2));
            Assert.That(after.Outcome, Is.EqualTo(LedgerOutcome.Sending), "in flight: the reconciler settles what became of it");
        });
    }

    private static async Task ExecuteAsync(PgHost host, string sql)
    {
        using var scope = host.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<PgHost.ShopContext>().Database.ExecuteSqlRawAsync(sql);
    }

    private static async Task<Row> RowAsync(PgHost host, string key)
    {
        using var scope = host.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<PgHost.ShopContext>().Database
            .SqlQueryRaw<Row>("""SELECT "Outcome", "ErrorType" FROM whatsapp_messages WHERE "IdempotencyKey" = {0}""", key)
            .SingleAsync();
    }

    private sealed record Row(int Outcome, string? ErrorType);

    /// <summary>Once armed, refuses the next write (an UPDATE, say) as a database that went away would.</summary>
    private sealed class FailNextWrite : DbCommandInterceptor
    {
        private int _failed;

        public volatile bool Armed;

        public int Failed => Volatile.Read(ref _failed);

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (Armed)
            {
                Armed = false;
                Interlocked.Increment(ref _failed);
                throw new NpgsqlException("the database went away (injected)");
            }

            return ValueTask.FromResult(result);
        }
    }
}
