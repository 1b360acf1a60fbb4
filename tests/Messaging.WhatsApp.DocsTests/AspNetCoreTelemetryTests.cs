using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using MyApp;
using NUnit.Framework;
using OpenTelemetry.Trace;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Messaging.WhatsApp.DocsTests;

/// <summary>
/// The telemetry lines of docs/sending.md in a real minimal-API app on Kestrel (loopback, a free port), set up with
/// the guides' own Program.cs snippets (<see cref="ProgramSnippets"/>) and configured by the very method that holds
/// the telemetry snippet (<see cref="TelemetrySnippets.AddTelemetry"/>), plus OpenTelemetry's in-memory exporter. A
/// request whose endpoint sends (to WireMock, answering as GREEN-API does) and a webhook POST must each export the
/// library's spans under the request's span. The same app with the lines the guide had before, without
/// <c>AddAspNetCoreInstrumentation()</c>, sends and receives as well but exports none of them.
/// </summary>
[NonParallelizable]
public sealed class AspNetCoreTelemetryTests
{
    private const string Token = "telemetry-docs-green-api-token-0001";
    private const string WebhookToken = "telemetry-docs-webhook-token-0001";
    private const string MessageId = "BAE5F4886F6F2D05";

    // GREEN-API's status notification, as recorded in specs/recordings/green-api-notifications/outgoing-status-delivered.json.
    private const string DeliveredNotification = """
        {"typeWebhook":"outgoingMessageStatus","chatId":"905301111111@c.us","instanceData":{"idInstance":1101000001,"wid":"71234567890@c.us","typeInstance":"whatsapp"},"timestamp":1705901095,"idMessage":"BAE5F4886F6F2D05","status":"delivered","sendByApi":true}
        """;

    private WireMockServer _gateway = null!;

    [OneTimeSetUp]
    public void StartGateway()
    {
        _gateway = WireMockServer.Start();
        _gateway.Given(Request.Create().WithPath("/waInstance1101000001/sendMessage/" + Token).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody($$"""{"idMessage":"{{MessageId}}"}"""));
    }

    [OneTimeTearDown]
    public void StopGateway() => _gateway.Dispose();

    [Test]
    public async Task DocumentedLines_SendAndWebhookInsideRequests_ExportLibrarySpansUnderTheRequestSpans()
    {
        var run = await RunAsync(TelemetrySnippets.AddTelemetry);

        var sendRequest = ServerSpan(run.Spans, "/orders/42/confirm");
        var webhookRequest = ServerSpan(run.Spans, "/whatsapp/green-api");
        var send = run.Spans.Where(a => a.OperationName == "whatsapp.send").ToList();
        var attempts = run.Spans.Where(a => a.Source.Name == "Messaging.WhatsApp" && a.Kind == ActivityKind.Client).ToList();
        var receive = run.Spans.Where(a => a.OperationName == "whatsapp.receive").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(run.SendAnswer, Is.EqualTo(MessageId), "the endpoint sent");
            Assert.That(run.Handled, Is.EqualTo(1), "the webhook reached the handler");
            Assert.That(send, Has.Count.EqualTo(1), Describe(run.Spans));
            Assert.That(attempts, Has.Count.EqualTo(1), Describe(run.Spans));
            Assert.That(receive, Has.Count.EqualTo(1), Describe(run.Spans));
        });

        Assert.Multiple(() =>
        {
            Assert.That(sendRequest, Is.Not.Null, "the send's request span: " + Describe(run.Spans));
            Assert.That(webhookRequest, Is.Not.Null, "the webhook's request span: " + Describe(run.Spans));
            Assert.That(send[0].ParentSpanId, Is.EqualTo(sendRequest?.SpanId), "whatsapp.send is a child of the request span");
            Assert.That(send[0].TraceId, Is.EqualTo(sendRequest?.TraceId), "in the request's trace");
            Assert.That(send[0].GetTagItem("whatsapp.outcome"), Is.EqualTo("success"));
            Assert.That(attempts[0].ParentSpanId, Is.EqualTo(send[0].SpanId), "the attempt is a child of whatsapp.send");
            Assert.That(attempts[0].DisplayName, Is.EqualTo("POST /waInstance{idInstance}/sendMessage/{apiTokenInstance}"));
            Assert.That(receive[0].ParentSpanId, Is.EqualTo(webhookRequest?.SpanId), "whatsapp.receive is a child of the webhook's request span");
            Assert.That(receive[0].TraceId, Is.EqualTo(webhookRequest?.TraceId));
            Assert.That(receive[0].GetTagItem("whatsapp.message_id"), Is.EqualTo(MessageId));
        });
    }

    [Test]
    public async Task WithoutTheInstrumentationLine_SendAndWebhookInsideRequests_ExportNoLibrarySpan()
    {
        // The lines the guide showed before: the library's source alone. ASP.NET Core's request activity exists but is
        // not recorded, and the default sampler drops its children.
        var run = await RunAsync(builder => builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource("Messaging.WhatsApp"))
            .WithMetrics(metrics => metrics.AddMeter("Messaging.WhatsApp")));

        Assert.Multiple(() =>
        {
            Assert.That(run.SendAnswer, Is.EqualTo(MessageId), "the endpoint sent");
            Assert.That(run.Handled, Is.EqualTo(1), "the webhook reached the handler");
            Assert.That(run.Spans.Where(a => a.OperationName == "whatsapp.send"), Is.Empty, Describe(run.Spans));
            Assert.That(run.Spans.Where(a => a.OperationName == "whatsapp.receive"), Is.Empty, Describe(run.Spans));
            Assert.That(run.Spans.Where(a => a.Source.Name == "Messaging.WhatsApp"), Is.Empty, Describe(run.Spans));
        });
    }

    /// <summary>
    /// Starts the app (the guides' registration and webhook lines, <paramref name="telemetry"/>, the in-memory
    /// exporter, and an endpoint that sends through the guides' <see cref="Notifier"/>), makes one request to that
    /// endpoint and one webhook POST, stops the app (so every request span has ended), and returns what was exported.
    /// </summary>
    private async Task<Run> RunAsync(Action<WebApplicationBuilder> telemetry)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        // An app's default logging stays on (it is why ASP.NET Core starts a request activity); only quieter.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GreenApi:ApiUrl"] = _gateway.Url,
            ["GreenApi:IdInstance"] = "1101000001",
            ["GreenApi:ApiTokenInstance"] = Token,
            ["GreenApi:WebhookToken"] = WebhookToken,
            ["Maytapi:WebhookSecret"] = "telemetry-docs-maytapi-secret-0001",
        });

        telemetry(builder);
        var spans = new List<Activity>();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
        var store = new CountingStore();
        builder.Services.AddSingleton<IMessageStore>(store);
        builder.Services.AddScoped<Notifier>();
        ProgramSnippets.Register(builder);
        var app = ProgramSnippets.Webhooks(builder);
        app.MapPost("/orders/{id}/confirm", (Notifier notifier, CancellationToken cancellationToken) =>
            notifier.NotifyAsync("+90 530 111 11 11", "Your order is confirmed", cancellationToken));

        string sendAnswer;
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri(address + "/"), Timeout = TimeSpan.FromSeconds(60) };
            using (var sent = await client.PostAsync(new Uri("orders/42/confirm", UriKind.Relative), null))
            {
                sendAnswer = await sent.Content.ReadAsStringAsync();
                Assert.That(sent.StatusCode, Is.EqualTo(HttpStatusCode.OK), sendAnswer);
            }

            using var webhook = new HttpRequestMessage(HttpMethod.Post, new Uri("whatsapp/green-api", UriKind.Relative))
            {
                Content = new StringContent(DeliveredNotification, Encoding.UTF8, "application/json"),
            };
            webhook.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", WebhookToken);
            using var received = await client.SendAsync(webhook);
            Assert.That(received.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        finally
        {
            // Stopping waits for the requests in progress, so each request span has ended and been exported.
            await app.StopAsync();
            app.Services.GetRequiredService<TracerProvider>().ForceFlush();
            await app.DisposeAsync();
        }

        return new Run(sendAnswer, store.Recorded, spans);
    }

    /// <summary>The ASP.NET Core span of the request to <paramref name="path"/>, or null when none was exported.</summary>
    private static Activity? ServerSpan(List<Activity> spans, string path) =>
        spans.SingleOrDefault(a => a.Source.Name == "Microsoft.AspNetCore" && a.Kind == ActivityKind.Server && Equals(a.GetTagItem("url.path"), path));

    private static string Describe(List<Activity> spans) =>
        "exported: " + (spans.Count == 0 ? "nothing" : string.Join("; ", spans.Select(a => $"{a.Source.Name} '{a.DisplayName}' {a.Kind} {a.SpanId} parent {a.ParentSpanId}")));

    private sealed record Run(string SendAnswer, int Handled, List<Activity> Spans);

    /// <summary>The app's store of the guides' delivery-status handler: counts the reports it records.</summary>
    private sealed class CountingStore : IMessageStore
    {
        private int _recorded;

        public int Recorded => Volatile.Read(ref _recorded);

        public Task<bool> TryRecordAsync(string deduplicationKey, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _recorded);
            return Task.FromResult(true);
        }

        public Task<WhatsAppMessageStatus> StatusOfAsync(string messageId, CancellationToken cancellationToken) =>
            Task.FromResult(WhatsAppMessageStatus.Sent);

        public Task SetStatusAsync(string messageId, WhatsAppMessageStatus status, string? reason, CancellationToken cancellationToken) =>
            Task.CompletedTask;
    }
}
