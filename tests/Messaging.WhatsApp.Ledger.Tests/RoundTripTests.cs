using System.Collections.Concurrent;
using System.Data.Common;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using NUnit.Framework;
using SQLitePCL;

namespace Messaging.WhatsApp.Ledger.Tests;

/// <summary>
/// What a recorded send asks of the database: the statements SQLite runs on the ledger's connections before the request
/// (the gateway's handler reads the count when the request arrives) and after it. SQLite runs in the process, so each
/// statement is one round trip to the database engine.
/// </summary>
public sealed class RoundTripTests
{
    private static readonly ChatAddress Chat = ChatAddress.Parse("79001234567");

    /// <summary>Connections pooled, as an app's are by default (the other tests' hosts open a new one each time).</summary>
    private const string Pooled = ";Pooling=True";

    [Test]
    public async Task RecordedSend_OneStatementBeforeTheRequest_OneAfter()
    {
        var work = new DatabaseWork();
        await using var host = await LedgerHost.StartAsync(connectionSuffix: Pooled, interceptor: work);
        await host.Sender.SendTextAsync(Chat, "Warm-up", null, new SendOptions { IdempotencyKey = "warm-up" });
        var answer = host.Gateway.Answer;
        var atRequest = -1;
        host.Gateway.Answer = n =>
        {
            atRequest = work.Count;
            return answer(n);
        };
        work.Clear();

        var result = await host.Sender.SendTextAsync(Chat, "Your order has shipped", null, new SendOptions { IdempotencyKey = "order-42" });

        var statements = work.Statements;
        Assert.Multiple(() =>
        {
            Assert.That(result.IsRepeat, Is.False);
            Assert.That(statements.Take(atRequest).ToArray(), Is.EqualTo(new[] { "INSERT" }), "before the request: the intent, under its unique key");
            Assert.That(statements.Skip(atRequest).ToArray(), Is.EqualTo(new[] { "UPDATE" }), "after it: the outcome, with any reports that came before the id, in one statement");
        });
    }

    [Test]
    public async Task RecordedSend_AReportArrivedBeforeTheAnswer_TheOneStatementAfterAppliesIt()
    {
        var work = new DatabaseWork();
        await using var host = await LedgerHost.StartAsync(connectionSuffix: Pooled, interceptor: work);
        await host.Sender.SendTextAsync(Chat, "Warm-up", null, new SendOptions { IdempotencyKey = "warm-up" });
        var (atRequest, afterReport) = (-1, -1);
        host.Gateway.Answer = async n =>
        {
            atRequest = work.Count;

            // The gateway reports the message delivered before the send has its answer.
            await host.ReceiveAsync(LedgerHost.Update("ID-" + n, WhatsAppMessageStatus.Delivered, "delivered"));
            afterReport = work.Count;
            return ScriptedGateway.Success("ID-" + n);
        };
        work.Clear();

        await host.Sender.SendTextAsync(Chat, "Your order has shipped", null, new SendOptions { IdempotencyKey = "order-43" });

        var statements = work.Statements;
        var record = await host.Ledger.FindByKeyAsync("order-43");
        Assert.Multiple(() =>
        {
            Assert.That(statements.Take(atRequest).ToArray(), Is.EqualTo(new[] { "INSERT" }));
            Assert.That(statements.Skip(afterReport).ToArray(), Is.EqualTo(new[] { "UPDATE" }), "the outcome and the report that came before it, in one statement");
            Assert.That(record!.Status, Is.EqualTo(WhatsAppMessageStatus.Delivered));
        });
    }

    /// <summary>
    /// Records the first word of every statement SQLite runs on the ledger's connections (its trace hook, set on each
    /// connection when it is first opened, before the ledger's own settings run on it): EF Core's statements, and the
    /// ones run beside EF Core, such as the connection's pragmas.
    /// </summary>
    private sealed class DatabaseWork : DbConnectionInterceptor
    {
        private readonly ConcurrentQueue<string> _statements = new();
        private readonly ConditionalWeakTable<sqlite3, object> _traced = new();

        /// <summary>The first words of the statements run since <see cref="Clear"/>, in order.</summary>
        public string[] Statements => [.. _statements];

        /// <summary>How many statements ran since <see cref="Clear"/>.</summary>
        public int Count => _statements.Count;

        public void Clear() => _statements.Clear();

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Trace(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Trace(connection);
            return Task.CompletedTask;
        }

        private void Trace(DbConnection connection)
        {
            var handle = ((SqliteConnection)connection).Handle!;
            if (_traced.TryAdd(handle, handle))
            {
                raw.sqlite3_trace(handle, (_, statement) => _statements.Enqueue(statement.TrimStart().Split((char[]?)null, 2)[0].ToUpperInvariant()), null);
            }
        }
    }
}
