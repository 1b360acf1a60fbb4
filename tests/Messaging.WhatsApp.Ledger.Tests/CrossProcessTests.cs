using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Messaging.WhatsApp.Ledger.Tests;

/// <summary>
/// Processes that share one SQLite file: each a real program that registers a sender and the ledger and sends with the
/// same key, at once, to one gateway (a Kestrel host on loopback) that counts what arrives.
/// </summary>
[NonParallelizable]
public sealed class CrossProcessTests
{
    [Test]
    public async Task Send_SameKeyFromFourProcessesAtOnce_ExactlyOneRequest_EachPrintsTheSameMessageId()
    {
        var folder = Directory.CreateTempSubdirectory("whatsapp-ledger-processes-");
        try
        {
            var database = Path.Combine(folder.FullName, "ledger.db");
            await using (var migrate = await LedgerHost.StartAsync(databasePath: database))
            {
            }

            await using var gateway = await CountingGateway.StartAsync();
            var processes = Enumerable.Range(0, 4).Select(_ => StartChild(gateway.Url, database, "order-77", "Your order 77")).ToList();
            var outputs = await Task.WhenAll(processes.Select(async p =>
            {
                var output = await p.StandardOutput.ReadToEndAsync();
                var error = await p.StandardError.ReadToEndAsync();
                await p.WaitForExitAsync();
                return (p.ExitCode, Output: output.Trim(), Error: error);
            })).WaitAsync(TimeSpan.FromMinutes(3));

            Assert.Multiple(() =>
            {
                Assert.That(gateway.Requests, Is.EqualTo(1), "one request for the key, whichever process won");
                Assert.That(outputs.Select(o => o.ExitCode), Has.All.Zero, string.Join("\n", outputs.Select(o => o.Output + " " + o.Error)));
                Assert.That(outputs.Select(o => o.Output.Split(' ')[1]).Distinct(), Is.EqualTo(new[] { "ID-1" }));
                Assert.That(outputs.Count(o => o.Output.StartsWith("sent ", StringComparison.Ordinal)), Is.EqualTo(1));
            });
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    [Test]
    public async Task Send_ProcessKilledBetweenItsRequestAndItsRecord_AfterARestartReconciled_NotSentAgain()
    {
        var folder = Directory.CreateTempSubdirectory("whatsapp-ledger-killed-");
        try
        {
            var database = Path.Combine(folder.FullName, "ledger.db");
            await using (var migrate = await LedgerHost.StartAsync(databasePath: database))
            {
            }

            // The gateway takes the request and never answers: the process dies with the message out and no outcome.
            await using var gateway = await CountingGateway.StartAsync(hold: true);
            using var child = StartChild(gateway.Url, database, "order-99", "Killed while sending");
            await gateway.Arrived.Task.WaitAsync(TimeSpan.FromMinutes(2));
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));

            // The app starts again, later than the send's lease; the gateway's journal has what it took.
            var clock = new ManualClock();
            clock.Advance(TimeSpan.FromMinutes(11));
            await using var restarted = await LedgerHost.StartAsync(databasePath: database, migrate: false, clock: clock);
            restarted.Gateway.AddToJournal(ScriptedGateway.Entry("KILLED-1", "79001234567@c.us", "Killed while sending", DateTimeOffset.UtcNow));
            var beforeReconciling = await restarted.Ledger.FindByKeyAsync("order-99");
            await restarted.Reconciler.RunOnceAsync(System.Threading.CancellationToken.None);
            var reconciled = await restarted.Ledger.FindByKeyAsync("order-99");
            var again = await restarted.Sender.SendTextAsync(ChatAddress.Parse("79001234567"), "Killed while sending", null, new SendOptions { IdempotencyKey = "order-99" });

            Assert.Multiple(() =>
            {
                Assert.That(child.ExitCode, Is.Not.Zero, "killed");
                Assert.That(beforeReconciling!.Outcome, Is.EqualTo(LedgerOutcome.Sending), "in flight when its process died");
                Assert.That(reconciled!.Outcome, Is.EqualTo(LedgerOutcome.Accepted));
                Assert.That(reconciled.MessageId, Is.EqualTo("KILLED-1"));
                Assert.That(again.IsRepeat, Is.True);
                Assert.That(again.MessageId, Is.EqualTo("KILLED-1"));
                Assert.That(gateway.Requests, Is.EqualTo(1), "sent once, by the process that died");
                Assert.That(restarted.Gateway.Count, Is.Zero, "not sent again after the restart");
            });
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static Process StartChild(Uri gateway, string database, string key, string text)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var argument in new[] { "send", gateway.ToString(), database, key, text })
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    /// <summary>GREEN-API's sendMessage on a loopback Kestrel host: counts the requests, answers <c>ID-n</c>.</summary>
    private sealed class CountingGateway : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly System.Threading.CancellationTokenSource _stop = new();
        private int _requests;

        private CountingGateway(WebApplication app) => _app = app;

        /// <summary>Set when the first request arrives.</summary>
        public TaskCompletionSource Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Uri Url { get; private set; } = null!;

        public int Requests => _requests;

        public static async Task<CountingGateway> StartAsync(bool hold = false)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var gateway = new CountingGateway(app);
            app.MapPost("/waInstance{id}/sendMessage/{token}", async (HttpContext context) =>
            {
                var n = System.Threading.Interlocked.Increment(ref gateway._requests);
                gateway.Arrived.TrySetResult();
                if (hold)
                {
                    try
                    {
                        await Task.Delay(System.Threading.Timeout.Infinite, gateway._stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }

                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync($$"""{"idMessage":"ID-{{n}}"}""");
            });
            await app.StartAsync();
            gateway.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
            return gateway;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _app.DisposeAsync();
            _stop.Dispose();
        }
    }
}
