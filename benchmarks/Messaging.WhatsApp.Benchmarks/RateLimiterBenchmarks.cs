using System;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Garnet;
using Messaging.WhatsApp.GreenApi;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.WhatsApp.Benchmarks;

/// <summary>Which rate limiter guards the send.</summary>
public enum Limiter
{
    /// <summary>None (MaxSendsPerSecond 0).</summary>
    None,

    /// <summary>The in-process sliding window, the default.</summary>
    InProcess,

    /// <summary>The shared window in Redis (Messaging.WhatsApp.Redis), here Garnet hosted in this process on loopback.</summary>
    Redis,
}

/// <summary>
/// The cost of one permit: a GREEN-API facade send over the in-memory handler, with no limiter, the in-process
/// one, and the Redis one (Garnet in-process, over loopback TCP), each far below its limit. The Redis row minus
/// the None row is what a permit from the store costs a send.
/// </summary>
[MemoryDiagnoser]
public class RateLimiterBenchmarks
{
    private static readonly ChatAddress Chat = ChatAddress.Parse(Wire.ToNumber);
    private GarnetServer? _garnet;
    private ServiceProvider _services = null!;
    private IWhatsAppSender _sender = null!;

    [Params(Limiter.None, Limiter.InProcess, Limiter.Redis)]
    public Limiter Limiter { get; set; }

    [GlobalSetup]
    public void SetUp()
    {
        var services = new ServiceCollection();
        var builder = services.AddGreenApi(o =>
        {
            o.ApiUrl = new Uri("http://in-memory.invalid/");
            o.IdInstance = Wire.IdInstance;
            o.ApiTokenInstance = Wire.Token;
            o.MaxSendsPerSecond = Limiter == Limiter.None ? 0 : 1_000_000;
        });
        builder.ConfigurePrimaryHttpMessageHandler(() => new CannedHandler());
        if (Limiter == Limiter.Redis)
        {
            var port = FreePort();
            _garnet = new GarnetServer(["--bind", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--lua", "--lua-transaction-mode", "--memory", "256m", "--index", "16m", "-q"]);
            _garnet.Start();
            builder.UseRedisRateLimiter($"127.0.0.1:{port}");
        }

        _services = services.BuildServiceProvider();
        _sender = _services.GetRequiredService<IGreenApiSender>();
        // The store grants nothing for one window after it first sees the instance.
        _sender.SendTextAsync(Chat, Wire.Text).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void CleanUp()
    {
        _services.Dispose();
        _garnet?.Dispose();
    }

    [Benchmark]
    public async Task<string> GreenApi_Facade_Send() => (await _sender.SendTextAsync(Chat, Wire.Text)).MessageId;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
