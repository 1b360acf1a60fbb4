using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp.Benchmarks;

/// <summary>
/// N sends at concurrency C against a loopback Kestrel server in a separate process. Each variant runs in
/// its own client process, so that its peak working set and CPU time are its own.
/// </summary>
public static class Throughput
{
    /// <summary>The parent: starts the server process, then one client process per variant, and prints the table.</summary>
    public static async Task<int> RunAllAsync(int count, int concurrency)
    {
        var port = FreePort();
        using var server = Start($"--server {port}");
        await server.StandardOutput.ReadLineAsync(); // "ready"
        Console.WriteLine($"# {count} sends per variant at concurrency {concurrency}, server in process {server.Id} on 127.0.0.1:{port}");
        Console.WriteLine("| variant | messages/s | vs STJ | CPU µs/message | allocated B/message | peak working set MB |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var baselines = new System.Collections.Generic.Dictionary<string, double>();
        foreach (var name in Clients.Names)
        {
            using var client = Start($"--throughput-variant {name} {count} {concurrency} {port}");
            var line = await client.StandardOutput.ReadToEndAsync();
            await client.WaitForExitAsync();
            if (client.ExitCode != 0)
            {
                Console.Error.WriteLine($"{name} failed: {line}");
                return 1;
            }

            var parts = line.Trim().Split(' ').Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
            var provider = name.Split('-')[0];
            if (name.EndsWith("-stj", StringComparison.Ordinal))
            {
                baselines[provider] = parts[0];
            }

            var ratio = parts[0] / baselines[provider];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {parts[0]:F0} | {ratio:F2}x | {parts[1]:F1} | {parts[2]:F0} | {parts[3]:F1} |"));
        }

        server.Kill();
        return 0;
    }

    /// <summary>One client process: warms up, then measures N sends at concurrency C and prints one line.</summary>
    public static async Task<int> RunVariantAsync(string name, int count, int concurrency, int port)
    {
        using var clients = new Clients(new Uri($"http://127.0.0.1:{port}/"));
        var send = clients.ByName(name);
        await Drive(send, Math.Min(count, 20_000), concurrency); // warm-up: tiered JIT, connections

        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        await Drive(send, count, concurrency);
        clock.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{count / clock.Elapsed.TotalSeconds} {cpu.TotalMicroseconds / count} {(double)allocated / count} {process.PeakWorkingSet64 / 1024.0 / 1024.0}"));
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
