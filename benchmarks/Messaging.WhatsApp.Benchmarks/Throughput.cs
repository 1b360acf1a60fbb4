using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Runtime;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp.Benchmarks;

/// <summary>
/// N sends at concurrency C against a loopback Kestrel server in a separate process. Each variant runs in
/// its own client process, so that its peak working set and CPU time are its own.
/// </summary>
public static class Throughput
{
    /// <summary>
    /// The parent: starts the server process, then one client process per variant and round, and prints the
    /// table. Rounds run every variant once, in order, so that a slow spell of this shared machine falls on all
    /// of them. Each variant's row is its median round (by messages per second), that round's ratio to the
    /// median round of its provider's System.Text.Json baseline, the median of its ratios to the baseline within
    /// each round ("paired"), every round, and the same paired ratio of the cold rate (the first sends of a fresh
    /// process). Each client also writes its garbage collections, GC pause, thread-pool work items, threads and
    /// what the JIT compiled while it measured to stderr.
    /// </summary>
    /// <param name="count">Sends per variant and round.</param>
    /// <param name="concurrency">Sends in flight at once.</param>
    /// <param name="rounds">How many times each variant runs.</param>
    /// <param name="only">The variants to run, or null for all.</param>
    public static async Task<int> RunAllAsync(int count, int concurrency, int rounds = 1, string[]? only = null)
    {
        var names = only ?? Clients.Names;
        var port = FreePort();
        using var server = Start($"--server {port}");
        await server.StandardOutput.ReadLineAsync(); // "ready"
        Console.WriteLine($"# {count} sends per variant and round at concurrency {concurrency}, {rounds} round(s), server in process {server.Id} on 127.0.0.1:{port}");
        var results = names.ToDictionary(n => n, _ => new System.Collections.Generic.List<double[]>());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var name in names)
            {
                using var client = Start($"--throughput-variant {name} {count} {concurrency} {port}");
                var line = await client.StandardOutput.ReadToEndAsync();
                await client.WaitForExitAsync();
                if (client.ExitCode != 0)
                {
                    Console.Error.WriteLine($"{name} failed: {line}");
                    return 1;
                }

                results[name].Add(line.Trim().Split(' ').Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray());
            }
        }

        server.Kill();
        Console.WriteLine("| variant | messages/s | vs STJ | vs STJ, paired | CPU µs/message | allocated B/message | peak working set MB | messages/s, every round | cold: first 20,000, messages/s | cold vs STJ, paired | warm-up sends (median) | methods compiled while measuring (most) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|");
        foreach (var name in names)
        {
            var provider = name.Split('-')[0];
            var parts = Median(results[name]);
            string ratio = "n/a", paired = "n/a", coldPaired = "n/a";
            if (results.TryGetValue(provider + "-stj", out var baseline))
            {
                ratio = FormattableString.Invariant($"{parts[0] / Median(baseline)[0]:F2}x");
                paired = FormattableString.Invariant($"{PairedRatio(results[name], baseline, 0):F2}x");
                coldPaired = FormattableString.Invariant($"{PairedRatio(results[name], baseline, 4):F2}x");
            }

            var all = string.Join(", ", results[name].Select(r => r[0].ToString("F0", CultureInfo.InvariantCulture)));
            var cold = MedianOf(results[name], 4);
            var warmUp = MedianOf(results[name], 5);
            var compiledWhileMeasuring = results[name].Max(r => r[6]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {parts[0]:F0} | {ratio} | {paired} | {parts[1]:F1} | {parts[2]:F0} | {parts[3]:F1} | {all} | {cold:F0} | {coldPaired} | {warmUp:F0} | {compiledWhileMeasuring:F0} |"));
        }

        return 0;
    }

    /// <summary>
    /// The median of a variant's ratios to the baseline within each round, in column <paramref name="column"/>: each
    /// round runs the variants back to back, so the ratio within a round cancels the machine's drift from one
    /// round to the next.
    /// </summary>
    private static double PairedRatio(System.Collections.Generic.List<double[]> variant, System.Collections.Generic.List<double[]> baseline, int column)
    {
        var ratios = variant.Zip(baseline, (r, b) => r[column] / b[column]).OrderBy(r => r).ToArray();
        return ratios.Length % 2 == 1 ? ratios[ratios.Length / 2] : (ratios[(ratios.Length / 2) - 1] + ratios[ratios.Length / 2]) / 2;
    }

    /// <summary>The median round by messages per second (the upper one of two middle rounds).</summary>
    private static double[] Median(System.Collections.Generic.List<double[]> rounds) =>
        rounds.OrderBy(r => r[0]).ElementAt(rounds.Count / 2);

    /// <summary>The median of one column over the rounds (the upper one of two middle values).</summary>
    private static double MedianOf(System.Collections.Generic.List<double[]> rounds, int column) =>
        rounds.Select(r => r[column]).OrderBy(v => v).ElementAt(rounds.Count / 2);

    /// <summary>The first sends of a fresh process, timed on their own: the "cold" rate.</summary>
    private const int ColdSends = 20_000;

    /// <summary>Warm-up goes on in chunks of this many sends until the JIT is quiet.</summary>
    private const int WarmUpChunk = 20_000;

    /// <summary>A chunk that compiles at most this many methods is quiet (a timer or the GC may still compile one).</summary>
    private const int QuietMethods = 5;

    /// <summary>
    /// Warm-up is at least this long: quiet chunks can come before tiered compilation is done (a trial without the
    /// minimum stopped after 60,000 sends and then compiled 1,218 methods while measuring).
    /// </summary>
    private const int MinWarmUpSends = 200_000;

    /// <summary>
    /// One client process: times the first <see cref="ColdSends"/> sends (connections, first-call JIT and tiered
    /// compilation included), warms up for at least <see cref="MinWarmUpSends"/> sends and until two chunks in a
    /// row compile at most <see cref="QuietMethods"/> methods (tiered compilation has promoted what the path runs;
    /// at most 2 million sends), then measures N sends at concurrency C, and prints one line: messages/s, CPU
    /// µs/message, allocated B/message, peak working set MB, cold messages/s, warm-up sends, methods compiled
    /// while measuring.
    /// </summary>
    /// <remarks>
    /// Without the wait for the JIT, 100,000 sends after a 20,000-send warm-up compiled about 1,100 methods
    /// (0.7 s of JIT time in a 2.3 s run, on 2 cores): the rate measured how far tiered compilation had got,
    /// not the code it had compiled.
    /// </remarks>
    public static async Task<int> RunVariantAsync(string name, int count, int concurrency, int port)
    {
        using var clients = new Clients(new Uri($"http://127.0.0.1:{port}/"));
        var send = clients.ByName(name);
        var coldJit = JitInfo.GetCompiledMethodCount();
        var coldJitTime = JitInfo.GetCompilationTime();
        var cold = Stopwatch.StartNew();
        await Drive(send, ColdSends, concurrency);
        var coldRate = ColdSends / cold.Elapsed.TotalSeconds;
        coldJit = JitInfo.GetCompiledMethodCount() - coldJit;
        coldJitTime = JitInfo.GetCompilationTime() - coldJitTime;

        var warmUpSends = ColdSends;
        for (var quiet = 0; (quiet < 2 || warmUpSends < MinWarmUpSends) && warmUpSends < 2_000_000; warmUpSends += WarmUpChunk)
        {
            var compiled = JitInfo.GetCompiledMethodCount();
            await Drive(send, WarmUpChunk, concurrency);
            quiet = JitInfo.GetCompiledMethodCount() - compiled <= QuietMethods ? quiet + 1 : 0;
        }

        var threadsAfterWarmUp = ThreadPool.ThreadCount;
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var gen0Before = GC.CollectionCount(0);
        var gen1Before = GC.CollectionCount(1);
        var pauseBefore = GC.GetTotalPauseDuration();
        var workItemsBefore = ThreadPool.CompletedWorkItemCount;
        var contentionBefore = Monitor.LockContentionCount;
        var jitBefore = JitInfo.GetCompiledMethodCount();
        var jitTimeBefore = JitInfo.GetCompilationTime();
        var clock = Stopwatch.StartNew();
        await Drive(send, count, concurrency);
        clock.Stop();
        var compiledWhileMeasuring = JitInfo.GetCompiledMethodCount() - jitBefore;
        var jitTimeWhileMeasuring = JitInfo.GetCompilationTime() - jitTimeBefore;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# {name}: gen0 {GC.CollectionCount(0) - gen0Before}, gen1 {GC.CollectionCount(1) - gen1Before}, pause {(GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds:F0} ms of {clock.Elapsed.TotalMilliseconds:F0}, work items/msg {(double)(ThreadPool.CompletedWorkItemCount - workItemsBefore) / count:F2}, contention {Monitor.LockContentionCount - contentionBefore}, threads {threadsAfterWarmUp} then {ThreadPool.ThreadCount}, jit {compiledWhileMeasuring} methods in {jitTimeWhileMeasuring.TotalMilliseconds:F0} ms, rate {count / clock.Elapsed.TotalSeconds:F0}, cold rate {coldRate:F0} (jit {coldJit} methods in {coldJitTime.TotalMilliseconds:F0} ms), warm-up {warmUpSends} sends"));

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{count / clock.Elapsed.TotalSeconds} {cpu.TotalMicroseconds / count} {(double)allocated / count} {process.PeakWorkingSet64 / 1024.0 / 1024.0} {coldRate} {warmUpSends} {compiledWhileMeasuring}"));
        return 0;
    }

    /// <summary>
    /// Sends with one variant over the in-memory handler, one at a time, for <paramref name="seconds"/>: a loop to
    /// attach a profiler to (<c>dotnet-trace collect -- dotnet Messaging.WhatsApp.Benchmarks.dll --profile maytapi-facade</c>).
    /// </summary>
    public static async Task<int> ProfileAsync(string name, int seconds)
    {
        using var clients = new Clients(root: null);
        var send = clients.ByName(name);
        var clock = Stopwatch.StartNew();
        var sends = 0L;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            for (var i = 0; i < 1000; i++)
            {
                await send();
            }

            sends += 1000;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {sends} sends, {clock.Elapsed.TotalMilliseconds * 1000 / sends:F3} µs each"));
        return 0;
    }

    private static async Task Drive(Func<Task<string>> send, int count, int concurrency)
    {
        var remaining = count;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                await send();
            }
        });
        await Task.WhenAll(workers);
    }

    private static Process Start(string arguments)
    {
        var self = typeof(Throughput).Assembly.Location;
        var info = new ProcessStartInfo("dotnet", $"\"{self}\" {arguments}")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        return Process.Start(info) ?? throw new InvalidOperationException("could not start " + arguments);
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
