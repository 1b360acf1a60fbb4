using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Messaging.WhatsApp.Tests.Infrastructure;
using Newtonsoft.Json.Linq;
using NUnit.Framework;
using WireMock.ResponseBuilders;

namespace Messaging.WhatsApp.Tests;

/// <summary>
/// Every recorded provider answer, and the cases the recordings do not cover, replayed through the facade:
/// success is decided by the body, and each failure becomes the typed error of the mapping tables.
/// </summary>
public sealed class ErrorMappingTests
{
    private static readonly ChatAddress Person = ChatAddress.Parse("905301111111");

    /// <summary>The outcome names a recording may state: those <see cref="WhatsAppTelemetry.Outcome"/> gives a send.</summary>
    private static readonly string[] KnownOutcomes =
    [
        "success", "authentication", "request_rejected", "quota_exceeded", "rate_limited", "instance_not_ready", "connection_failed", "outcome_unknown", "failed",
    ];

    private static string RecordingsDirectory => Path.Combine(AppContext.BaseDirectory, "Recordings");

    /// <summary>
    /// Every sendMessage recording as <c>provider/name</c>: the folder is the provider's <see cref="TestProvider"/>
    /// name. Recordings of other operations and of notifications are the contract tests' alone.
    /// </summary>
    public static IEnumerable<string> Recordings() =>
        Directory.EnumerateFiles(RecordingsDirectory, "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RecordingsDirectory, f).Replace('\\', '/')[..^".json".Length])
            .Where(r => (string?)Load(r)["operation"] == "SendMessage")
            .Order(StringComparer.Ordinal);

    private static JObject Load(string recording) =>
        JObject.Parse(File.ReadAllText(Path.Combine(RecordingsDirectory, recording + ".json")));

    [Test]
    public void EveryRecording_OutcomeField_IsAKnownOutcome()
    {
        var outcomes = Recordings().ToDictionary(r => r, r => (string?)Load(r)["outcome"]);

        Assert.Multiple(() =>
        {
            Assert.That(outcomes, Is.Not.Empty, "recordings were copied to the output folder");
            Assert.That(outcomes.Where(o => string.IsNullOrEmpty(o.Value)).Select(o => o.Key), Is.Empty, "recordings without an outcome");
            Assert.That(outcomes.Values.Distinct(), Is.SubsetOf(KnownOutcomes), "every outcome is one WhatsAppTelemetry.Outcome names");
            Assert.That(outcomes.Keys.Select(r => r[..r.IndexOf('/', StringComparison.Ordinal)]).Distinct(), Is.SubsetOf(TestProvider.Names), "every folder is a provider's name");
        });
    }

    [TestCaseSource(nameof(Recordings))]
    public async Task Send_RecordedAnswer_BecomesItsRecordedOutcome(string recording)
    {
        var root = Load(recording);
        var response = (JObject)root["response"]!;
        var status = (int)response["status"]!;
        var contentType = (string?)response["headers"]?["Content-Type"];
        var body = response["body"]?.ToString(Newtonsoft.Json.Formatting.None) ?? (string?)response["text"];
        var provider = TestProvider.Named(recording[..recording.IndexOf('/', StringComparison.Ordinal)]);
        var outcome = (string?)root["outcome"];
        Assert.That(outcome, Is.Not.Null.And.Not.Empty, $"{recording} states no outcome");

        if (outcome == "success")
        {
            await AssertSuccess(provider, Answer(status, contentType, body));
            return;
        }

        var error = await SendExpectingFailure(provider, Answer(status, contentType, body));
        Assert.Multiple(() =>
        {
            Assert.That(WhatsAppTelemetry.Outcome(error), Is.EqualTo(outcome), $"{error.GetType().Name}: {error.Message}");
            Assert.That(error.Provider, Is.EqualTo(provider.Provider));
            Assert.That(error.HttpStatus, Is.EqualTo((HttpStatusCode)status));
            Assert.That(TestServices.RequestsReceived, Is.EqualTo(1), "retries are off here: one request");
        });
    }

    [TestCase("green-api", 200, "application/json", """{"code":401,"description":"Unauthorized"}""", typeof(WhatsAppAuthenticationException))]
    [TestCase("green-api", 200, "application/json", "{}", typeof(WhatsAppOutcomeUnknownException))]
    [TestCase("green-api", 200, "application/json", """{"idMessage":""}""", typeof(WhatsAppOutcomeUnknownException))]
    [TestCase("green-api", 200, "text/html", "<html><body>maintenance</body></html>", typeof(WhatsAppOutcomeUnknownException))]
    [TestCase("green-api", 200, "application/json", null, typeof(WhatsAppOutcomeUnknownException))]
    [TestCase("green-api", 400, "text/plain", "instance account not authorized", typeof(WhatsAppInstanceNotReadyException))]
    [TestCase("green-api", 400, "application/json", "not json at all", typeof(WhatsAppRequestRejectedException))]
    [TestCase("green-api", 499, "text/plain", "client closed request", typeof(WhatsAppOutcomeUnknownException))]
    [TestCase("green-api", 500, "application/json", """{"message":"boom"}""", typeof(WhatsAppOutcomeUnknownException))]
    [TestCase("green-api", 503, "text/html", "<html>unavailable</html>", typeof(WhatsAppOutcomeUnknownException))]
    [TestCase("green-api", 418, "text/plain", "teapot", typeof(WhatsAppException))]
    [TestCase("maytapi", 200, "application/json", """{"code":401,"description":"Unauthorized"}""", typeof(WhatsAppOutcomeUnknownException))] // not Maytapi's envelope: a 2xx that cannot be trusted
    [TestCase("maytapi", 200, "application/json", """{"success":true}""", typeof(WhatsAppOutcomeUnknownException))]
    [TestCase("maytapi", 200, "application/json", """{"success":true,"data":{"chatId":"905301111111@c.us","msgId":""}}""", typeof(WhatsAppOutcomeUnknownException))]
    [TestCase("maytapi", 200, "text/html", "<html><body>maintenance</body></html>", typeof(WhatsAppOutcomeUnknownException))]
    [TestCase("maytapi", 200, "application/json", null, typeof(WhatsAppOutcomeUnknownException))]
    [TestCase("maytapi", 401, "application/json", """{"success":false,"message":"Invalid API key"}""", typeof(WhatsAppAuthenticationException))]
    [TestCase("maytapi", 403, "text/html", "<html>forbidden</html>", typeof(WhatsAppAuthenticationException))]
    [TestCase("maytapi", 500, "application/json", """{"success":false,"message":"Lib not loaded","code":"W05"}""", typeof(WhatsAppInstanceNotReadyException))]
    [TestCase("maytapi", 502, "text/plain", "Bad Gateway", typeof(WhatsAppOutcomeUnknownException))]
    [TestCase("maytapi", 429, "application/json", """{"success":false,"message":"Too many requests"}""", typeof(WhatsAppRateLimitedException))]
    [TestCase("maytapi", 404, "text/html", "<html>not found</html>", typeof(WhatsAppException))]
    public async Task Send_ConstructedAnswer_BecomesItsMappedOutcome(string provider, int status, string contentType, string? body, Type expected)
    {
        var p = TestProvider.Named(provider);

        var error = await SendExpectingFailure(p, Answer(status, contentType, body));

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.TypeOf(expected));
            Assert.That(error.Provider, Is.EqualTo(p.Provider));
            Assert.That(error.HttpStatus, Is.EqualTo((HttpStatusCode)status));
            Assert.That(TestServices.RequestsReceived, Is.EqualTo(1), "retries are off here: one request");
        });
    }

    [Test]
    public async Task Send_MaytapiW05_CarriesCodeStatusAndMessage()
    {
        var error = await SendExpectingFailure(TestProvider.Maytapi, 200, "application/json", """{"success":false,"message":"Lib not loaded","code":"W05"}""");

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.TypeOf<WhatsAppInstanceNotReadyException>());
            Assert.That(error.Provider, Is.EqualTo(MaytapiOptions.Provider));
            Assert.That(error.HttpStatus, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(error.ProviderCode, Is.EqualTo("W05"));
            Assert.That(error.ProviderMessage, Is.EqualTo("Lib not loaded"));
            Assert.That(error.IsSafeToRetry, Is.True);
            Assert.That(error.Message, Does.Contain("W05").And.Contain("Lib not loaded"));
        });
    }

    [Test]
    public async Task Send_GreenApi429_CarriesRetryAfter()
    {
        var error = await SendExpectingFailure(
            TestProvider.GreenApi,
            Response.Create().WithStatusCode(429).WithHeader("Retry-After", "7"));

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.TypeOf<WhatsAppRateLimitedException>());
            Assert.That(((WhatsAppRateLimitedException)error).RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(7)));
            Assert.That(error.HttpStatus, Is.EqualTo((HttpStatusCode)429));
        });
    }

    [Test]
    public async Task Send_GreenApi466_CarriesTheExceededQuotasDescription()
    {
        var error = await SendExpectingFailure(
            TestProvider.GreenApi,
            466,
            "application/json",
            """{"invokeStatus":{"method":"sendmessage","used":"100","total":"100","status":"QUOTE_EXCEEDED","description":"Monthly quota has been exceeded."}}""");

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.TypeOf<WhatsAppQuotaExceededException>());
            Assert.That(error.ProviderMessage, Is.EqualTo("Monthly quota has been exceeded."));
            Assert.That(error.ResponseBody, Does.Contain("QUOTE_EXCEEDED"));
        });
    }

    [Test]
    public async Task Send_Success_ReturnsProviderIdsAndChat()
    {
        using var green = TestServices.GreenApi();
        TestServices.Answer(TestServices.GreenPath, TestServices.Json(200, """{"idMessage":"BAE5F4886F6F2D05"}"""));
        var greenResult = await green.Sender.SendTextAsync(Person, "hi");

        using var maytapi = TestServices.Maytapi();
        TestServices.Answer(TestServices.MaytapiPath, TestServices.Json(200, """{"success":true,"data":{"chatId":"905301111111@c.us","msgId":"a6f1e2d0-1c2b-11ef-9d3e-6b1f0c2a7e55"}}"""));
        var maytapiResult = await maytapi.Sender.SendTextAsync(Person, "hi");

        Assert.Multiple(() =>
        {
            Assert.That(greenResult, Is.EqualTo(new SendResult(GreenApiOptions.Provider, "BAE5F4886F6F2D05", "905301111111@c.us")));
            Assert.That(maytapiResult, Is.EqualTo(new SendResult(MaytapiOptions.Provider, "a6f1e2d0-1c2b-11ef-9d3e-6b1f0c2a7e55", "905301111111@c.us")));
        });
    }

    /// <summary>The answer a recording or a test case describes: a status, a Content-Type when given, a body when not empty.</summary>
    private static IResponseBuilder Answer(int status, string? contentType, string? body)
    {
        var response = Response.Create().WithStatusCode(status);
        if (contentType is not null)
        {
            response = response.WithHeader("Content-Type", contentType);
        }

        if (!string.IsNullOrEmpty(body))
        {
            response = response.WithBody(body);
        }

        return response;
    }

    private static async Task AssertSuccess(TestProvider provider, IResponseBuilder response)
    {
        using var services = Services(provider);
        TestServices.Answer(provider, response);

        var result = await services.Sender.SendTextAsync(Person, "hi");

        Assert.Multiple(() =>
        {
            Assert.That(result.MessageId, Is.Not.Empty);
            Assert.That(result.Provider, Is.EqualTo(provider.Provider));
        });
    }

    private static Task<WhatsAppException> SendExpectingFailure(TestProvider provider, int status, string contentType, string body) =>
        SendExpectingFailure(provider, Answer(status, contentType, body));

    private static async Task<WhatsAppException> SendExpectingFailure(TestProvider provider, IResponseBuilder response)
    {
        using var services = Services(provider);
        TestServices.Answer(provider, response);
        try
        {
            await services.Sender.SendTextAsync(Person, "hi");
        }
        catch (WhatsAppException e)
        {
            return e;
        }

        Assert.Fail("the send succeeded");
        throw new InvalidOperationException();
    }

    private static TestServices Services(TestProvider provider) => TestServices.For(provider.Name, retries: false);
}
