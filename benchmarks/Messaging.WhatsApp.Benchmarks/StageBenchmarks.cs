using System;
using System.Diagnostics;
using System.Net.Http;
using System.Reflection;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Messaging.WhatsApp.Benchmarks;

/// <summary>
/// Where a facade send's time goes: each stage of <see cref="SendBenchmarks"/>' facade send on its own, with the
/// library's telemetry enabled and nothing listening (docs/benchmarks.md, "Per stage"). The stages of one send add
/// up to roughly the facade's time; how the awaits chain them (synchronously, in memory) is in <c>Pipeline</c>.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
public class StageBenchmarks
{
    private static readonly ChatAddress Chat = ChatAddress.Parse(Wire.ToNumber);

    private static readonly GreenApiSendMessageRequest GreenApiRequest = new() { ChatId = Wire.ChatId, Message = Wire.Text };

    private static readonly TextMessage MaytapiRequest = new() { ToNumber = Wire.ToNumber, Message = Wire.Text };

    private static readonly SendResult Sent = new(GreenApiOptions.Provider, "BAE5F4886F6F2D05", Wire.ChatId);

    private RateLimiter _limiter = null!;
    private ClientSource<GreenApiClient> _clients = null!;
    private SendPipeline _pipeline = null!;
    private HttpClient _plainHttp = null!;
    private HttpClient _factoryHttp = null!;
    private ServiceProvider _services = null!;
    private HttpRequestMessage _request = null!;
    private HttpResponseMessage _response = null!;
    private Newtonsoft.Json.JsonSerializerSettings _greenApiSettings = null!;
    private Newtonsoft.Json.JsonSerializerSettings _maytapiSettings = null!;
    private Newtonsoft.Json.JsonSerializer _greenApiSerializer = null!;
    private Newtonsoft.Json.JsonSerializer _maytapiSerializer = null!;

    [GlobalSetup]
    public void SetUp()
    {
        _limiter = RateLimits.PerSecond(int.MaxValue / 2, 100)!;
        _plainHttp = new HttpClient(new CannedHandler()) { BaseAddress = new Uri("http://in-memory.invalid/") };
        _clients = new ClientSource<GreenApiClient>(() => _plainHttp, http => new GreenApiClient(http), TimeProvider.System);
        _pipeline = new SendPipeline(GreenApiOptions.Provider, new RetryOptions(), limiter: null, TimeProvider.System, NullLogger.Instance);

        var services = new ServiceCollection();
        services.AddGreenApi("stage", o =>
        {
            o.ApiUrl = new Uri("http://in-memory.invalid/");
            o.IdInstance = Wire.IdInstance;
            o.ApiTokenInstance = Wire.Token;
        }).ConfigurePrimaryHttpMessageHandler(() => new CannedHandler());
        _services = services.BuildServiceProvider();
        _factoryHttp = _services.GetRequiredService<IHttpClientFactory>().CreateClient(GreenApiOptions.Definition.HttpClientName + ":stage");

        _request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://in-memory.invalid/waInstance{Wire.IdInstance}/sendMessage/{Wire.Token}"));
        _response = new HttpResponseMessage(System.Net.HttpStatusCode.OK);
        _greenApiSettings = SettingsOf(typeof(GreenApiClient));
        _maytapiSettings = SettingsOf(typeof(MaytapiClient));
        _greenApiSerializer = Newtonsoft.Json.JsonSerializer.Create(_greenApiSettings);
        _maytapiSerializer = Newtonsoft.Json.JsonSerializer.Create(_maytapiSettings);
    }

    [GlobalCleanup]
    public void CleanUp()
    {
        _limiter.Dispose();
        _pipeline.Dispose();
        _plainHttp.Dispose();
        _request.Dispose();
        _response.Dispose();
        _services.Dispose();
    }

    /// <summary>What a person typed, as a chat: most apps parse per send.</summary>
    [BenchmarkCategory("Chat address"), Benchmark]
    public ChatAddress ChatAddress_Parse() => ChatAddress.Parse("+90 530 111 11 11");

    [BenchmarkCategory("Validation"), Benchmark]
    public void Validation_GreenApi() => GreenApiRequestValidator.ValidateText(Chat, Wire.Text, null);

    [BenchmarkCategory("Validation"), Benchmark]
    public string Validation_Maytapi()
    {
        MaytapiRequestValidator.ValidateText(Chat, Wire.Text, null);
        return MaytapiRequestValidator.ToNumber(Chat);
    }

    /// <summary>One permit from the in-process sliding window, far from its limit.</summary>
    [BenchmarkCategory("Rate limiter"), Benchmark]
    public async Task<bool> RateLimiter_Permit()
    {
        using var lease = await _limiter.AcquireAsync(1);
        return lease.IsAcquired;
    }

    /// <summary>The generated client over IHttpClientFactory's HttpClient, reused for a minute.</summary>
    [BenchmarkCategory("Client reuse"), Benchmark]
    public GreenApiClient ClientSource_Get() => _clients.Get();

    /// <summary>The retry pipeline around an attempt that succeeds at once: its state machines and its telemetry.</summary>
    [BenchmarkCategory("Pipeline"), Benchmark]
    public Task<SendResult> Pipeline_Send() =>
        _pipeline.SendAsync(ImmediateAttempt.Instance, Sent, null, CancellationToken.None);

    /// <summary>The library's spans and metrics with nothing listening: what a send asks of them.</summary>
    [BenchmarkCategory("Telemetry"), Benchmark]
    public bool Telemetry_NoListener()
    {
        // As SendPipeline and OutboundHandler ask: the clock only for a duration something records, the attempt's
        // span (and its URL template) only while the source has listeners.
        var started = WhatsAppTelemetry.SendDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        using var activity = WhatsAppTelemetry.Source.StartActivity("whatsapp.send", ActivityKind.Internal);
        var attempt = WhatsAppTelemetry.StartAttempt(_request, _request.RequestUri!);
        WhatsAppTelemetry.Answered(attempt, 200);
        return activity is null && (WhatsAppTelemetry.Sends.Enabled || started != 0);
    }

    /// <summary>The response headers a failure's exception would need, on a success: none are copied.</summary>
    [BenchmarkCategory("Error-map preparation"), Benchmark]
    public object ErrorMap_HeadersForSuccess() => GeneratedClientSupport.HeadersFor(_response);

    /// <summary>An HttpClient over the in-memory handler, nothing between.</summary>
    [BenchmarkCategory("HTTP"), Benchmark(Baseline = true)]
    public Task<HttpResponseMessage> Http_PlainClient() => SendEmpty(_plainHttp);

    /// <summary>The library's IHttpClientFactory client: its redacting logging handler, the outbound handler
    /// (credential in, credential out, redirect check, attempt span) and the hardened primary handler.</summary>
    [BenchmarkCategory("HTTP"), Benchmark]
    public Task<HttpResponseMessage> Http_LibraryClient() => SendEmpty(_factoryHttp);

    [BenchmarkCategory("Request body"), Benchmark]
    public void RequestBody_GreenApi() => GeneratedClientSupport.JsonBody(GreenApiRequest, _greenApiSettings, "application/json").Dispose();

    [BenchmarkCategory("Request body"), Benchmark]
    public void RequestBody_Maytapi() => GeneratedClientSupport.JsonBody(MaytapiRequest, _maytapiSettings, "application/json").Dispose();

    [BenchmarkCategory("Response body"), Benchmark]
    public GreenApiSendMessageResponse ResponseBody_GreenApi() => StrictJson.Deserialize<GreenApiSendMessageResponse>(Wire.GreenApiSuccess, _greenApiSerializer);

    [BenchmarkCategory("Response body"), Benchmark]
    public MaytapiSendMessageResponse ResponseBody_Maytapi() => StrictJson.Deserialize<MaytapiSendMessageResponse>(Wire.MaytapiSuccess, _maytapiSerializer);

    private static async Task<HttpResponseMessage> SendEmpty(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"waInstance{Wire.IdInstance}/sendMessage/{RequestSecret.Placeholder}");
        var response = await http.SendAsync(request);
        response.Dispose();
        return response;
    }

    /// <summary>The serializer settings a generated client reads and writes with (its private static ones).</summary>
    private static Newtonsoft.Json.JsonSerializerSettings SettingsOf(Type client)
    {
        var field = client.GetField("_settings", BindingFlags.NonPublic | BindingFlags.Static)!;
        return ((Lazy<Newtonsoft.Json.JsonSerializerSettings>)field.GetValue(null)!).Value;
    }
}

/// <summary>An attempt that succeeds at once with the result it is given.</summary>
internal sealed class ImmediateAttempt : ISendAttempt<SendResult>
{
    public static readonly ImmediateAttempt Instance = new();

    public Task<SendResult> AttemptAsync(SendResult request, CancellationToken cancellationToken) => Task.FromResult(request);

    public WhatsAppException? MapFailure(Exception exception) => null;

    public (string ChatId, string? Text) Describe(SendResult request) => (request.ChatId, null);
}
