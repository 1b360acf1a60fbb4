using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Perfolizer.Horology;

namespace Messaging.WhatsApp.Benchmarks;

/// <summary>Where the receiving benchmarks run the app.</summary>
public enum ReceiveServer
{
    /// <summary><see cref="InlineServer"/>: the app's pipeline on the caller's thread, no client, no transport.</summary>
    Inline,

    /// <summary>TestServer, through its HttpClient: adds the client side and a hand-off to the thread pool.</summary>
    TestServer,
}

/// <summary>
/// One notification per operation through the whole ASP.NET Core pipeline of <see cref="ReceiverHost"/>: the
/// webhook endpoint (routing, authentication, reading, parsing, dispatch to a no-op handler in a DI scope,
/// telemetry), against the same request to an endpoint that only drains the body (the baseline of each group).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
[Config(typeof(Config))]
public class ReceiveBenchmarks
{
    private WebApplication _app = null!;
    private InlineServer? _inline;
    private HttpClient? _client;
    private RecordedNotification _notification = null!;

    /// <summary>Both servers, or only the one named by WHATSAPP_BENCH_SERVER (Inline or TestServer).</summary>
    public static IEnumerable<ReceiveServer> Servers() =>
        Enum.TryParse<ReceiveServer>(Environment.GetEnvironmentVariable("WHATSAPP_BENCH_SERVER"), ignoreCase: true, out var only)
            ? [only]
            : [ReceiveServer.Inline, ReceiveServer.TestServer];

    public static IEnumerable<string> Notifications() => RecordedNotification.Names;

    [ParamsSource(nameof(Servers))]
    public ReceiveServer Server { get; set; }

    [ParamsSource(nameof(Notifications))]
    public string Notification { get; set; } = string.Empty;

    [GlobalSetup]
    public async Task SetUp()
    {
        _notification = RecordedNotification.Load(Notification);
        if (Server == ReceiveServer.Inline)
        {
            _inline = new InlineServer();
            _app = ReceiverHost.Build(web => web.ConfigureServices(services => services.AddSingleton<IServer>(_inline)));
            await _app.StartAsync();
        }
        else
        {
            _app = ReceiverHost.Build(web => web.UseTestServer());
            await _app.StartAsync();
            _client = _app.GetTestClient();
        }

        // What is measured is what it claims: answered 200, every update dispatched.
        var before = CountingUpdateHandler.Handled;
        await Webhook();
        var dispatched = CountingUpdateHandler.Handled - before;
        if (dispatched != _notification.Updates)
        {
            throw new InvalidOperationException($"{Notification}: {dispatched} updates dispatched, {_notification.Updates} expected");
        }
    }

    [GlobalCleanup]
    public async Task CleanUp()
    {
        _client?.Dispose();
        await _app.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public Task<int> AspNetCoreOnly() => PostAsync(ReceiverHost.BaselinePath);

    [Benchmark]
    public Task<int> Webhook() => PostAsync(_notification.Path);

    private async Task<int> PostAsync(Uri path)
    {
        int status;
        if (_inline is not null)
        {
            status = await _inline.PostAsync("/" + path.OriginalString, _notification.Authorization, _notification.Body);
        }
        else
        {
            using var request = _notification.NewRequest(path);
            using var response = await _client!.SendAsync(request);
            status = (int)response.StatusCode;
        }

        return status == StatusCodes.Status200OK ? status : throw new InvalidOperationException($"{Notification}: {status} from {path}");
    }

    /// <summary>
    /// The send benchmarks' configuration (5 s of warm-up per process, 3 processes per case), with the
    /// notifications' names in full.
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
            SummaryStyle = SummaryStyle.Default.WithMaxParameterColumnWidth(40);
        }
    }
}
