using System;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using BenchmarkDotNet.Running;
using Messaging.WhatsApp.Benchmarks;

// Modes (see docs/benchmarks.md):
//   (no arguments or BenchmarkDotNet's)         one send per operation, in memory and over loopback
//   --throughput [count] [concurrency] [rounds] [variant,...]
//                                               N sends at concurrency C against a separate server process
//   --server <port>, --throughput-variant ...   the processes the throughput mode starts
//   --receive-throughput [count] [concurrency]  N notifications at concurrency C to the webhooks in a separate server process
//   --receive-server <port>, --receive-load ... the processes the receive throughput mode starts
//   --profile <variant> [seconds]               one variant in a loop over the in-memory handler, for a profiler
//   --first-sends [processes] [variant,...]     the time to a first send in a fresh process, per variant
//   --first-send <variant>                      the process the first-sends mode starts
//   --ledger-throughput [count] [c1,c2,...] [rounds] [Normal,Full]
//                                               the message ledger on SQLite: recorded sends/s and status updates/s
//   --ledger-case <send|status> <Normal|Full> <count> <concurrency>
//                                               the process the ledger throughput mode starts, one case
//   --outbox-throughput [count] [replicas,...] [rounds] [fsync-off]
//                                               the outbox dispatched by 1 and 3 replica processes on PostgreSQL
//   --outbox-replica                            the replica process the outbox throughput mode starts
//   --outbox-lease [count] [fsync-off]          the cost per message of a lease (the dispatcher's claim) on PostgreSQL
//   --outbox-reconcile [count] [fsync-off]      the reconciler's cost per unknown record on PostgreSQL
static int Arg(string[] args, int index, int fallback) =>
    args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

switch (args.Length > 0 ? args[0] : string.Empty)
{
    case "--throughput":
        return await Throughput.RunAllAsync(Arg(args, 1, 200_000), Arg(args, 2, 64), Arg(args, 3, 1), args.Length > 4 ? args[4].Split(',') : null);
    case "--throughput-variant":
        return await Throughput.RunVariantAsync(args[1], Arg(args, 2, 0), Arg(args, 3, 0), Arg(args, 4, 0));
    case "--outbox-throughput":
        return await OutboxBenchmarks.ThroughputAsync(Arg(args, 1, 20_000), args.Length > 2 ? args[2].Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToArray() : [1, 3], Arg(args, 3, 3), durable: !args.Contains("fsync-off"));
    case "--outbox-replica":
        return await OutboxBenchmarks.ReplicaAsync();
    case "--outbox-lease":
        return await OutboxBenchmarks.LeaseAsync(Arg(args, 1, 20_000), durable: !args.Contains("fsync-off"));
    case "--outbox-reconcile":
        return await OutboxBenchmarks.ReconcileAsync(Arg(args, 1, 5_000), durable: !args.Contains("fsync-off"));
    case "--first-sends":
        return await FirstSend.RunAllAsync(Arg(args, 1, 10), args.Length > 2 ? args[2].Split(',') : null);
    case "--first-send":
        return await FirstSend.RunAsync(args[1]);
    case "--ledger-throughput":
        return await LedgerThroughput.RunAllAsync(
            Arg(args, 1, 20_000),
            args.Length > 2 ? args[2].Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray() : [1, 8, 32],
            Arg(args, 3, 3),
            args.Length > 4 ? args[4].Split(',').Select(Enum.Parse<LedgerMode>).ToArray() : [LedgerMode.Normal, LedgerMode.Full]);
    case "--ledger-case":
        return await LedgerThroughput.RunCaseAsync(args[1], Enum.Parse<LedgerMode>(args[2]), Arg(args, 3, 0), Arg(args, 4, 1));
    case "--profile":
        return await Throughput.ProfileAsync(args[1], Arg(args, 2, 10));
    case "--receive-throughput":
        return await ReceiveThroughput.RunAllAsync(Arg(args, 1, 100_000), Arg(args, 2, 64));
    case "--receive-load":
        return await ReceiveThroughput.LoadAsync(args[1], Arg(args, 2, 0), Arg(args, 3, 0), Arg(args, 4, 0));
    case "--receive-server":
        return await ReceiveThroughput.ServeAsync(Arg(args, 1, 0));
    case "--server":
        await using (var server = await LoopbackServer.StartAsync(Arg(args, 1, 0)))
        {
            Console.WriteLine("ready");
            await Task.Delay(System.Threading.Timeout.Infinite);
        }

        return 0;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(SendBenchmarks).Assembly).Run(args);
        return 0;
}
