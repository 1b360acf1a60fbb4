using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Messaging.WhatsApp.Ledger.Tests;

/// <summary>
/// The connection string can hold a secret (SQLite's <c>Password=</c>): it never reaches the ledger's exceptions, its logs
/// (EF Core's included, at every level), or the <c>ToString()</c> of what the ledger hands out.
/// </summary>
public sealed class LedgerSecretTests
{
    private const string Secret = "Pw-7f1c9e2d-ledger-only";

    [Test]
    public async Task ConnectionStringPassword_NeverInExceptionsLogsOrToString()
    {
        var folder = Directory.CreateTempSubdirectory("whatsapp-ledger-secret-").FullName;
        try
        {
            var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "ledger.db"), Password = Secret, Pooling = false }.ToString();
            var gateway = new ScriptedGateway();
            var logs = new CapturedLogs();
            var services = new ServiceCollection();
            services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
            services.AddGreenApi(o =>
            {
                o.ApiUrl = new Uri("http://gateway.invalid/");
                o.IdInstance = LedgerHost.IdInstance;
                o.ApiTokenInstance = LedgerHost.Token;
                o.Retry.Enabled = false;
            }).ConfigurePrimaryHttpMessageHandler(() => gateway);
            services.AddWhatsAppLedger(connectionString, o => o.InFlightWait = TimeSpan.Zero);
            await using var provider = services.BuildServiceProvider();

            // Every part of the ledger that opens the database; what each answered or threw, written out whole.
            var seen = new List<string>();
            async Task Run(string what, Func<Task<object?>> call)
            {
                try
                {
                    seen.Add(what + ": " + (await call())?.ToString());
                }
                catch (Exception e)
                {
                    seen.Add(what + " threw " + e);
                }
            }

            var ledger = provider.GetRequiredService<IWhatsAppLedger>();
            var sender = provider.GetRequiredService<IWhatsAppSender>();
            await Run("migrate", async () => { await provider.MigrateWhatsAppLedgerAsync(); return null; });
            await Run("send", async () => await sender.SendTextAsync(ChatAddress.Parse("79001234567"), "Hi", null, new SendOptions { IdempotencyKey = "secret-1" }));
            await Run("send without a key", async () => await sender.SendTextAsync(ChatAddress.Parse("79001234567"), "Hi"));
            await Run("find", async () => await ledger.FindByKeyAsync("secret-1"));
            await Run("list", async () => string.Join(", ", await ledger.ListAsync(new LedgerQuery())));
            await Run("count", async () => string.Join(", ", await ledger.CountByStatusAsync(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow)));
            await Run("reconcile", async () => { await provider.GetRequiredService<LedgerReconciler>().RunOnceAsync(CancellationToken.None); return null; });
            await Run("dispatch", async () => await provider.GetRequiredService<LedgerDispatcher>().DispatchOnceAsync(CancellationToken.None));
            await Run("status", async () =>
            {
                foreach (var handler in provider.GetServices<IWhatsAppUpdateHandler>())
                {
                    await handler.HandleAsync(FuzzHost.GreenApi("ID-1", WhatsAppMessageStatus.Delivered, "delivered", DateTimeOffset.UtcNow), CancellationToken.None);
                }

                return null;
            });
            seen.Add("options: " + provider.GetRequiredService<WhatsAppLedgerOptions>());
            seen.Add("ledger: " + ledger);
            seen.Add("sender: " + sender);
            seen.AddRange(logs.Lines.Select(l => "log: " + l.Line));

            TestContext.Out.WriteLine(string.Join("\n", seen.Where(s => s.Contains(" threw ", StringComparison.Ordinal)).Select(s => s.Split('\n')[0])));
            Assert.Multiple(() =>
            {
                Assert.That(seen.Where(s => s.Contains(Secret, StringComparison.Ordinal)), Is.Empty, "the password appears");
                Assert.That(seen.Count(s => s.Contains(" threw ", StringComparison.Ordinal) || s.StartsWith("log: ", StringComparison.Ordinal)), Is.GreaterThan(5), "the ledger's failures and logs were looked at");
                Assert.That(gateway.Count, Is.Zero, "a ledger it cannot open sends nothing");
            });
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
