using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Ledger;
using Messaging.WhatsApp.Ledger.PostgreSql.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp.Benchmarks;

/// <summary>
/// The ledger's outbox on PostgreSQL (a server of its own, started as the PostgreSQL tests start theirs, with
/// PostgreSQL's default durability: every commit flushed to disk), against GREEN-API in memory with the rate limiter
/// off: the dispatcher's throughput with 1 and 3 replica processes, the cost per message of a lease (the claim), and the
/// reconciler's cost per unknown record. See docs/benchmarks.md.
/// </summary>
public static class OutboxBenchmarks
{
    private const string ConnectionVariable = "WHATSAPP_LEDGER_CONNECTION";
    private const int Chats = 1000;

    /// <summary>
    /// For each replica count: a fresh database, that many replica processes (dispatcher on, reconciler on), a warm-up
    /// batch sent, then <paramref name="count"/> messages committed in one app transaction and timed from the commit
    /// until the last is recorded accepted; <paramref name="rounds"/> rounds, each row its median.
    /// </summary>
    public static async Task<int> ThroughputAsync(int count, int[] replicaCounts, int rounds, bool durable)
    {
        await using var server = await PostgresServer.StartAsync(durable);
        Console.WriteLine($"# outbox throughput on PostgreSQL ({(durable ? "fsync on, the default" : "fsync off")}): {count} messages to {Chats} chats per round, {rounds} round(s), in-memory GREEN-API, rate limiter off");
        Console.WriteLine("| replicas | messages/s (median) | every round | database CPU s | replicas CPU s |");
        Console.WriteLine("|---:|---:|---|---:|---:|");
        foreach (var replicas in replicaCounts)
        {
            var rates = new List<(double Rate, double DatabaseCpu, double ReplicaCpu)>();
            for (var round = 0; round < rounds; round++)
            {
                rates.Add(await OneRoundAsync(server, count, replicas));
            }

            var median = rates.OrderBy(r => r.Rate).ElementAt(rates.Count / 2);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {replicas} | {median.Rate:F0} | {string.Join(", ", rates.Select(r => r.Rate.ToString("F0", CultureInfo.InvariantCulture)))} | {median.DatabaseCpu:F1} | {median.ReplicaCpu:F1} |"));
        }

        return 0;
    }

    private static async Task<(double Rate, double DatabaseCpu, double ReplicaCpu)> OneRoundAsync(PostgresServer server, int count, int replicaCount)
    {
        var connectionString = await server.CreateDatabaseAsync("bench");
        await using var app = App(connectionString);
        await app.MigrateWhatsAppLedgerAsync();
        var processes = Enumerable.Range(0, replicaCount).Select(_ => StartReplica(connectionString)).ToList();
        try
        {
            foreach (var process in processes)
            {
                if (await process.StandardOutput.ReadLineAsync() != "ready")
                {
                    throw new InvalidOperationException("a replica did not start: " + await process.StandardError.ReadToEndAsync());
                }
            }

            // Warm-up: the replicas' JIT, connection pools and the database's caches.
            var warmUp = Math.Min(count, 2000);
            await EnqueueAsync(app, "warm", warmUp);
            await WaitAcceptedAsync(app, warmUp);

            var databaseCpu = PostgresCpu();
            var replicaCpu = processes.Sum(p => Cpu(p));
            var clock = Stopwatch.StartNew();
            await EnqueueAsync(app, "timed", count, clock);
            await WaitAcceptedAsync(app, warmUp + count);
            var elapsed = clock.Elapsed.TotalSeconds;
            return (count / elapsed, PostgresCpu() - databaseCpu, processes.Sum(p => Cpu(p)) - replicaCpu);
        }
        finally
        {
            foreach (var process in processes)
            {
                process.Kill();
                await process.WaitForExitAsync();
                process.Dispose();
            }
        }
    }

    /// <summary>A replica for the throughput mode: the dispatcher (and the reconciler) on the database in the environment, sending to GREEN-API in memory.</summary>
    public static async Task<int> ReplicaAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGreenApi(o =>
        {
            o.ApiUrl = new Uri("http://in-memory.invalid/");
            o.IdInstance = Wire.IdInstance;
            o.ApiTokenInstance = Wire.Token;
            o.MaxSendsPerSecond = 0;
        }).ConfigurePrimaryHttpMessageHandler(() => new CannedHandler());
        builder.Services.AddWhatsAppLedgerPostgreSql(Environment.GetEnvironmentVariable(ConnectionVariable)!, o =>
        {
            o.DispatchOutbox = true;
            o.DispatchInterval = TimeSpan.FromMilliseconds(100);
        });
        using var host = builder.Build();
        await host.StartAsync();
        Console.WriteLine("ready");
        await host.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>
    /// The cost per message of a lease: <paramref name="count"/> queued messages claimed a batch of 100 at a time, by
    /// PostgreSQL's one-statement claim (<c>FOR UPDATE SKIP LOCKED</c>) and by the conditional update per message that
    /// other databases use; and, for scale, a direct send with a key through the ledger (the intent inserted with its
    /// lease, then settled) against the same send without a ledger.
    /// </summary>
    public static async Task<int> LeaseAsync(int count, bool durable)
    {
        await using var server = await PostgresServer.StartAsync(durable);
        Console.WriteLine($"# the cost of a lease on PostgreSQL ({(durable ? "fsync on, the default" : "fsync off")}), {count} messages, one process, one claim at a time");
        Console.WriteLine("| what | µs per message | messages/s |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (name, claim, analyze) in new (string, Func<LedgerDispatcher, Task<List<LedgerMessage>>>, bool)[]
        {
            ("claim, PostgreSQL (`FOR UPDATE SKIP LOCKED`, a batch per statement)", d => d.ClaimSkippingLockedAsync(CancellationToken.None), true),
            ("the same, right after the burst, before the table's first ANALYZE", d => d.ClaimSkippingLockedAsync(CancellationToken.None), false),
            ("claim, any database (a conditional update per message)", d => d.ClaimEachAsync(CancellationToken.None), true),
        })
        {
            var connectionString = await server.CreateDatabaseAsync("lease");
            await using var app = App(connectionString);
            await app.MigrateWhatsAppLedgerAsync();
            var dispatcher = app.GetRequiredService<LedgerDispatcher>();
            await using var context = await app.GetRequiredService<IDbContextFactory<WhatsAppLedgerDbContext>>().CreateDbContextAsync();

            // Every message to a chat of its own: a chat's next message is claimable only once the one before is settled.
            if (analyze)
            {
                await EnqueueAsync(app, "warm", 1000, chats: int.MaxValue);
                while ((await claim(dispatcher)).Count > 0)
                {
                }

                await context.Set<LedgerMessage>().Where(m => m.Outcome == LedgerOutcome.Sending).ExecuteUpdateAsync(set => set.SetProperty(m => m.Outcome, LedgerOutcome.Accepted));
            }

            await EnqueueAsync(app, "timed", count, chats: int.MaxValue);
            if (analyze)
            {
                // What autovacuum does within a minute of a burst: the planner's statistics.
                await context.Database.ExecuteSqlRawAsync("ANALYZE whatsapp_messages");
            }

            var clock = Stopwatch.StartNew();
            var claimed = 0;
            for (var batch = await claim(dispatcher); batch.Count > 0; batch = await claim(dispatcher))
            {
                claimed += batch.Count;
            }

            clock.Stop();
            if (claimed != count)
            {
                throw new InvalidOperationException($"claimed {claimed} of {count}");
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {clock.Elapsed.TotalMicroseconds / count:F0} | {count / clock.Elapsed.TotalSeconds:F0} |"));
        }

        foreach (var ledger in new[] { true, false })
        {
            var connectionString = await server.CreateDatabaseAsync("direct");
            await using var app = App(connectionString, ledger);
            if (ledger)
            {
                await app.MigrateWhatsAppLedgerAsync();
            }

            var sender = app.GetRequiredService<IWhatsAppSender>();
            var chat = ChatAddress.Parse(Wire.ToNumber);
            for (var i = 0; i < 1000; i++)
            {
                await sender.SendTextAsync(chat, "warm " + i, null, ledger ? new SendOptions { IdempotencyKey = "warm-" + i } : null);
            }

            var sends = count / 4;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < sends; i++)
            {
                await sender.SendTextAsync(chat, "timed " + i, null, ledger ? new SendOptions { IdempotencyKey = "timed-" + i } : null);
            }

            clock.Stop();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| a direct send, one at a time, {(ledger ? "with a key through the ledger (insert with its lease, then settle)" : "without a ledger")} | {clock.Elapsed.TotalMicroseconds / sends:F0} | {sends / clock.Elapsed.TotalSeconds:F0} |"));
        }

        return 0;
    }

    /// <summary>
    /// The reconciler's cost per unknown record: <paramref name="count"/> unknown outcomes past the journal's delay,
    /// half of them in GREEN-API's journal (in memory; settled accepted), half not (settled not sent), reconciled by
    /// runs of the reconciler (500 records and one journal read each) until none is left.
    /// </summary>
    public static async Task<int> ReconcileAsync(int count, bool durable)
    {
        await using var server = await PostgresServer.StartAsync(durable);
        var connectionString = await server.CreateDatabaseAsync("reconcile");
        var journal = new JournalHandler();
        await using var app = App(connectionString, journal: journal);
        await app.MigrateWhatsAppLedgerAsync();
        var reconciler = app.GetRequiredService<LedgerReconciler>();
        var total = 0.0;
        var runs = 0;
        foreach (var (label, n) in new[] { ("warm", Math.Min(1000, count)), ("timed", count) })
        {
            var attemptedAt = DateTimeOffset.UtcNow.AddMinutes(-5);
            await using (var context = await app.GetRequiredService<IDbContextFactory<WhatsAppLedgerDbContext>>().CreateDbContextAsync())
            {
                for (var i = 0; i < n; i++)
                {
                    var text = $"{label} {i}";
                    var chat = Chat(i % Chats);
                    context.Add(new LedgerMessage
                    {
                        Provider = GreenApiOptions.Provider.Name,
                        RegistrationName = string.Empty,
                        Instance = Wire.IdInstance.ToString(CultureInfo.InvariantCulture),
                        IdempotencyKey = $"{label}-{i}",
                        ChatId = chat.Id,
                        ContentHash = new string('0', 64),
                        Text = text,
                        CreatedAt = attemptedAt.ToUnixTimeMilliseconds(),
                        AttemptedAt = attemptedAt.ToUnixTimeMilliseconds(),
                        Attempts = 1,
                        Outcome = LedgerOutcome.Unknown,
                        SettledAt = attemptedAt.ToUnixTimeMilliseconds(),
                        NextAttemptAt = attemptedAt.ToUnixTimeMilliseconds(),
                    });
                    if (i % 2 == 0)
                    {
                        journal.Add($"J-{label}-{i}", chat.Id, text, attemptedAt.AddSeconds(1));
                    }
                }

                await context.SaveChangesAsync();
            }

            var clock = Stopwatch.StartNew();
            runs = 0;
            var reads = journal.Reads;
            while (await UnknownAsync(app) > 0)
            {
                await reconciler.RunOnceAsync(CancellationToken.None);
                runs++;
            }

            total = clock.Elapsed.TotalMicroseconds;
            if (label == "timed")
            {
                Console.WriteLine($"# the reconciler on PostgreSQL ({(durable ? "fsync on, the default" : "fsync off")}): {count} unknown records, half in the journal ({journal.Count} entries in it at the end)");
                Console.WriteLine("| records | runs | journal reads | µs per record | records/s |");
                Console.WriteLine("|---:|---:|---:|---:|---:|");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {count} | {runs} | {journal.Reads - reads} | {total / count:F0} | {count / (total / 1e6):F0} |"));
            }
        }

        return 0;
    }

    private static ServiceProvider App(string connectionString, bool ledger = true, JournalHandler? journal = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDbContext<Shop>(o => o.UseNpgsql(connectionString));
        services.AddGreenApi(o =>
        {
            o.ApiUrl = new Uri("http://in-memory.invalid/");
            o.IdInstance = Wire.IdInstance;
            o.ApiTokenInstance = Wire.Token;
            o.MaxSendsPerSecond = 0;
        }).ConfigurePrimaryHttpMessageHandler(() => journal ?? (HttpMessageHandler)new CannedHandler());
        if (ledger)
        {
            services.AddWhatsAppLedgerPostgreSql(connectionString, o =>
            {
                o.Reconcile = false;
                o.UnresolvedAfter = TimeSpan.FromDays(1);
            });
        }

        return services.BuildServiceProvider();
    }

    /// <summary>The app's transaction: <paramref name="count"/> messages added to the outbox and committed together; the clock restarted at the commit.</summary>
    private static async Task EnqueueAsync(ServiceProvider app, string label, int count, Stopwatch? fromCommit = null, int chats = Chats)
    {
        using var scope = app.CreateScope();
        var shop = scope.ServiceProvider.GetRequiredService<Shop>();
        await using var transaction = await shop.Database.BeginTransactionAsync();
        for (var i = 0; i < count; i++)
        {
            shop.EnqueueWhatsAppText(GreenApiOptions.Provider, $"{label}-{i}", Chat(i % chats), $"{label} {i}");
        }

        await shop.SaveChangesAsync();
        await transaction.CommitAsync();
        fromCommit?.Restart();
    }

    private static async Task WaitAcceptedAsync(ServiceProvider app, int total)
    {
        using var scope = app.CreateScope();
        var shop = scope.ServiceProvider.GetRequiredService<Shop>();
        var waited = Stopwatch.StartNew();
        while (await shop.Set<LedgerMessage>().CountAsync(m => m.Outcome == LedgerOutcome.Accepted) < total)
        {
            if (waited.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException("the outbox did not drain in 10 minutes");
            }

            await Task.Delay(20);
        }
    }

    private static async Task<int> UnknownAsync(ServiceProvider app)
    {
        using var scope = app.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<Shop>().Set<LedgerMessage>().CountAsync(m => m.Outcome == LedgerOutcome.Unknown);
    }

    private static ChatAddress Chat(int i) => ChatAddress.Parse("7922" + (1000000 + i).ToString(CultureInfo.InvariantCulture));

    private static Process StartReplica(string connectionString)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(OutboxBenchmarks).Assembly.Location);
        start.ArgumentList.Add("--outbox-replica");
        start.Environment[ConnectionVariable] = connectionString;
        return Process.Start(start) ?? throw new InvalidOperationException("could not start a replica");
    }

    private static double Cpu(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>The CPU time of every postgres process, in seconds (from /proc: user and system ticks).</summary>
    private static double PostgresCpu()
    {
        var ticks = 0L;
        foreach (var process in Process.GetProcessesByName("postgres"))
        {
            try
            {
                var fields = System.IO.File.ReadAllText($"/proc/{process.Id}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (System.IO.IOException)
            {
                // Gone meanwhile.
            }
            finally
            {
                process.Dispose();
            }
        }

        return ticks / 100.0;
    }

    /// <summary>The app: its context holds the ledger's tables (the outbox is added in its transactions).</summary>
    private sealed class Shop(DbContextOptions<Shop> options) : DbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddWhatsAppLedger();
    }

    /// <summary>GREEN-API's lastOutgoingMessages in memory: the entries added, as the API lists them.</summary>
    private sealed class JournalHandler : HttpMessageHandler
    {
        private readonly List<string> _entries = [];
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public int Count => _entries.Count;

        public void Add(string id, string chat, string text, DateTimeOffset time) =>
            _entries.Add(string.Create(CultureInfo.InvariantCulture, $$"""{"type":"outgoing","idMessage":"{{id}}","timestamp":{{time.ToUnixTimeSeconds()}},"typeMessage":"textMessage","chatId":"{{chat}}","textMessage":"{{text}}","statusMessage":"sent","sendByApi":true}"""));

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            var body = "[" + string.Join(",", _entries) + "]";
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json"), RequestMessage = request });
        }
    }
}
