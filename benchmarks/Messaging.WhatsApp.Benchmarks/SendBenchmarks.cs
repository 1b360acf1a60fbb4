using System;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Perfolizer.Horology;

namespace Messaging.WhatsApp.Benchmarks;

/// <summary>Where the request goes.</summary>
public enum Transport
{
    /// <summary>An in-memory handler with a canned answer: the client's own cost.</summary>
    InMemory,

    /// <summary>A Kestrel server on loopback in the same process: the kernel dominates.</summary>
    Loopback,
}

/// <summary>
/// One text send per operation, for each provider: hand-written HttpClient with System.Text.Json (the
/// baseline of each group: a source-generated context, bytes, ResponseHeadersRead), with System.Text.Json's
/// JsonContent and with Newtonsoft.Json (see <see cref="Baselines"/>), the generated client, and the facade.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[Config(typeof(WarmConfig))]
public class SendBenchmarks
{
    private Clients _clients = null!;
    private LoopbackServer? _server;

    /// <summary>Both transports, or only the one named by WHATSAPP_BENCH_TRANSPORT (InMemory or Loopback).</summary>
    public static System.Collections.Generic.IEnumerable<Transport> Transports() =>
        Enum.TryParse<Transport>(Environment.GetEnvironmentVariable("WHATSAPP_BENCH_TRANSPORT"), ignoreCase: true, out var only)
            ? [only]
            : [Transport.InMemory, Transport.Loopback];

    [ParamsSource(nameof(Transports))]
    public Transport Transport { get; set; }

    /// <summary>Nothing listening, or an OpenTelemetry tracer and meter: see WHATSAPP_BENCH_LISTENER.</summary>
    [ParamsSource(nameof(Listeners))]
    public Listener Listener { get; set; }

    public static System.Collections.Generic.IEnumerable<Listener> Listeners() => Listening.FromEnvironment();

    private Listening? _listening;

    [GlobalSetup]
    public async Task SetUp()
    {
        _server = Transport == Transport.Loopback ? await LoopbackServer.StartAsync() : null;
        _clients = new Clients(_server?.Url);
        _listening = new Listening(Listener);
    }

    [GlobalCleanup]
    public async Task CleanUp()
    {
        _listening?.Dispose();
        _clients.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [BenchmarkCategory("Maytapi"), Benchmark(Baseline = true)]
    public Task<string> Maytapi_HttpClient_SystemTextJson() => _clients.MaytapiStj();

    [BenchmarkCategory("Maytapi"), Benchmark]
    public Task<string> Maytapi_HttpClient_StjJsonContent() => _clients.MaytapiStjJsonContent();

    [BenchmarkCategory("Maytapi"), Benchmark]
    public Task<string> Maytapi_HttpClient_Newtonsoft() => _clients.MaytapiNewtonsoft();

    [BenchmarkCategory("Maytapi"), Benchmark]
    public Task<string> Maytapi_HttpClient_NewtonsoftStrings() => _clients.MaytapiNewtonsoftStrings();

    [BenchmarkCategory("Maytapi"), Benchmark]
    public Task<string> Maytapi_GeneratedClient() => _clients.MaytapiGenerated();

    [BenchmarkCategory("Maytapi"), Benchmark]
    public Task<string> Maytapi_Facade() => _clients.MaytapiFacade();

    [BenchmarkCategory("GreenApi"), Benchmark(Baseline = true)]
    public Task<string> GreenApi_HttpClient_SystemTextJson() => _clients.GreenApiStj();

    [BenchmarkCategory("GreenApi"), Benchmark]
    public Task<string> GreenApi_HttpClient_StjJsonContent() => _clients.GreenApiStjJsonContent();

    [BenchmarkCategory("GreenApi"), Benchmark]
    public Task<string> GreenApi_HttpClient_Newtonsoft() => _clients.GreenApiNewtonsoft();

    [BenchmarkCategory("GreenApi"), Benchmark]
    public Task<string> GreenApi_HttpClient_NewtonsoftStrings() => _clients.GreenApiNewtonsoftStrings();

    [BenchmarkCategory("GreenApi"), Benchmark]
    public Task<string> GreenApi_GeneratedClient() => _clients.GreenApiGenerated();

    [BenchmarkCategory("GreenApi"), Benchmark]
    public Task<string> GreenApi_Facade() => _clients.GreenApiFacade();

    /// <summary>
    /// Ten warm-up iterations of half a second: five seconds per case, long enough for tiered JIT and
    /// dynamic PGO to settle before anything is measured. Three processes per case, because on this kind
    /// of shared virtual machine one process can run a case up to 50% slower than the next.
    /// </summary>
    private sealed class WarmConfig : ManualConfig
    {
        public WarmConfig()
        {
            AddJob(Job.Default
                .WithLaunchCount(3)
                .WithWarmupCount(10)
                .WithIterationTime(TimeInterval.FromMilliseconds(500))
                .WithIterationCount(10));
        }
    }
}
