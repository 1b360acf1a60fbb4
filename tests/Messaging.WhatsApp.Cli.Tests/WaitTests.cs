using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using NUnit.Framework;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Messaging.WhatsApp.Cli.Tests;

/// <summary>
/// A send with <c>--wait</c>: the send line, then the message's updates as JSON lines, and an exit code for what
/// arrived. In the sandbox the sandbox posts the notifications; with real credentials (a test WireMock server
/// standing in for the gateway) the test posts them to the printed URL, or the CLI polls GREEN-API's queue.
/// </summary>
[TestFixture]
public sealed class WaitTests
{
    private const string IdInstance = "1101000001";
    private const string Token = "d75b3a66374942c5b3c019c698abc2067e151558acbd412345";
    private const string ProductId = "11111111-2222-3333-4444-555555555555";
    private const string PhoneId = "12";
    private const string ApiKey = "test-maytapi-key-0000";
    private const string GreenApiWebhookToken = Recordings.GreenApiWebhookToken; // the recorded notifications present it
    private const string MaytapiWebhookSecret = "maytapi-webhook-secret-0000";
    private const string GreenApiMessageId = "BAE5F4886F6F2D05";
    private const string MaytapiMessageId = "7c9a2f10-0c1d-11ef-9e6b-8f2a3b4c5d6e";

    private WireMockServer _server = null!;

    [SetUp]
    public void StartServer()
    {
        _server = WireMockServer.Start();
        _server
            .Given(Request.Create().UsingPost().WithPath($"/waInstance{IdInstance}/sendMessage/{Token}"))
            .RespondWith(Json($$"""{"idMessage":"{{GreenApiMessageId}}"}"""));
        _server
            .Given(Request.Create().UsingPost().WithPath($"/api/{ProductId}/{PhoneId}/sendMessage"))
            .RespondWith(Json($$$"""{"success":true,"data":{"chatId":"905301234567@c.us","msgId":"{{{MaytapiMessageId}}}"}}"""));
    }

    [TearDown]
    public void StopServer() => _server.Dispose();

    [TestCase("green-api", "GREEN-API", SandboxTests.GreenApiMessageId, "sent", "delivered")]
    [TestCase("maytapi", "Maytapi", SandboxTests.MaytapiMessageId, "delivered", "reached")]
    public async Task Send_WaitInTheSandbox_PrintsTheSendLineThenSentAndDeliveredAndExits0(
        string provider, string name, string messageIdPattern, string sentWord, string deliveredWord)
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var run = await CliRun.RunAsync("--provider", provider, "--to", "+90 530 111 11 11", "--text", "Hello", "--wait", "30");

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.StdoutLines, Has.Length.EqualTo(3), run.ToString());
        Assert.That(run.StdoutLines[0], Does.Match($"^sent via {name} \\(sandbox\\): message {messageIdPattern} to 905301111111@c\\.us$"));
        var messageId = SandboxTests.MessageIdOf(run.StdoutLines[0]);
        var sent = Recordings.Parse(run.StdoutLines[1]);
        var delivered = Recordings.Parse(run.StdoutLines[2]);
        Assert.Multiple(() =>
        {
            foreach (var (update, status, word) in new[] { (sent, "sent", sentWord), (delivered, "delivered", deliveredWord) })
            {
                Assert.That((string?)update["provider"], Is.EqualTo(provider));
                Assert.That((string?)update["messageId"], Is.EqualTo(messageId));
                Assert.That((string?)update["chatId"], Is.EqualTo("905301111111@c.us"));
                Assert.That((string?)update["status"], Is.EqualTo(status));
                Assert.That((string?)update["providerStatus"], Is.EqualTo(word));
                Assert.That(update["error"]!.Type, Is.EqualTo(JTokenType.Null));
                var time = DateTimeOffset.ParseExact((string)update["time"]!, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                Assert.That(time, Is.InRange(before, DateTimeOffset.UtcNow.AddSeconds(1)), "the sandbox reports now");
            }

            Assert.That(run.StderrLines, Is.Not.Empty.And.All.StartWith("listening "), "no failure line");
            Assert.That(run.StderrLines, Has.One.Match($@"^listening for {provider} at http://127\.0\.0\.1:\d+/whatsapp/{provider}"));
        });
    }

    [Test]
    public async Task Send_WaitWithTheWebhook_PrintsOnlyThatMessagesUpdatesAndExits8WhenNoFinalStatusArrives()
    {
        await using var run = BackgroundRun.Start(
            GreenApiEnvironment(),
            "--provider", "green-api", "--to", "905301234567", "--text", "Hello", "--wait", "2", "--port", "0", "--public-url", "https://hooks.example.test");
        var url = await run.UrlForAsync("green-api");
        var local = new Uri(await run.LocalUrlAsync(), "whatsapp/green-api").AbsoluteUri;
        var sent = Recordings.Load("green-api-notifications/outgoing-status-sent.json");
        var delivered = Recordings.Load("green-api-notifications/outgoing-status-delivered.json");

        // Possibly before the send has returned the id: the CLI holds them until it knows which message is its own.
        var sentStatus = await WebhookPost.SendAsync(local, sent, WebhookPost.BodyAbout(sent, "idMessage", GreenApiMessageId));
        var otherStatus = await WebhookPost.SendAsync(local, delivered, WebhookPost.BodyAbout(delivered, "idMessage", "ANOTHER0MESSAGE0ID"));
        var exit = await run.ExitedAsync();

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(8), run.ToString());
            Assert.That(url, Is.EqualTo("https://hooks.example.test/whatsapp/green-api"));
            Assert.That(sentStatus, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(otherStatus, Is.EqualTo(HttpStatusCode.OK), "another message's update is acknowledged, not printed");
            Assert.That(run.Stdout.Lines, Has.Length.EqualTo(2), run.ToString());
            Assert.That(run.Stdout.Lines[0], Is.EqualTo($"sent via GREEN-API: message {GreenApiMessageId} to 905301234567@c.us"));
            Assert.That((string?)Recordings.Parse(run.Stdout.Lines[1])["status"], Is.EqualTo("sent"));
            Assert.That((string?)Recordings.Parse(run.Stdout.Lines[1])["messageId"], Is.EqualTo(GreenApiMessageId));
            Assert.That(run.Stderr.Lines.Last(), Does.StartWith("failed: waited 2 s: no final status for message " + GreenApiMessageId + " (last: sent)"));
            Assert.That(run.Stdout.Text + run.Stderr.Text, Does.Not.Contain(Token).And.Not.Contain(GreenApiWebhookToken));
        });
    }

    [Test]
    public async Task Send_WaitWithTheWebhook_MaytapiErrorForTheMessage_Exits7WithItsErrorAndTheSecretOnlyInTheUrl()
    {
        await using var run = BackgroundRun.Start(
            MaytapiEnvironment(),
            "--provider", "maytapi", "--to", "905301234567", "--text", "Hello", "--wait", "30", "--port", "0", "--public-url", "https://hooks.example.test");
        var url = await run.UrlForAsync("maytapi");
        var local = new Uri(await run.LocalUrlAsync(), "whatsapp/maytapi?secret=" + MaytapiWebhookSecret).AbsoluteUri;
        await run.Stdout.WaitForLineAsync(l => l.StartsWith("sent via", StringComparison.Ordinal), run.Exit);
        var error = Recordings.Load("maytapi-notifications/error-f04.json");

        var status = await WebhookPost.SendAsync(local, error, WebhookPost.BodyAbout(error, "id", MaytapiMessageId));
        var exit = await run.ExitedAsync();

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(exit, Is.EqualTo(7), run.ToString());
            Assert.That(url, Is.EqualTo("https://hooks.example.test/whatsapp/maytapi?secret=" + MaytapiWebhookSecret));
            Assert.That(run.Stdout.Lines, Has.Length.EqualTo(2), run.ToString());
            var failed = Recordings.Parse(run.Stdout.Lines[1]);
            Assert.That((string?)failed["status"], Is.EqualTo("failed"));
            Assert.That((string?)failed["providerStatus"], Is.EqualTo("F04"));
            Assert.That((string?)failed["error"], Is.EqualTo("Options are required."));
            Assert.That(run.Stderr.Lines.Last(), Is.EqualTo($"failed: Maytapi reports message {MaytapiMessageId} failed (F04): Options are required."));
            Assert.That(run.Stdout.Text, Does.Not.Contain(MaytapiWebhookSecret).And.Not.Contain(ApiKey));
            Assert.That(run.Stderr.Lines.Where(l => l.Contains(MaytapiWebhookSecret, StringComparison.Ordinal)), Is.EqualTo(new[] { "listening for maytapi at " + url }));
            Assert.That(run.Stderr.Text, Does.Not.Contain(ApiKey));
        });
    }

    [Test]
    public async Task Send_WaitCancelled_Exits8AndStopsTheEndpoint()
    {
        await using var run = BackgroundRun.Start(
            GreenApiEnvironment(),
            "--provider", "green-api", "--to", "905301234567", "--text", "Hello", "--wait", "600", "--port", "0", "--public-url", "https://hooks.example.test");
        var local = new Uri(await run.LocalUrlAsync(), "whatsapp/green-api").AbsoluteUri;
        await run.Stdout.WaitForLineAsync(l => l.StartsWith("sent via", StringComparison.Ordinal), run.Exit);

        var exit = await run.StopAsync();

        Assert.That(exit, Is.EqualTo(8), run.ToString());
        Assert.That(run.Stderr.Lines.Last(), Does.StartWith("failed: stopped waiting: no final status for message " + GreenApiMessageId + " (last: none)"));
        Assert.ThrowsAsync<System.Net.Http.HttpRequestException>(
            () => WebhookPost.SendAsync(local, Recordings.Load("green-api-notifications/outgoing-status-sent.json")));
    }

    [Test]
    public async Task Send_WaitGreenApiWithoutPort_PollsTheQueueAndExits0OnDelivered()
    {
        var delivered = Recordings.Load("green-api-notifications/outgoing-status-delivered.json");
        var notification = new JObject { ["receiptId"] = 7, ["body"] = WebhookPost.BodyAbout(delivered, "idMessage", GreenApiMessageId) };
        var receive = Request.Create().UsingGet().WithPath($"/waInstance{IdInstance}/receiveNotification/{Token}");
        _server.Given(receive).InScenario("queue").WillSetStateTo("empty").RespondWith(Json(notification.ToString()));
        _server.Given(receive).InScenario("queue").WhenStateIs("empty").RespondWith(Json("null"));
        // The poller deletes what it handled; the delete of the last one may be cut short when the wait ends.
        _server
            .Given(Request.Create().UsingDelete().WithPath($"/waInstance{IdInstance}/deleteNotification/{Token}/7"))
            .RespondWith(Json("""{"result":true}"""));
        var environment = GreenApiEnvironment();
        environment.Remove("GreenApi__WebhookToken");

        var run = await CliRun.RunAsync(environment, "--provider", "green-api", "--to", "905301234567", "--text", "Hello", "--wait", "30");

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            Assert.That(run.StdoutLines, Has.Length.EqualTo(2), run.ToString());
            Assert.That((string?)Recordings.Parse(run.StdoutLines[1])["status"], Is.EqualTo("delivered"));
            Assert.That(run.StderrLines[0], Does.StartWith("polling GREEN-API's notification queue").And.Contain("deletes every notification"));
            Assert.That(_server.LogEntries.Count(e => e.RequestMessage?.Path?.Contains("/sendMessage/", StringComparison.Ordinal) == true), Is.EqualTo(1));
            Assert.That(run.Stdout + run.Stderr, Does.Not.Contain(Token));
        });
    }

    [Test]
    public async Task Send_WaitPollingWithASenderTimeoutShorterThanTheLongPoll_Exits2AndSendsNothing()
    {
        var environment = GreenApiEnvironment();
        environment["GreenApi__Timeout"] = "00:00:10";

        var run = await CliRun.RunAsync(environment, "--provider", "green-api", "--to", "905301234567", "--text", "Hello", "--wait", "30");

        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.Stderr, Does.StartWith("failed: configuration: ").And.Contain("ReceiveTimeout"));
        Assert.That(_server.LogEntries, Is.Empty, "nothing was sent");
    }

    [TestCase("green-api")]
    [TestCase("maytapi")]
    public async Task Send_WaitInTheSandboxButTheSendIsRejected_ExitsWithTheSendsCodeAndPrintsNoUpdate(string provider)
    {
        var run = await CliRun.RunAsync("--provider", provider, "--to", "905301111111", "--text", "", "--wait", "30");

        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.Stdout, Is.Empty);
        Assert.That(run.StderrLines.Last(), Does.StartWith("failed: ").And.Contain("must not be empty"));
    }

    [Test]
    public async Task Send_WaitMaytapiWithoutPort_Exits2ExplainingTheWebhookAndSendsNothing()
    {
        var run = await CliRun.RunAsync(MaytapiEnvironment(), "--provider", "maytapi", "--to", "905301234567", "--text", "Hello", "--wait", "30");

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
            Assert.That(run.StderrLines, Has.Length.EqualTo(1));
            Assert.That(run.Stderr, Does.Contain("Maytapi__WebhookSecret").And.Contain("--port").And.Contain("--public-url"));
            Assert.That(run.Stdout, Is.Empty);
            Assert.That(_server.LogEntries, Is.Empty, "nothing was sent");
        });
    }

    [TestCase("GreenApi__WebhookToken", "--public-url", "https://hooks.example.test", "GreenApi__WebhookToken")]
    [TestCase(null, "--bind", "127.0.0.1", "--public-url")]
    public async Task Send_WaitWithPortButMissingWhatTheWebhookNeeds_Exits2AndSendsNothing(string? removed, string option, string value, string named)
    {
        var environment = GreenApiEnvironment();
        if (removed is not null)
        {
            environment.Remove(removed);
        }

        var run = await CliRun.RunAsync(environment, "--provider", "green-api", "--to", "905301234567", "--text", "Hello", "--wait", "30", "--port", "0", option, value);

        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.Stderr, Does.StartWith("failed: ").And.Contain(named));
        Assert.That(_server.LogEntries, Is.Empty, "nothing was sent");
    }

    private static IResponseBuilder Json(string body) =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body);

    private Dictionary<string, string?> GreenApiEnvironment() => new()
    {
        ["GreenApi__ApiUrl"] = _server.Url,
        ["GreenApi__IdInstance"] = IdInstance,
        ["GreenApi__ApiTokenInstance"] = Token,
        ["GreenApi__WebhookToken"] = GreenApiWebhookToken,
    };

    private Dictionary<string, string?> MaytapiEnvironment() => new()
    {
        ["Maytapi__ApiUrl"] = _server.Url + "/api/",
        ["Maytapi__ProductId"] = ProductId,
        ["Maytapi__PhoneId"] = PhoneId,
        ["Maytapi__ApiKey"] = ApiKey,
        ["Maytapi__WebhookSecret"] = MaytapiWebhookSecret,
    };
}
