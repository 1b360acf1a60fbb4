using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp;
using Messaging.WhatsApp.GreenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Messaging.WhatsApp.ConsumerTests;

/// <summary>What another team does with the packages: install, register through DI, send.</summary>
public sealed class ConsumerTests
{
    private const string Token = "d75b3a66374942c5b3c019c698abc2067e151558acbd412345";
    private const string MaytapiKey = "consumer-test-key";
    private const string ProductId = "11111111-2222-3333-4444-555555555555";

    private WireMockServer _server = null!;

    [OneTimeSetUp]
    public void Start() => _server = WireMockServer.Start();

    [OneTimeTearDown]
    public void Stop() => _server.Dispose();

    [SetUp]
    public void Reset() => _server.Reset();

    [TestCase("Messaging.WhatsApp")]
    [TestCase("Messaging.WhatsApp.Maytapi")]
    [TestCase("Messaging.WhatsApp.GreenApi")]
    [TestCase("Messaging.WhatsApp.AspNetCore")]
    [TestCase("Messaging.WhatsApp.Redis")]
    public void Package_Restored_ComesFromTheFeedNotFromAProject(string id)
    {
        // The deps file records how each library was resolved: "package" or "project".
        var deps = Path.Combine(AppContext.BaseDirectory, "Messaging.WhatsApp.ConsumerTests.deps.json");
        var libraries = JsonDocument.Parse(File.ReadAllText(deps)).RootElement.GetProperty("libraries");
        var library = libraries.EnumerateObject().Single(l => l.Name.StartsWith(id + "/", StringComparison.Ordinal));

        Assert.Multiple(() =>
        {
            Assert.That(library.Value.GetProperty("type").GetString(), Is.EqualTo("package"));
            Assert.That(library.Name, Does.StartWith(id + "/1."), "the 1.x packages");
        });
    }

    [Test]
    public async Task GreenApi_RegisteredFromConfiguration_SendsAndReturnsTheMessageId()
    {
        _server.Given(Request.Create().WithPath($"/waInstance1101000001/sendMessage/{Token}").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"idMessage":"BAE5F4886F6F2D05"}"""));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GreenApi:ApiUrl"] = _server.Url,
            ["GreenApi:IdInstance"] = "1101000001",
            ["GreenApi:ApiTokenInstance"] = Token,
        }).Build();
        var services = new ServiceCollection();
        services.AddGreenApi(configuration.GetSection(GreenApiOptions.DefaultSectionName));
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        var result = await provider.GetRequiredService<IWhatsAppSender>().SendTextAsync(ChatAddress.Parse("+90 530 111 11 11"), "Hello from a consumer");

        var request = _server.LogEntries.Single().RequestMessage!;
        Assert.Multiple(() =>
        {
            Assert.That(result.MessageId, Is.EqualTo("BAE5F4886F6F2D05"));
            Assert.That(result.ChatId, Is.EqualTo("905301111111@c.us"));
            Assert.That(request.Body, Does.Contain("\"chatId\":\"905301111111@c.us\""));
        });
    }

    [Test]
    public async Task Maytapi_Registered_SendsAMediaMessageWithTheKeyHeader()
    {
        _server.Given(Request.Create().WithPath($"/api/{ProductId}/12/sendMessage").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"success":true,"data":{"chatId":"905301234567@c.us","msgId":"a6f1e2d0"}}"""));
        var services = new ServiceCollection();
        services.AddMaytapi(o =>
        {
            o.ApiUrl = new Uri(_server.Url + "/api/");
            o.ProductId = ProductId;
            o.PhoneId = "12";
            o.ApiKey = MaytapiKey;
        });
        await using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<Maytapi.IMaytapiSender>().SendAsync(
            new Maytapi.MediaMessage { ToNumber = "905301234567", Message = "https://example.com/invoice.pdf", Filename = "invoice.pdf" });

        var request = _server.LogEntries.Single().RequestMessage!;
        Assert.Multiple(() =>
        {
            Assert.That(result.MessageId, Is.EqualTo("a6f1e2d0"));
            Assert.That(request.Headers!["x-maytapi-key"].ToString(), Is.EqualTo(MaytapiKey));
            Assert.That(request.Body, Does.Contain("\"type\":\"media\""));
        });
    }

    [Test]
    public void GreenApi_WithTheRedisRateLimiter_StoreUnreachable_FailsTypedAndSendsNothing()
    {
        _server.Given(Request.Create().WithPath($"/waInstance1101000001/sendMessage/{Token}").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new { idMessage = "NEVER" }));
        using var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var services = new ServiceCollection();
        services.AddGreenApi(o =>
        {
            o.ApiUrl = new Uri(_server.Url!);
            o.IdInstance = 1101000001;
            o.ApiTokenInstance = Token;
            o.Retry.Enabled = false;
        }).UseRedisRateLimiter($"127.0.0.1:{port}", o => o.StoreTimeout = TimeSpan.FromMilliseconds(500));
        using var provider = services.BuildServiceProvider();

        var error = Assert.ThrowsAsync<WhatsAppRateLimitedException>(
            () => provider.GetRequiredService<IWhatsAppSender>().SendTextAsync(ChatAddress.Parse("905301234567"), "hi"))!;

        Assert.That(error.IsSafeToRetry, Is.True);
        Assert.That(error.Message, Does.Contain("nothing was sent"));
        Assert.That(_server.LogEntries, Is.Empty, "no send without a permit from the store");
    }

    [Test]
    public void Maytapi_HttpTwoHundredWithSuccessFalse_ThrowsTypedError()
    {
        _server.Given(Request.Create().WithPath($"/api/{ProductId}/12/sendMessage").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"success":false,"message":"Lib not loaded","code":"W05"}"""));
        var services = new ServiceCollection();
        services.AddMaytapi(o =>
        {
            o.ApiUrl = new Uri(_server.Url + "/api/");
            o.ProductId = ProductId;
            o.PhoneId = "12";
            o.ApiKey = MaytapiKey;
            o.Retry.Enabled = false;
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.ThrowsAsync<WhatsAppInstanceNotReadyException>(
            () => provider.GetRequiredService<IWhatsAppSender>().SendTextAsync(ChatAddress.Parse("905301234567"), "hi"))!;

        Assert.That(error.ProviderCode, Is.EqualTo("W05"));
    }

    [Test]
    public async Task Webhooks_MappedInAnAspNetCoreApp_DeliverBothGatewaysUpdatesToTheHandler()
    {
        const string webhookToken = "consumer-webhook-token";
        const string webhookSecret = "consumer-webhook-secret-0123456789";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddGreenApiWebhook(o => o.WebhookToken = webhookToken);
        builder.Services.AddMaytapiWebhook(o => o.WebhookSecret = webhookSecret);
        builder.Services.AddSingleton<Updates>();
        builder.Services.AddWhatsAppUpdateHandler<RecordingHandler>();
        await using var app = builder.Build();
        app.MapWhatsAppWebhooks();
        await app.StartAsync();
        var root = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var http = new HttpClient { BaseAddress = new Uri(root) };

        using var green = new HttpRequestMessage(HttpMethod.Post, "/whatsapp/green-api")
        {
            Content = new StringContent(
                """{"typeWebhook":"outgoingMessageStatus","instanceData":{"idInstance":1101000001,"wid":"79001234567@c.us","typeInstance":"whatsapp"},"timestamp":1705901090,"chatId":"79001234568@c.us","idMessage":"BAE5F4886F6F2D05","status":"delivered","sendByApi":true}""",
                Encoding.UTF8,
                "application/json"),
        };
        green.Headers.TryAddWithoutValidation("Authorization", "Bearer " + webhookToken);
        using var greenAnswer = await http.SendAsync(green);
        using var maytapiAnswer = await http.PostAsync(
            "/whatsapp/maytapi?secret=" + webhookSecret,
            new StringContent("""{"type":"ack","product_id":"p","phone_id":12,"data":[{"msgId":"a6f1e2d0","chatId":"905301234567@c.us","ackType":"seen","ackCode":3,"time":1710342107}]}""", Encoding.UTF8, "application/json"));
        using var refused = await http.PostAsync("/whatsapp/maytapi?secret=wrong-secret-0123456789", new StringContent("{}", Encoding.UTF8, "application/json"));
        await app.StopAsync();

        var updates = app.Services.GetRequiredService<Updates>().All;
        Assert.Multiple(() =>
        {
            Assert.That(greenAnswer.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(maytapiAnswer.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(updates.Select(u => (u.Provider.Name, u.MessageId, u.Status)), Is.EquivalentTo(new[]
            {
                ("green-api", "BAE5F4886F6F2D05", WhatsAppMessageStatus.Delivered),
                ("maytapi", "a6f1e2d0", WhatsAppMessageStatus.Read),
            }));
        });
    }

    private sealed class Updates
    {
        private readonly List<WhatsAppUpdate> _all = [];

        public IReadOnlyList<WhatsAppUpdate> All
        {
            get
            {
                lock (_all)
                {
                    return _all.ToList();
                }
            }
        }

        public void Add(WhatsAppUpdate update)
        {
            lock (_all)
            {
                _all.Add(update);
            }
        }
    }

    private sealed class RecordingHandler(Updates updates) : IWhatsAppUpdateHandler
    {
        public Task HandleAsync(WhatsAppUpdate update, CancellationToken cancellationToken)
        {
            updates.Add(update);
            return Task.CompletedTask;
        }
    }
}
