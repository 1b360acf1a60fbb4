using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Runtime;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Ledger;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.WhatsApp.Benchmarks;

/// <summary>
/// The message ledger's throughput on SQLite, whole processes: recorded sends per second against an in-memory gateway
/// (<see cref="UniqueIdHandler"/>), and status updates applied per second by the ledger's update handler, dispatched
/// as the webhook endpoints and the poller dispatch them (<see cref="NotificationDispatcher"/>: a scope per
/// notification, every update handler), at several concurrencies, with <c>synchronous=NORMAL</c> and <c>FULL</c>. Each
/// case runs in a process of its own on a new database; rounds run every case once, in order, so that a slow spell of
/// this shared machine falls on all of them.
/// </summary>
public static class LedgerThroughput
{
    /// <summary>Warm-up goes on in chunks of this many operations until the JIT is quiet.</summary>
    private const int WarmUpChunk = 1_000;

    /// <summary>At least this many operations of warm-up (or as many as are timed, if fewer), until the JIT is quiet.</summary>
    private const int MinWarmUp = 5_000;

    /// <summary>At most this many sends of warm-up.</summary>
    private const int MaxWarmUp = 20_000;

    /// <summary>
    /// At most this many status updates of warm-up: the sends that make the messages' records run the ledger's code
    /// before, so less is left to compile; and each update needs a record made before (slow with FULL).
    /// </summary>
    private const int MaxStatusWarmUp = 6_000;

    /// <summary>A chunk that compiles at most this many methods is quiet.</summary>
    private const int QuietMethods = 5;

    private static readonly string[] Kinds = ["send", "status"];

    /// <summary>The seed of the order the status updates arrive in.</summary>
    private const int Seed = 23;

    /// <summary>
    /// The parent: runs <c>send</c> and <c>status</c> for each mode and concurrency, <paramref name="rounds"/> times, one
    /// process each, and prints the table: the median round, every round, CPU time and allocations per operation.
    /// </summary>
    /// <param name="count">Timed operations per case and round: sends, or status updates.</param>
    /// <param name="concurrencies">Operations in flight at once, one case each.</param>
    /// <param name="rounds">How many times each case runs.</param>
    /// <param name="modes">The <c>synchronous</c> settings to run (FULL is two orders of magnitude slower: run it with fewer operations).</param>
    public static async Task<int> RunAllAsync(int count, int[] concurrencies, int rounds, LedgerMode[] modes)
    {
        var cases = (from kind in Kinds
                     from mode in modes
                     from concurrency in concurrencies
                     select (Kind: kind, Mode: mode, Concurrency: concurrency)).ToList();
        Console.WriteLine($"# {count} timed operations per case and round, {rounds} round(s), {Environment.ProcessorCount} cores, load average {System.IO.File.ReadAllText("/proc/loadavg").Trim()}, temp folder {System.IO.Path.GetTempPath()}");
        var results = cases.ToDictionary(c => c, _ => new List<double[]>());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var c in cases)
            {
                using var process = Start($"--ledger-case {c.Kind} {c.Mode} {count} {c.Concurrency}");
                var output = await process.StandardOutput.ReadToEndAsync();
                await process.WaitForExitAsync();
                if (process.ExitCode != 0)
                {
                    Console.Error.WriteLine($"{c} failed: {output}");
                    return 1;
                }

                results[c].Add(output.Trim().Split(' ').Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray());
            }
        }

        Console.WriteLine("| case | synchronous | concurrency | per second (median round) | every round | CPU µs/op | allocated KB/op | methods compiled while measuring (most) |");
        Console.WriteLine("|---|---|---:|---:|---|---:|---:|---:|");
        foreach (var c in cases)
        {
            var median = results[c].OrderBy(r => r[0]).ElementAt(results[c].Count / 2);
            var all = string.Join(", ", results[c].Select(r => r[0].ToString("F0", CultureInfo.InvariantCulture)));
            var what = c.Kind == "send" ? "recorded sends" : "status updates applied";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {what} | {c.Mode.ToString().ToUpperInvariant()} | {c.Concurrency} | {median[0]:F0} | {all} | {median[1]:F0} | {median[2] / 1024:F1} | {results[c].Max(r => r[3]):F0} |"));
        }

        return 0;
    }

    /// <summary>
    /// One case in its own process, on a new database: warms up until the JIT is quiet, times <paramref name="count"/>
    /// operations at <paramref name="concurrency"/>, checks what the ledger holds afterwards, and prints one line:
    /// operations/s, CPU µs/op, allocated B/op, methods compiled while measuring.
    /// </summary>
    public static async Task<int> RunCaseAsync(string kind, LedgerMode mode, int count, int concurrency)
    {
        var (minWarmUp, maxWarmUp) = (Math.Min(MinWarmUp, count), kind == "send" ? MaxWarmUp : MaxStatusWarmUp);
        await using var senders = await LedgerSenders.CreateAsync(mode, root: null, () => new UniqueIdHandler());
        var ledger = senders.Services.GetRequiredService<IWhatsAppLedger>();
        Func<int, Task> run;
        StatusUpdates? updates = null;
        if (kind == "send")
        {
            run = n => Drive(n, concurrency, _ => senders.SendAsync());
        }
        else
        {
            // The messages first, untimed: a record each, as sent; enough for the longest warm-up and the timed updates.
            updates = new StatusUpdates(senders.Services);
            var messages = new string[((maxWarmUp + count) / StatusUpdates.PerMessage) + 1];
            await Drive(messages.Length, 8, async i => messages[i] = await senders.SendAsync());
            updates.Plan(messages);
            run = n => Drive(n, concurrency, _ => updates.ApplyNextAsync());
        }

        var warmUp = 0;
        for (var quiet = 0; (quiet < 2 || warmUp < minWarmUp) && warmUp < maxWarmUp; warmUp += WarmUpChunk)
        {
            var compiled = JitInfo.GetCompiledMethodCount();
            await run(WarmUpChunk);
            quiet = JitInfo.GetCompiledMethodCount() - compiled <= QuietMethods ? quiet + 1 : 0;
        }

        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var jitBefore = JitInfo.GetCompiledMethodCount();
        var clock = Stopwatch.StartNew();
        await run(count);
        clock.Stop();
        var compiledWhileMeasuring = JitInfo.GetCompiledMethodCount() - jitBefore;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        // What was measured happened: every send recorded as accepted (queued), every message at the furthest status
        // of its updates applied so far.
        var counts = (await ledger.CountByStatusAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow.AddDays(1)))
            .ToDictionary(c => c.Status, c => c.Count);
        var expected = updates?.Expected(warmUp + count) ?? new Dictionary<WhatsAppMessageStatus, int> { [WhatsAppMessageStatus.Queued] = warmUp + count };
        var holds = string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Value} {c.Key}"));
        if (!counts.OrderBy(c => c.Key).SequenceEqual(expected.Where(e => e.Value > 0).OrderBy(e => e.Key)))
        {
            Console.Error.WriteLine($"# {kind} {mode} at {concurrency}: the ledger holds {holds}; expected {string.Join(", ", expected.Select(e => $"{e.Value} {e.Key}"))}");
            return 1;
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# {kind} {mode} at {concurrency}: {count / clock.Elapsed.TotalSeconds:F0}/s, warm-up {warmUp}, jit {compiledWhileMeasuring} methods while measuring, the ledger holds {holds} as expected, database {new System.IO.FileInfo(senders.Database!).Length / 1024} KB"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{count / clock.Elapsed.TotalSeconds} {cpu.TotalMicroseconds / count} {(double)allocated / count} {compiledWhileMeasuring}"));
        return 0;
    }

    /// <summary>
    /// Runs <paramref name="count"/> operations, <paramref name="concurrency"/> at a time, each worker on the thread pool:
    /// SQLite's calls complete synchronously, so workers started on one thread would run one after the other.
    /// </summary>
    private static async Task Drive(int count, int concurrency, Func<int, Task> operation)
    {
        var next = -1;
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await operation(i);
            }
        }));
        await Task.WhenAll(workers);
    }

    private static Process Start(string arguments)
    {
        var self = typeof(LedgerThroughput).Assembly.Location;
        var info = new ProcessStartInfo("dotnet", $"\"{self}\" {arguments}")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        return Process.Start(info) ?? throw new InvalidOperationException("could not start " + arguments);
    }

    /// <summary>
    /// The status updates of the recorded messages, as GREEN-API reports them: one notification each, <c>sent</c> then
    /// <c>delivered</c>, and the <c>delivered</c> once more (a redelivery, which the ledger stores once), the messages'
    /// updates interleaved in a seeded order as they arrive from many chats. A third of them are duplicates.
    /// </summary>
    private sealed class StatusUpdates
    {
        /// <summary>Updates per message: sent, delivered, delivered again.</summary>
        public const int PerMessage = 3;

        private static readonly object Notification = new();

        private readonly NotificationDispatcher _dispatcher;
        private WhatsAppUpdate[] _updates = [];
        private int _next = -1;

        public StatusUpdates(IServiceProvider services) =>
            _dispatcher = new NotificationDispatcher(services.GetRequiredService<IServiceScopeFactory>());

        /// <summary>Orders the updates: each message's in order, the messages interleaved by a seeded shuffle of slots.</summary>
        public void Plan(string[] messages)
        {
            var time = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            var instance = Wire.IdInstance.ToString(CultureInfo.InvariantCulture);
            WhatsAppUpdate Update(string id, WhatsAppMessageStatus status, string word) =>
                new(GreenApiOptions.Provider, "bench", instance, id, Wire.ChatId, status, word, null, time, Notification);

            // Each message's three updates go to three slots of a shuffled sequence, in the order the slots come.
            var slots = Enumerable.Range(0, messages.Length * PerMessage).Select(i => i / PerMessage).ToArray();
            new Random(Seed).Shuffle(slots);
            var seen = new int[messages.Length];
            _updates = slots.Select(m => seen[m]++ switch
            {
                0 => Update(messages[m], WhatsAppMessageStatus.Sent, "sent"),
                _ => Update(messages[m], WhatsAppMessageStatus.Delivered, "delivered"),
            }).ToArray();
        }

        /// <summary>How many messages are at each status once the first <paramref name="applied"/> updates are applied.</summary>
        public Dictionary<WhatsAppMessageStatus, int> Expected(int applied)
        {
            var furthest = new Dictionary<string, WhatsAppMessageStatus>(StringComparer.Ordinal);
            foreach (var update in _updates.Take(applied))
            {
                if (!furthest.TryGetValue(update.MessageId, out var status) || update.Status.IsAfter(status))
                {
                    furthest[update.MessageId] = update.Status;
                }
            }

            var counts = furthest.Values.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
            counts[WhatsAppMessageStatus.Queued] = (_updates.Length / PerMessage) - furthest.Count;
            return counts;
        }

        /// <summary>Dispatches the next update, as a receiver dispatches a notification.</summary>
        public Task ApplyNextAsync()
        {
            var update = _updates[Interlocked.Increment(ref _next)];
            var context = new WhatsAppNotificationContext(update.Provider, update.RegistrationName, WhatsAppReceiveChannel.Webhook, "outgoingMessageStatus", [update]);
            return _dispatcher.DispatchAsync(context, Notification, CancellationToken.None);
        }
    }
}
