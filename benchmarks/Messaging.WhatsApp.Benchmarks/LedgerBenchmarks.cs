using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Perfolizer.Horology;

namespace Messaging.WhatsApp.Benchmarks;

/// <summary>
/// A GREEN-API facade send without the message ledger (the baseline) and recorded in it on SQLite (WAL) with
/// <c>synchronous=NORMAL</c> and <c>FULL</c>, each under a key of its own; in memory (<see cref="CannedHandler"/>)
/// and over loopback Kestrel (<see cref="LoopbackServer"/>) as <see cref="SendBenchmarks"/> does. What a recorded send
/// adds is the ledger's work: its writes before and after the request.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class LedgerBenchmarks
{
    private LedgerSenders _unrecorded = null!;
    private LedgerSenders _normal = null!;
    private LedgerSenders _full = null!;
    private LoopbackServer? _server;

    [ParamsSource(nameof(Transports))]
    public Transport Transport { get; set; }

    /// <summary>Both transports, or only the one named by WHATSAPP_BENCH_TRANSPORT, as for <see cref="SendBenchmarks"/>.</summary>
    public static System.Collections.Generic.IEnumerable<Transport> Transports() => SendBenchmarks.Transports();

    [GlobalSetup]
    public async Task SetUp()
    {
        _server = Transport == Transport.Loopback ? await LoopbackServer.StartAsync() : null;
        System.Func<System.Net.Http.HttpMessageHandler>? handler = _server is null ? () => new CannedHandler() : null;
        _unrecorded = await LedgerSenders.CreateAsync(LedgerMode.None, _server?.Url, handler);
        _normal = await LedgerSenders.CreateAsync(LedgerMode.Normal, _server?.Url, handler);
        _full = await LedgerSenders.CreateAsync(LedgerMode.Full, _server?.Url, handler);
    }

    [GlobalCleanup]
    public async Task CleanUp()
    {
        await _unrecorded.DisposeAsync();
        await _normal.DisposeAsync();
        await _full.DisposeAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true)]
    public Task<string> GreenApi_Facade_Unrecorded() => _unrecorded.SendAsync();

    [Benchmark]
    public Task<string> GreenApi_Facade_Recorded_SqliteNormal() => _normal.SendAsync();

    [Benchmark]
    public Task<string> GreenApi_Facade_Recorded_SqliteFull() => _full.SendAsync();

    /// <summary>
    /// As <see cref="SendBenchmarks"/>: 10 warm-up iterations of half a second, 10 measured, 3 processes per case (this
    /// shared machine can run one process of a case far slower than the next).
    /// </summary>
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default
                .WithLaunchCount(3)
                .WithWarmupCount(10)
                .WithIterationTime(TimeInterval.FromMilliseconds(500))
                .WithIterationCount(10));
        }
    }
}
