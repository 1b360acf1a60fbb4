using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using NUnit.Framework;

namespace Messaging.WhatsApp.Cli.Tests;

/// <summary>
/// <c>listen</c> runs the SDK's webhook endpoints on a real Kestrel port: real requests, carrying the recorded
/// notifications, come in, and JSON lines come out.
/// </summary>
[TestFixture]
public sealed class ListenTests
{
    private const string GreenApiToken = "green-webhook-token-never-printed";
    private const string MaytapiSecret = "maytapi-secret-only-in-its-url";
    private const string WrongSecret = "wrong-secret-of-the-same-size";

    private static readonly string[] LineFields = ["provider", "messageId", "chatId", "status", "providerStatus", "error", "time"];

    private static IEnumerable<string> RecordedNotifications() => Recordings.Notifications();

    [Test]
    public async Task Listen_BothWebhookCredentials_PrintsOneUrlPerProviderWithTheSecretOnlyInMaytapis()
    {
        await using var run = BackgroundRun.Start(
            new Dictionary<string, string?> { ["GreenApi__WebhookToken"] = GreenApiToken, ["Maytapi__WebhookSecret"] = MaytapiSecret },
            "listen", "--port", "0");

        var local = await run.LocalUrlAsync();
        var greenApi = await run.UrlForAsync("green-api");
        var maytapi = await run.UrlForAsync("maytapi");
        var exit = await run.StopAsync();

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(0), run.ToString());
            Assert.That(local.Host, Is.EqualTo("127.0.0.1"), "loopback unless --bind says otherwise");
            Assert.That(local.Port, Is.Not.Zero, "--port 0 prints the port it picked");
            Assert.That(greenApi, Is.EqualTo($"http://127.0.0.1:{local.Port}/whatsapp/green-api"));
            Assert.That(maytapi, Is.EqualTo($"http://127.0.0.1:{local.Port}/whatsapp/maytapi?secret={MaytapiSecret}"));
            Assert.That(run.Stderr.Lines.Count(l => l.StartsWith("listening for ", StringComparison.Ordinal)), Is.EqualTo(2));
            Assert.That(run.Stderr.Text, Does.Not.Contain(GreenApiToken));
            Assert.That(run.Stderr.Lines.Where(l => l.Contains(MaytapiSecret, StringComparison.Ordinal)), Is.EqualTo(new[] { "listening for maytapi at " + maytapi }));
            Assert.That(run.Stdout.Text, Is.Empty);
        });
    }

    [Test]
    public async Task Listen_PublicUrl_ProviderUrlsUseItAndTheLocalAddressIsPrintedApart()
    {
        await using var run = BackgroundRun.Start(
            new Dictionary<string, string?> { ["GreenApi__WebhookToken"] = GreenApiToken },
            "listen", "--port", "0", "--public-url", "https://abc.ngrok.app/");

        var local = await run.LocalUrlAsync();
        var greenApi = await run.UrlForAsync("green-api");

        Assert.That(greenApi, Is.EqualTo("https://abc.ngrok.app/whatsapp/green-api"));
        Assert.That(local.AbsoluteUri, Does.StartWith("http://127.0.0.1:"));
        Assert.That(run.Stderr.Lines.Count(l => l.StartsWith("listening for ", StringComparison.Ordinal)), Is.EqualTo(1), "only providers with a webhook credential");
    }

    [TestCaseSource(nameof(RecordedNotifications))]
    public async Task Listen_RecordedNotificationPostedToThePrintedUrl_PrintsItsUpdatesAsJsonLines(string name)
    {
        var recording = Recordings.Load(name);
        await using var run = BackgroundRun.Start(Recordings.WebhookEnvironment(), "listen", "--port", "0");
        var url = await run.UrlForAsync(Recordings.ProviderOf(name));

        var status = await WebhookPost.SendAsync(url, recording);

        // Every field of the recorded updates but the instance, which the CLI does not print.
        var expected = ((JArray)recording["updates"]!).Cast<JObject>().Select(u =>
        {
            u.Remove("instance");
            return u;
        }).ToList();
        var printed = run.Stdout.Lines.Select(Recordings.Parse).ToList();
        Assert.Multiple(() =>
        {
            Assert.That((int)status, Is.EqualTo((int)recording["response"]!["status"]!));
            Assert.That(new Uri(url).AbsolutePath, Is.EqualTo((string)recording["request"]!["path"]!), "the printed URL is the recorded endpoint");
            Assert.That(printed, Has.Count.EqualTo(expected.Count), run.ToString());
            for (var i = 0; i < Math.Min(printed.Count, expected.Count); i++)
            {
                Assert.That(JToken.DeepEquals(printed[i], expected[i]), Is.True, $"line {i}: {printed[i]} expected {expected[i]}");
                Assert.That(printed[i].Properties().Select(p => p.Name), Is.EqualTo(LineFields), "the fields, in order");
            }
        });
    }

    [TestCase("Bearer wrong-token")]
    [TestCase(null)]
    public async Task Listen_GreenApiWithoutTheToken_Answers401AndPrintsNothing(string? authorization)
    {
        var recording = Recordings.Load("green-api-notifications/outgoing-status-delivered.json");
        await using var run = BackgroundRun.Start(Recordings.WebhookEnvironment(), "listen", "--port", "0");
        var url = await run.UrlForAsync("green-api");

        var status = await WebhookPost.SendWithAuthorizationAsync(url, recording, authorization);

        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(run.Stdout.Text, Is.Empty);
    }

    [TestCase(WrongSecret)]
    [TestCase("")]
    public async Task Listen_MaytapiUrlWithoutTheSecret_Answers401AndPrintsNothing(string secret)
    {
        var recording = Recordings.Load("maytapi-notifications/ack-delivered.json");
        await using var run = BackgroundRun.Start(Recordings.WebhookEnvironment(), "listen", "--port", "0");
        var url = await run.UrlForAsync("maytapi");
        var withoutSecret = url[..url.IndexOf('?', StringComparison.Ordinal)];

        var status = await WebhookPost.SendAsync(secret.Length == 0 ? withoutSecret : withoutSecret + "?secret=" + secret, recording);

        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(run.Stdout.Text, Is.Empty);
        Assert.That(run.Stderr.Text, Does.Not.Contain(WrongSecret), "a presented secret is not logged");
    }

    [Test]
    public async Task Listen_Cancelled_Exits0AndClosesThePort()
    {
        var run = BackgroundRun.Start(Recordings.WebhookEnvironment(), "listen", "--port", "0");
        await using (run)
        {
            var url = await run.UrlForAsync("green-api");

            var exit = await run.StopAsync();

            Assert.That(exit, Is.EqualTo(0), run.ToString());
            Assert.ThrowsAsync<HttpRequestException>(
                () => WebhookPost.SendAsync(url, Recordings.Load("green-api-notifications/outgoing-status-sent.json")));
        }
    }

    [Test]
    public async Task Listen_NoWebhookCredentials_Exits2NamingTheSettings()
    {
        // Sending credentials do not make a webhook.
        var run = await CliRun.RunAsync(
            new Dictionary<string, string?> { ["GreenApi__IdInstance"] = "1101000001", ["GreenApi__ApiTokenInstance"] = "token-for-sending-only" },
            "listen", "--port", "0");

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
            Assert.That(run.StderrLines, Has.Length.EqualTo(1));
            Assert.That(run.Stderr, Does.StartWith("failed: ").And.Contain("GreenApi__WebhookToken").And.Contain("Maytapi__WebhookSecret"));
            Assert.That(run.Stdout, Is.Empty);
        });
    }

    [Test]
    public async Task Listen_MaytapiSecretTooShort_Exits2WithoutPrintingIt()
    {
        const string shortSecret = "short-secret";
        var run = await CliRun.RunAsync(new Dictionary<string, string?> { ["Maytapi__WebhookSecret"] = shortSecret }, "listen", "--port", "0");

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
            Assert.That(run.Stderr, Does.StartWith("failed: configuration: ").And.Contain("WebhookSecret must be at least 16 characters"));
            Assert.That(run.Stderr + run.Stdout, Does.Not.Contain(shortSecret));
        });
    }

    [Test]
    public async Task Listen_PortInUse_Exits2()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var run = await CliRun.RunAsync(Recordings.WebhookEnvironment(), "listen", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.Stderr, Does.StartWith("failed: ").And.Contain(port.ToString(System.Globalization.CultureInfo.InvariantCulture)).And.Contain("--port"));
        Assert.That(run.Stderr, Does.Not.Contain("listening for"));
    }
}
