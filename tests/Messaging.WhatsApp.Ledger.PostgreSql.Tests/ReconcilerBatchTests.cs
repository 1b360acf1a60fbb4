using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.Ledger.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Messaging.WhatsApp.Ledger.PostgreSql.Tests;

/// <summary>The reconciler's batch (the 500 oldest unknown records a run) is not held by records it cannot look up.</summary>
public sealed class ReconcilerBatchTests
{
    [Test]
    public async Task Unknown_AFullBatchOfRecordsWithoutText_WaitForTheirDeadline_TheOneBehindThemIsSettled()
    {
        await using var host = await PgHost.StartAsync();
        host.Gateway.Answer = _ => Task.FromResult(ScriptedGateway.Json(502, "Bad Gateway"));
        Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => host.Sender.SendTextAsync(PgHost.ChatA, "Went out", null, new SendOptions { IdempotencyKey = "u-behind" }));
        using (var scope = host.Services.CreateScope())
        {
            // 500 unknown outcomes attempted just before it, whose text is gone (nothing to look up in the journal).
            await scope.ServiceProvider.GetRequiredService<PgHost.ShopContext>().Database.ExecuteSqlRawAsync("""
                INSERT INTO whatsapp_messages ("Provider", "RegistrationName", "Instance", "IdempotencyKey", "KeyGenerated", "ChatId", "ContentHash", "Text", "CreatedAt", "AttemptedAt", "Attempts", "Outcome", "Status", "StatusRank", "ReconcileAttempts")
                SELECT "Provider", "RegistrationName", "Instance", 'no-text-' || i, "KeyGenerated", "ChatId", "ContentHash", NULL, "CreatedAt", "AttemptedAt" - 1, "Attempts", "Outcome", "Status", "StatusRank", "ReconcileAttempts"
                FROM whatsapp_messages, generate_series(1, 500) AS i WHERE "IdempotencyKey" = 'u-behind'
                """);
        }

        await host.Reconciler.RunOnceAsync(CancellationToken.None);
        await host.Reconciler.RunOnceAsync(CancellationToken.None);

        var behind = await host.RecordAsync("u-behind");
        var withoutText = await host.RecordAsync("no-text-1");
        Assert.Multiple(() =>
        {
            Assert.That(behind.Outcome, Is.EqualTo(LedgerOutcome.Accepted), "settled from the journal in the second run");
            Assert.That(behind.MessageId, Is.EqualTo("ID-1"));
            Assert.That(withoutText.Outcome, Is.EqualTo(LedgerOutcome.Unknown), "still unknown, until its deadline");
            Assert.That(withoutText.NextAttemptAt, Is.GreaterThan(host.Clock.GetUtcNow()), "asked again later");
            Assert.That(host.Gateway.Count, Is.EqualTo(1));
        });
    }
}
