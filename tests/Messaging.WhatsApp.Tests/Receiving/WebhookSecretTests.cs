using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Receiving;

/// <summary>
/// The webhook token and Maytapi's secret query parameter never appear, in any encoding, in what the app's host writes
/// or exports while receiving: log messages and their values at Trace (ASP.NET Core's own categories included),
/// spans of every source (names, tags, events), metric tags, and the options' ToString(). Every outcome is
/// exercised: accepted, refused with near misses that contain the secret, malformed, oversized, a handler that
/// throws, another method, another path.
/// </summary>
[NonParallelizable]
public sealed class WebhookSecretTests
{
    /// <summary>A token with characters that every encoding treats differently.</summary>
    private const string Token = "gr33n+Tok/en=&<q>\"x\"%7E";

    private const string Secret = "mAyT4pi-S3cret_value.~x9";

    /// <summary>The test's own HTTP client plays the gateway: its spans carry the URL it calls, as the gateway's would.</summary>
    private static readonly string[] GatewaySide = ["System.Net.Http", "Experimental.System.Net"];

    public static IEnumerable<TestCaseData> Providers()
    {
        yield return new TestCaseData("green-api", Token).SetArgDisplayNames("green-api");
        yield return new TestCaseData("maytapi", Secret).SetArgDisplayNames("maytapi");
    }

    [TestCaseSource(nameof(Providers))]
    public async Task Receive_EveryOutcomeLoggedAtTrace_SecretInNoMessageValueScopeOrException(string provider, string secret)
    {
        var host = await StartAsync();
        await using (host)
        {
            await ExerciseAsync(host, provider);
        }

        // Read after the host stopped: Kestrel stops once every request is done, so the host's "Request finished"
        // lines (written after the answer has gone out) are in. Scopes included: ASP.NET Core opens one per request with its path (RequestPath), which is why Maytapi's
        // secret is a query parameter and not a path segment.
        var leaks = SecretEncodings.Find(secret, host.Logs.Entries.SelectMany(e => e.Everything.Select(t => $"{e.Category} {e.Level}: {t}")));
        Assert.Multiple(() =>
        {
            Assert.That(host.Logs.Entries.Count(e => e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) && e.Level <= LogLevel.Debug), Is.GreaterThan(0), "ASP.NET Core's own categories were logged at Trace and Debug");
            Assert.That(host.Logs.Entries.Count(e => e.Category == "Messaging.WhatsApp.Receiving"), Is.GreaterThanOrEqualTo(5), "the library logged the outcomes");
            Assert.That(leaks, Is.Empty);
        });
    }

    [TestCaseSource(nameof(Providers))]
    public async Task Receive_EveryOutcomeWithOpenTelemetryAndEveryListener_SecretInNoSpanOrMetric(string provider, string secret)
    {
        using var capture = new TelemetryCapture();
        await using (var host = await StartAsync())
        {
            await ExerciseAsync(host, provider);
        }

        var everything = capture.Everything(GatewaySide);
        Assert.Multiple(() =>
        {
            Assert.That(capture.Activities.Count(a => a.Source.Name == "Microsoft.AspNetCore"), Is.GreaterThan(0), "the host's request spans were listened to");
            Assert.That(capture.Activities.Count(a => a.OperationName == "whatsapp.receive"), Is.GreaterThan(0), "the library's receive spans were listened to");
            Assert.That(capture.Measurements.Count(m => m.Instrument == "whatsapp.server.notifications"), Is.GreaterThan(0), "the library's counter was listened to");
            Assert.That(capture.Measurements.Count(m => m.Meter.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)), Is.GreaterThan(0), "the host's metrics were listened to");
            Assert.That(SecretEncodings.Find(secret, everything), Is.Empty);
        });
    }

    [TestCase(false, TestName = "Receive_OpenTelemetryAspNetCoreInstrumentation_SecretInNoExportedSpan")]
    [TestCase(true, TestName = "Receive_OpenTelemetryWithQueryRedactionSwitchedOff_SecretInNoExportedSpan")]
    public async Task Receive_OpenTelemetryAspNetCoreInstrumentation_SecretInNoExportedSpan(bool queryRedactionOff)
    {
        // What an app exports with OpenTelemetry's ASP.NET Core instrumentation; some switch its own query
        // redaction off (to see campaign parameters), and then only the endpoint's own rewrite hides the secret.
        var body = NotificationRecording.Of("maytapi").First(r => r.Updates.Count == 1).Body;
        var requests = await ExportedRequestSpans.OfAsync(queryRedactionOff, () => StartAsync(), async host =>
        {
            Assert.That(await host.StatusOfPostAsync("/whatsapp/maytapi?utm=x&secret=" + Secret, body), Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await host.StatusOfPostAsync("/whatsapp/maytapi?secret=" + Secret + "x", body), Is.EqualTo(HttpStatusCode.Unauthorized));
        });

        Assert.Multiple(() =>
        {
            Assert.That(requests, Has.Count.EqualTo(2), "both requests exported");
            Assert.That(requests.Select(a => a.GetTagItem("url.query") as string), Has.All.Not.Null, "the query was recorded");
            Assert.That(requests.Select(a => a.GetTagItem("url.path")), Has.All.EqualTo("/whatsapp/maytapi"));
            Assert.That(SecretEncodings.Find(Secret, ExportedRequestSpans.Everything(requests)), Is.Empty);
            if (queryRedactionOff)
            {
                Assert.That(requests[0].GetTagItem("url.query"), Is.EqualTo("?utm=x&secret=REDACTED"), "the other parameters kept as the app asked");
            }
        });
    }

    [Test]
    public async Task Receive_AppNamesTheHostRequestCategory_AppsChoiceIsKept()
    {
        await using var host = await StartAsync(b => b.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Information));
        var body = NotificationRecording.Of("green-api").First(r => r.Updates.Count == 1).Body;

        await host.StatusOfPostAsync("/whatsapp/green-api", body, "Bearer " + Token);

        Assert.That(host.Logs.Entries.Where(e => e.Category == "Microsoft.AspNetCore.Hosting.Diagnostics" && e.Level == LogLevel.Information), Is.Not.Empty, "the documented way to keep the request lines");
    }

    [Test]
    public async Task Receive_NoUrlSecretReceiver_HostRequestLinesKept()
    {
        var host = await WebhookHost.StartAsync(services => services.AddGreenApiWebhook(o => o.WebhookToken = Token));
        var body = NotificationRecording.Of("green-api").First(r => r.Updates.Count == 1).Body;
        await using (host)
        {
            await host.StatusOfPostAsync("/whatsapp/green-api", body, "Bearer " + Token);
        }

        // After the host stopped: the host writes "Request finished" after the response has gone out, so the client may
        // see the answer first.
        Assert.That(
            host.Logs.Entries.Count(e => e.Category == "Microsoft.AspNetCore.Hosting.Diagnostics" && e.Level == LogLevel.Information),
            Is.GreaterThanOrEqualTo(2),
            "the host's request starting and finished lines (the cap comes only with a secret in the URL)");
    }

    [Test]
    public async Task Receive_ProviderSpecificLogLevel_RequestLinesStillCapped()
    {
        // "Logging:Console:LogLevel:Default": a level for one provider, as appsettings often set it.
        var host = await StartAsync(b => b.Logging.AddFilter<LogCapture>(null, LogLevel.Trace));
        var body = NotificationRecording.Of("maytapi").First(r => r.Updates.Count == 1).Body;
        await using (host)
        {
            await host.StatusOfPostAsync("/whatsapp/maytapi?secret=" + Secret, body);
        }

        // After the host stopped, so that the request's last lines are in.
        Assert.That(host.Logs.Entries, Is.Not.Empty);
        Assert.That(SecretEncodings.Find(Secret, host.Logs.Entries.SelectMany(e => e.Everything)), Is.Empty);
    }

    [Test]
    public void ToString_OptionsWithWebhookCredentials_ShowNeither()
    {
        var green = new GreenApiOptions { IdInstance = 1101000001, ApiTokenInstance = "api-token-1234567890", WebhookToken = Token };
        var maytapi = new MaytapiOptions { ProductId = TestServices.ProductId, PhoneId = "12", ApiKey = "key-1234567890", WebhookSecret = Secret };

        Assert.Multiple(() =>
        {
            Assert.That(SecretEncodings.Find(Token, [green.ToString()]), Is.Empty);
            Assert.That(SecretEncodings.Find(Secret, [maytapi.ToString()]), Is.Empty);
        });
    }

    [Test]
    public void ToString_WebhookCredential_NeverTheSecret()
    {
        var header = WebhookCredential.AuthorizationHeader(Token);
        var query = WebhookCredential.QueryParameter(Secret);

        Assert.Multiple(() =>
        {
            Assert.That(SecretEncodings.Find(Token, [header.ToString()]), Is.Empty);
            Assert.That(SecretEncodings.Find(Secret, [query.ToString()]), Is.Empty);
        });
    }

    private static Task<WebhookHost> StartAsync(Action<WebApplicationBuilder>? configure = null) =>
        WebhookHost.StartAsync(
            services =>
            {
                services.AddGreenApiWebhook(o => o.WebhookToken = Token);
                services.AddMaytapiWebhook(o => o.WebhookSecret = Secret);
            },
            configure: configure);

    /// <summary>Every outcome of the provider's endpoint, near misses that contain the secret included; each status checked.</summary>
    private static async Task ExerciseAsync(WebhookHost host, string provider)
    {
        var recording = NotificationRecording.Of(provider).First(r => r.Updates.Count == 1);
        var good = recording.Body;
        var malformed = "{\"typeWebhook\":"u8.ToArray();
        var oversized = new byte[WebhookReceiver.MaxBodyBytes + 1];
        var secret = provider == "green-api" ? Token : Secret;
        // A body naming the secret where an error message would quote it: a duplicated property.
        var naming = Encoding.UTF8.GetBytes($$"""{"type":"status","typeWebhook":"stateInstanceChanged","stateInstance":"x","status":"active",{{JsonName(secret)}}:1,{{JsonName(secret)}}:2}""");
        host.Received.OnUpdate = (update, _) => update.MessageId == "throw" ? throw new InvalidOperationException("handler failed") : Task.CompletedTask;
        var throwing = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(good).Replace(recording.Updates[0].MessageId, "throw", StringComparison.Ordinal));

        var requests = provider == "green-api"
            ? new (string Method, string Path, string? Authorization, byte[] Body, HttpStatusCode Expected)[]
            {
                ("POST", "/whatsapp/green-api", "Bearer " + Token, good, HttpStatusCode.OK),
                ("POST", "/whatsapp/green-api", null, good, HttpStatusCode.Unauthorized),
                ("POST", "/whatsapp/green-api", "Bearer " + Token + "x", good, HttpStatusCode.Unauthorized),
                ("POST", "/whatsapp/green-api", "Bearer " + Token.ToUpperInvariant(), good, HttpStatusCode.Unauthorized),
                ("POST", "/whatsapp/green-api", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("user:" + Token)), good, HttpStatusCode.Unauthorized),
                ("POST", "/whatsapp/green-api", Token, malformed, HttpStatusCode.BadRequest),
                ("POST", "/whatsapp/green-api", Token, naming, HttpStatusCode.BadRequest),
                ("POST", "/whatsapp/green-api", Token, throwing, HttpStatusCode.InternalServerError),
                ("POST", "/whatsapp/green-api", Token, oversized, HttpStatusCode.BadRequest),
                ("GET", "/whatsapp/green-api", Token, [], HttpStatusCode.MethodNotAllowed),
            }
            : new (string Method, string Path, string? Authorization, byte[] Body, HttpStatusCode Expected)[]
            {
                ("POST", "/whatsapp/maytapi?secret=" + Secret, null, good, HttpStatusCode.OK),
                ("POST", "/whatsapp/maytapi/?secret=" + Secret, null, good, HttpStatusCode.OK),
                ("POST", "/whatsapp/maytapi?a=1&secret=" + Secret + "&b=2", null, good, HttpStatusCode.OK),
                ("POST", "/whatsapp/maytapi?secret=" + Secret + "x", null, good, HttpStatusCode.Unauthorized),
                ("POST", "/whatsapp/maytapi?secret=" + Secret.ToUpperInvariant(), null, good, HttpStatusCode.Unauthorized),
                ("POST", "/whatsapp/maytapi?secret=x" + Secret, null, good, HttpStatusCode.Unauthorized),
                ("POST", "/whatsapp/maytapi?secret=" + Secret + "&secret=" + Secret, null, good, HttpStatusCode.Unauthorized),
                ("POST", "/whatsapp/maytapi?other=" + Secret, null, good, HttpStatusCode.Unauthorized),
                ("POST", "/whatsapp/maytapi?secret=" + Secret, null, malformed, HttpStatusCode.BadRequest),
                ("POST", "/whatsapp/maytapi?secret=" + Secret, null, naming, HttpStatusCode.BadRequest),
                ("POST", "/whatsapp/maytapi?secret=" + Secret, null, throwing, HttpStatusCode.InternalServerError),
                ("POST", "/whatsapp/maytapi?secret=" + Secret, null, oversized, HttpStatusCode.BadRequest),
                ("POST", "/whatsapp/maytapi/extra?secret=" + Secret, null, good, HttpStatusCode.NotFound),
                ("GET", "/whatsapp/maytapi?secret=" + Secret, null, [], HttpStatusCode.MethodNotAllowed),
            };

        foreach (var (method, path, authorization, body, expected) in requests)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/'));
            if (method == "POST")
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            }

            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            using var response = await host.Client.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(expected), $"{method} {path.Replace(secret, "<secret>", StringComparison.Ordinal)}");
        }
    }

    private static string JsonName(string value) => Newtonsoft.Json.JsonConvert.ToString(value);
}
