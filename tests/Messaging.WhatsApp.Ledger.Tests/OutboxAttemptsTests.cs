using System;
using System.Data.Common;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using NUnit.Framework;

namespace Messaging.WhatsApp.Ledger.Tests;

/// <summary><see cref="WhatsAppLedgerOptions.DispatchMaxAttempts"/> counts the attempts the dispatcher made, the last included.</summary>
public sealed class OutboxAttemptsTests
{
    [Test]
    public async Task Dispatch_LedgerUnwritableAtEveryAttempt_TriedDispatchMaxAttemptsTimes_ThenRefused_NothingSent()
    {
        var outage = new EveryLeaseRenewalFails();
        await using var host = await OutboxHost.StartAsync(o => o.DispatchMaxAttempts = 2, interceptor: outage);
        await host.OrderAsync(8, OutboxHost.ChatA, "Never written");

        await host.DrainAsync();
        var afterFirst = await host.RecordAsync("order-8");
        for (var wait = 0; wait < 5; wait++)
        {
            host.Clock.Advance(TimeSpan.FromMinutes(11));
            await host.DrainAsync();
        }

        var last = await host.RecordAsync("order-8");
        Assert.Multiple(() =>
        {
            Assert.That(afterFirst.Outcome, Is.EqualTo(LedgerOutcome.Queued), "safe to try again after the first");
            Assert.That(outage.Renewals, Is.EqualTo(2), "two attempts, as DispatchMaxAttempts says");
            Assert.That(last.Outcome, Is.EqualTo(LedgerOutcome.Refused));
            Assert.That(last.Attempts, Is.EqualTo(2));
            Assert.That(host.Gateway.Count, Is.Zero);
        });
    }

    /// <summary>Fails every lease renewal (the update that sets the content hash as the send begins), as a locked database would.</summary>
    private sealed class EveryLeaseRenewalFails : DbCommandInterceptor
    {
        private int _renewals;

        public int Renewals => Volatile.Read(ref _renewals);

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (Regex.IsMatch(command.CommandText, "SET\\s+\"ContentHash\" ="))
            {
                Interlocked.Increment(ref _renewals);
                throw new SqliteException("database is locked", 5);
            }

            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
