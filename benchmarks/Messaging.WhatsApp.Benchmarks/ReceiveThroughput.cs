using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Messaging.WhatsApp.Benchmarks;

/// <summary>
/// Notifications handled per second: <see cref="ReceiverHost"/> on Kestrel (loopback) in one process, and per
/// notification a load generator in another, N POSTs at concurrency C with HttpClient. The server counts its
/// own CPU time, allocations, collections and dispatched updates over the measured window only, so they are
/// the receiver's alone.
/// </summary>
public static class ReceiveThroughput
{
    /// <summary>The bare endpoint, with the first notification's body: what ASP.NET Core alone can do here.</summary>
    public const string Baseline = "baseline";

    /// <summary>The parent: starts the server process, then one load process per notification, and prints the table.</summary>
    public static async Task<int> RunAllAsync(int count, int concurrency)
    {
        var port = FreePort();
        using var server = Start($"--receive-server {port}");
        await server.StandardOutput.ReadLineAsync(); // "ready"
        try
        {
            Console.WriteLine($"# {count} notifications per row at concurrency {concurrency}, server in process {server.Id} on 127.0.0.1:{port} ({Environment.ProcessorCount} cores, server GC {Environment.GetEnvironmentVariable("DOTNET_gcServer") ?? "0"})");
            Console.WriteLine("| notification | updates each | notifications/s | server CPU µs/notification | server allocated B/notification | server exceptions/notification | server gen0/gen1/gen2 | load generator CPU µs/notification |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var name in RecordedNotification.Names.Prepend(Baseline))
            {
                using var load = Start($"--receive-load {name} {count} {concurrency} {port}");
                var line = await load.StandardOutput.ReadToEndAsync();
                await load.WaitForExitAsync();
                if (load.ExitCode != 0)
                {
                    Console.Error.WriteLine($"{name} failed: {line}");
                    return 1;
                }

                Console.WriteLine(line.Trim());
            }

            return 0;
        }
        finally
        {
            server.Kill();
        }
    }

    /// <summary>The server process: the receiver on Kestrel, plus the two endpoints that frame a measurement.</summary>
    public static async Task<int> ServeAsync(int port)
    {
        var app = ReceiverHost.Build(web => web.UseKestrel(o => o.Listen(IPAddress.Loopback, port)));
        await using (app)
        {
            ServerCounters.CountExceptions();
            var start = ServerCounters.Now();
            app.MapPost("/measure/start", () => { start = ServerCounters.Now(); });
            app.MapPost("/measure/stop", () => ServerCounters.Now().Since(start).ToString());
            await app.StartAsync();
            Console.WriteLine("ready");
            await Task.Delay(Timeout.Infinite);
        }

        return 0;
    }

    /// <summary>One load process: warms up, then measures N notifications at concurrency C and prints one table row.</summary>
    public static async Task<int> LoadAsync(string name, int count, int concurrency, int port)
    {
        var baseline = name == Baseline;
        var notification = RecordedNotification.Load(baseline ? RecordedNotification.Names[0] : name);
        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
        };
        var refused = 0;
        async Task Post()
        {
            using var request = notification.NewRequest(baseline ? ReceiverHost.BaselinePath : null);
            using var response = await client.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Interlocked.Increment(ref refused);
            }
        }

        await Drive(Post, Math.Min(count, 20_000), concurrency); // warm-up: tiered JIT, connections
        (await client.PostAsync(new Uri("measure/start", UriKind.Relative), null)).Dispose();

        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Drive(Post, count, concurrency);
        clock.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;

        using var stop = await client.PostAsync(new Uri("measure/stop", UriKind.Relative), null);
        var server = ServerCounters.Parse(await stop.Content.ReadAsStringAsync());
        var expected = baseline ? 0 : (long)count * notification.Updates;
        if (refused != 0 || server.Updates != expected)
        {
            Console.WriteLine($"{refused} answers other than 200; {server.Updates} updates dispatched, {expected} expected");
            return 1;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {(baseline ? "baseline: bare endpoint, GREEN-API status body" : name)} | {(baseline ? "-" : notification.Updates.ToString(CultureInfo.InvariantCulture))} | {count / clock.Elapsed.TotalSeconds:F0} | {server.Cpu.TotalMicroseconds / count:F1} | {(double)server.Allocated / count:F0} | {(double)server.Exceptions / count:F2} | {server.Gen0}/{server.Gen1}/{server.Gen2} | {cpu.TotalMicroseconds / count:F1} |"));
        return 0;
    }

    private static async Task Drive(Func<Task> post, int count, int concurrency)
    {
        var remaining = count;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                await post();
            }
        });
        await Task.WhenAll(workers);
    }

    private static Process Start(string arguments)
    {
        var self = typeof(ReceiveThroughput).Assembly.Location;
        var info = new ProcessStartInfo("dotnet", $"\"{self}\" {arguments}")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        return Process.Start(info) ?? throw new InvalidOperationException("could not start " + arguments);
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>What the server process has spent so far, or between two moments.</summary>
    private readonly record struct ServerCounters(TimeSpan Cpu, long Allocated, long Updates, long Exceptions, int Gen0, int Gen1, int Gen2)
    {
        private static long s_exceptions;

        /// <summary>Counts the exceptions thrown in this process, caught or not: a cost the other counters do not name.</summary>
        public static void CountExceptions() =>
            AppDomain.CurrentDomain.FirstChanceException += (_, _) => Interlocked.Increment(ref s_exceptions);

        public static ServerCounters Now()
        {
            using var process = Process.GetCurrentProcess();
            return new ServerCounters(
                process.TotalProcessorTime,
                GC.GetTotalAllocatedBytes(precise: true),
                CountingUpdateHandler.Handled,
                Interlocked.Read(ref s_exceptions),
                GC.CollectionCount(0),
                GC.CollectionCount(1),
                GC.CollectionCount(2));
        }

        public static ServerCounters Parse(string text)
        {
            var p = text.Split(' ').Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            return new ServerCounters(TimeSpan.FromTicks(p[0]), p[1], p[2], p[3], (int)p[4], (int)p[5], (int)p[6]);
        }

        public ServerCounters Since(ServerCounters start) => new(
            Cpu - start.Cpu,
            Allocated - start.Allocated,
            Updates - start.Updates,
            Exceptions - start.Exceptions,
            Gen0 - start.Gen0,
            Gen1 - start.Gen1,
            Gen2 - start.Gen2);

        public override string ToString() =>
            string.Create(CultureInfo.InvariantCulture, $"{Cpu.Ticks} {Allocated} {Updates} {Exceptions} {Gen0} {Gen1} {Gen2}");
    }
}
