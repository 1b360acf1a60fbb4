using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Receiving;

/// <summary>
/// Requests found by an independent review: a body whose framing breaks or that stalls after authentication
/// (answered as Kestrel would, with nothing escaping the endpoint as an unhandled exception), and Maytapi's
/// secret in the URL of a request the endpoint refuses (another method, the secret under another name), which
/// must still be kept out of the exported request span.
/// </summary>
[NonParallelizable]
public sealed class WebhookHostileRequestTests
{
    private const string Token = "hostile-green-token-0001";
    private const string Secret = "hostile-maytapi-secret-0001";
    private const string MaytapiAck = """{"type":"ack","product_id":"p","phone_id":47309,"data":[{"msgId":"m1","chatId":"1@g.us","ackType":"delivered","ackCode":1,"time":1710342107}]}""";

    private static Task<WebhookHost> StartAsync() => WebhookHost.StartAsync(services =>
    {
        services.AddGreenApiWebhook(o => o.WebhookToken = Token);
        services.AddMaytapiWebhook(o => o.WebhookSecret = Secret);
    });

    /// <summary>The calls' statuses, and the host's request spans with OpenTelemetry's query redaction switched off.</summary>
    private static async Task<(List<Activity> Requests, List<HttpStatusCode> Statuses)> ExportAsync(params (string Method, string Path)[] calls)
    {
        var statuses = new List<HttpStatusCode>();
        var requests = await ExportedRequestSpans.OfAsync(queryRedactionOff: true, StartAsync, async host =>
        {
            foreach (var (method, path) in calls)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/'));
                if (method == "POST")
                {
                    request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(MaytapiAck));
                }

                using var response = await host.Client.SendAsync(request);
                statuses.Add(response.StatusCode);
            }
        });
        return (requests, statuses);
    }

    [TestCase("GET")]
    [TestCase("HEAD")]
    [TestCase("OPTIONS")]
    [TestCase("PUT")]
    [TestCase("DELETE")]
    public async Task Request_OtherMethodWithTheSecret_405AndSecretInNoExportedSpan(string method)
    {
        var (requests, statuses) = await ExportAsync((method, "/whatsapp/maytapi?secret=" + Secret));

        Assert.Multiple(() =>
        {
            Assert.That(statuses.Single(), Is.EqualTo(HttpStatusCode.MethodNotAllowed));
            Assert.That(requests.Single().GetTagItem("url.query"), Is.EqualTo("?secret=REDACTED"));
            Assert.That(SecretEncodings.Find(Secret, ExportedRequestSpans.Everything(requests)), Is.Empty);
        });
    }

    [TestCase("/whatsapp/maytapi?%C5%BFecret={0}", TestName = "Post_SecretUnderALongSName_401AndSecretInNoExportedSpan")]
    [TestCase("/whatsapp/maytapi?token={0}", TestName = "Post_SecretUnderAnotherName_401AndSecretInNoExportedSpan")]
    [TestCase("/whatsapp/maytapi?secret=%{1}", TestName = "Post_SecretPercentEncodedTwice_401AndSecretInNoExportedSpan")]
    [TestCase("/whatsapp/maytapi?x=1&{0}", TestName = "Post_SecretAsABareParameter_401AndSecretInNoExportedSpan")]
    public async Task Post_SecretElsewhereInTheQuery_401AndSecretInNoExportedSpan(string target)
    {
        var encodedTwice = string.Concat(Secret.Select(c => "25" + ((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture) + "%"))[..^1];
        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, target, Secret, encodedTwice);

        var (requests, statuses) = await ExportAsync(("POST", path));

        Assert.Multiple(() =>
        {
            Assert.That(statuses.Single(), Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(SecretEncodings.Find(Secret, ExportedRequestSpans.Everything(requests)), Is.Empty);
        });
    }

    [Test]
    public async Task Post_AuthenticatedBodyWithABadChunk_400NothingDispatchedNoUnhandledException()
    {
        await using var host = await StartAsync();
        await using var client = await RawHttpClient.ConnectAsync(host.BaseUrl);
        await client.WriteAsync(RawHttpClient.Head("POST", "/whatsapp/maytapi?secret=" + Secret, ("Transfer-Encoding", "chunked")));
        await client.WriteAsync("zz\r\n{}\r\n0\r\n\r\n");

        var response = await client.ReadResponseAsync();
        await Task.Delay(300);

        Assert.Multiple(() =>
        {
            Assert.That(response?.Status, Is.EqualTo(400));
            Assert.That(host.Received.Notifications, Is.Empty);
            Assert.That(host.Logs.Entries.Where(e => e.Level >= LogLevel.Error), Is.Empty, "no unhandled exception");
        });
    }

    [Test]
    public async Task Post_AuthenticatedBodyStallsMidway_KestrelsRequestTimeoutNothingDispatchedNoUnhandledException()
    {
        await using var host = await StartAsync();
        await using var client = await RawHttpClient.ConnectAsync(host.BaseUrl);
        var body = Encoding.UTF8.GetBytes(MaytapiAck);
        await client.WriteAsync(RawHttpClient.Head("POST", "/whatsapp/maytapi?secret=" + Secret, ("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        await client.WriteAsync(body[..10]);

        // Kestrel's MinRequestBodyDataRate (240 B/s after a 5 s grace) ends the upload with a 408.
        var response = await client.ReadResponseAsync();
        await Task.Delay(300);

        Assert.Multiple(() =>
        {
            Assert.That(response?.Status, Is.EqualTo(408));
            Assert.That(host.Received.Notifications, Is.Empty);
            Assert.That(host.Logs.Entries.Where(e => e.Level >= LogLevel.Error), Is.Empty, "no unhandled exception");
        });
    }
}
