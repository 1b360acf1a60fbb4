using System;
using System.Net.Http;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.WhatsApp.Benchmarks;

/// <summary>Every way of sending measured, over one transport: in memory, or a server at <c>root</c>.</summary>
public sealed class Clients : IDisposable
{
    private static readonly ChatAddress Chat = ChatAddress.Parse(Wire.ToNumber);

    private readonly HttpClient _maytapiHttp;
    private readonly HttpClient _greenApiHttp;
    private readonly Uri _maytapiAddress;
    private readonly Uri _greenApiAddress;
    private readonly MaytapiClient _maytapiClient;
    private readonly GreenApiClient _greenApiClient;
    private readonly ServiceProvider _services;
    private readonly IWhatsAppSender _maytapiSender;
    private readonly IWhatsAppSender _greenApiSender;

    /// <param name="root">The server's root URL, or null for the in-memory transport.</param>
    public Clients(Uri? root)
    {
        var serverRoot = root ?? new Uri("http://in-memory.invalid/");
        HttpMessageHandler Handler() => root is null ? new CannedHandler() : new SocketsHttpHandler();

        _maytapiHttp = new HttpClient(Handler()) { BaseAddress = Wire.MaytapiBase(serverRoot) };
        _greenApiHttp = new HttpClient(Handler()) { BaseAddress = serverRoot };
        _maytapiAddress = Baselines.MaytapiAddress(_maytapiHttp.BaseAddress);
        _greenApiAddress = Baselines.GreenApiAddress(_greenApiHttp.BaseAddress);
        _maytapiClient = new MaytapiClient(_maytapiHttp, Wire.MaytapiKey);
        _greenApiClient = new GreenApiClient(_greenApiHttp);

        var services = new ServiceCollection();
        var maytapi = services.AddMaytapi("bench", o =>
        {
            o.ApiUrl = new Uri(serverRoot, "api/");
            o.ProductId = Wire.ProductId;
            o.PhoneId = Wire.PhoneId;
            o.ApiKey = Wire.MaytapiKey;
        });
        var greenApi = services.AddGreenApi("bench", o =>
        {
            o.ApiUrl = serverRoot;
            o.IdInstance = Wire.IdInstance;
            o.ApiTokenInstance = Wire.Token;

            // The limiter stays on, so its cost is measured, but far above what a benchmark sends.
            o.MaxSendsPerSecond = 10_000_000;
        });
        if (root is null)
        {
            maytapi.ConfigurePrimaryHttpMessageHandler(() => new CannedHandler());
            greenApi.ConfigurePrimaryHttpMessageHandler(() => new CannedHandler());
        }

        _services = services.BuildServiceProvider();
        _maytapiSender = _services.GetRequiredKeyedService<IMaytapiSender>("bench");
        _greenApiSender = _services.GetRequiredKeyedService<IGreenApiSender>("bench");
    }

    public Task<string> MaytapiStj() => Baselines.MaytapiStjAsync(_maytapiHttp, _maytapiAddress);

    public Task<string> MaytapiStjJsonContent() => Baselines.MaytapiStjJsonContentAsync(_maytapiHttp, _maytapiAddress);

    public Task<string> MaytapiNewtonsoftStrings() => Baselines.MaytapiNewtonsoftStringsAsync(_maytapiHttp, _maytapiAddress);

    public Task<string> MaytapiNewtonsoft() => Baselines.MaytapiNewtonsoftAsync(_maytapiHttp, _maytapiAddress);

    public async Task<string> MaytapiGenerated()
    {
        var answer = await _maytapiClient.SendMessageAsync(Wire.PhoneId, new TextMessage { ToNumber = Wire.ToNumber, Message = Wire.Text });
        return answer.Data?.MsgId ?? throw new InvalidOperationException("Maytapi send failed");
    }

    public async Task<string> MaytapiFacade() => (await _maytapiSender.SendTextAsync(Chat, Wire.Text)).MessageId;

    public Task<string> GreenApiStj() => Baselines.GreenApiStjAsync(_greenApiHttp, _greenApiAddress);

    public Task<string> GreenApiStjJsonContent() => Baselines.GreenApiStjJsonContentAsync(_greenApiHttp, _greenApiAddress);

    public Task<string> GreenApiNewtonsoftStrings() => Baselines.GreenApiNewtonsoftStringsAsync(_greenApiHttp, _greenApiAddress);

    public Task<string> GreenApiNewtonsoft() => Baselines.GreenApiNewtonsoftAsync(_greenApiHttp, _greenApiAddress);

    public async Task<string> GreenApiGenerated()
    {
        var answer = await _greenApiClient.SendMessageAsync(Wire.IdInstance, Wire.Token, new Messaging.WhatsApp.GreenApi.GreenApiSendMessageRequest { ChatId = Wire.ChatId, Message = Wire.Text });
        return answer.IdMessage ?? throw new InvalidOperationException("GREEN-API send failed");
    }

    public async Task<string> GreenApiFacade() => (await _greenApiSender.SendTextAsync(Chat, Wire.Text)).MessageId;

    /// <summary>The variants by name, for the throughput mode.</summary>
    public Func<Task<string>> ByName(string name) => name switch
    {
        "maytapi-stj" => MaytapiStj,
        "maytapi-stj-jsoncontent" => MaytapiStjJsonContent,
        "maytapi-newtonsoft" => MaytapiNewtonsoft,
        "maytapi-newtonsoft-strings" => MaytapiNewtonsoftStrings,
        "maytapi-generated" => MaytapiGenerated,
        "maytapi-facade" => MaytapiFacade,
        "greenapi-stj" => GreenApiStj,
        "greenapi-stj-jsoncontent" => GreenApiStjJsonContent,
        "greenapi-newtonsoft" => GreenApiNewtonsoft,
        "greenapi-newtonsoft-strings" => GreenApiNewtonsoftStrings,
        "greenapi-generated" => GreenApiGenerated,
        "greenapi-facade" => GreenApiFacade,
        _ => throw new ArgumentException($"unknown variant {name}", nameof(name)),
    };

    public static readonly string[] Names =
    [
        "maytapi-stj", "maytapi-stj-jsoncontent", "maytapi-newtonsoft", "maytapi-newtonsoft-strings", "maytapi-generated", "maytapi-facade",
        "greenapi-stj", "greenapi-stj-jsoncontent", "greenapi-newtonsoft", "greenapi-newtonsoft-strings", "greenapi-generated", "greenapi-facade",
    ];

    public void Dispose()
    {
        _maytapiHttp.Dispose();
        _greenApiHttp.Dispose();
        _services.Dispose();
    }
}
