using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
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

    /// <summary>What each recorded answer must become. A recording missing here fails <see cref="EveryRecording_HasAnExpectedOutcome"/>.</summary>
    private static readonly Dictionary<string, Type?> RecordedOutcomes = new()
    {
        ["green-api/text-person-success"] = null,
        ["green-api/text-group-success"] = null,
        ["green-api/text-group-reply-options-success"] = null,
        ["green-api/text-custom-preview-success"] = null,
        ["green-api/text-null-optional-fields-success"] = null,
        ["green-api/unauthorized-200-code-401"] = typeof(WhatsAppAuthenticationException),
        ["green-api/validation-empty-message"] = typeof(WhatsAppRequestRejectedException),
        ["green-api/validation-newsletter-chat-id"] = typeof(WhatsAppRequestRejectedException),
        ["green-api/validation-short-quoted-message-id"] = typeof(WhatsAppRequestRejectedException),
        ["green-api/instance-starting-text"] = typeof(WhatsAppInstanceNotReadyException),
        ["green-api/wrong-token-401-empty"] = typeof(WhatsAppAuthenticationException),
        ["green-api/wrong-instance-403-html"] = typeof(WhatsAppAuthenticationException),
        ["green-api/rate-limited-429-empty"] = typeof(WhatsAppRateLimitedException),
        ["green-api/quota-exceeded-466-numbers"] = typeof(WhatsAppQuotaExceededException),
        ["green-api/quota-exceeded-466-strings"] = typeof(WhatsAppQuotaExceededException),
        ["green-api/request-too-large-500"] = typeof(WhatsAppRequestRejectedException),
        ["green-api/bad-gateway-502-html"] = typeof(WhatsAppOutcomeUnknownException),
        ["maytapi/w05-lib-not-loaded"] = typeof(WhatsAppInstanceNotReadyException),
        ["maytapi/duplicate-filtered"] = typeof(WhatsAppException),
        ["maytapi/phone-not-owned-400"] = typeof(WhatsAppRequestRejectedException),
        ["maytapi/internal-server-error-500"] = typeof(WhatsAppOutcomeUnknownException),
    };

    /// <summary>Maytapi has a success recording per message type (17 in all): all of them must succeed.</summary>
    private static bool IsMaytapiSuccess(string recording) =>
        recording.StartsWith("maytapi/", StringComparison.Ordinal) && recording.EndsWith("-success", StringComparison.Ordinal);

    private static string RecordingsDirectory => Path.Combine(AppContext.BaseDirectory, "Recordings");

    public static IEnumerable<string> Recordings() =>
        Directory.EnumerateFiles(RecordingsDirectory, "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RecordingsDirectory, f).Replace('\\', '/')[..^".json".Length])
            .Order(StringComparer.Ordinal);

    [Test]
    public void EveryRecording_HasAnExpectedOutcome()
    {
        Assert.That(Recordings().Where(r => !RecordedOutcomes.ContainsKey(r) && !IsMaytapiSuccess(r)), Is.Empty);
    }

    [TestCaseSource(nameof(Recordings))]
    public async Task RecordedAnswer_BecomesItsMappedOutcome(string recording)
    {
        var root = JObject.Parse(File.ReadAllText(Path.Combine(RecordingsDirectory, recording + ".json")));
        var response = (JObject)root["response"]!;
        var status = (int)response["status"]!;
        var contentType = (string?)response["headers"]?["Content-Type"];
        var body = response["body"]?.ToString(Newtonsoft.Json.Formatting.None) ?? (string?)response["text"];
        var provider = recording.StartsWith("maytapi/", StringComparison.Ordinal) ? WhatsAppProvider.Maytapi : WhatsAppProvider.GreenApi;
        if (!RecordedOutcomes.TryGetValue(recording, out var expected) && !IsMaytapiSuccess(recording))
        {
            Assert.Fail($"{recording} has no expected outcome in {nameof(RecordedOutcomes)}");
        }

        await AssertOutcome(provider, status, contentType, body, expected);
    }

    [TestCase(WhatsAppProvider.GreenApi, 200, "application/json", """{"code":401,"description":"Unauthorized"}""", typeof(WhatsAppAuthenticationException))]
    [TestCase(WhatsAppProvider.GreenApi, 200, "application/json", "{}", typeof(WhatsAppOutcomeUnknownException))]
    [TestCase(WhatsAppProvider.GreenApi, 200, "application/json", """{"idMessage":""}""", typeof(WhatsAppOutcomeUnknownException))]
    [TestCase(WhatsAppProvider.GreenApi, 200, "text/html", "<html><body>maintenance</body></html>", typeof(WhatsAppOutcomeUnknownException))]
    [TestCase(WhatsAppProvider.GreenApi, 200, "application/json", null, typeof(WhatsAppOutcomeUnknownException))]
    [TestCase(WhatsAppProvider.GreenApi, 400, "text/plain", "instance account not authorized", typeof(WhatsAppInstanceNotReadyException))]
    [TestCase(WhatsAppProvider.GreenApi, 400, "application/json", "not json at all", typeof(WhatsAppRequestRejectedException))]
    [TestCase(WhatsAppProvider.GreenApi, 499, "text/plain", "client closed request", typeof(WhatsAppOutcomeUnknownException))]
    [TestCase(WhatsAppProvider.GreenApi, 500, "application/json", """{"message":"boom"}""", typeof(WhatsAppOutcomeUnknownException))]
    [TestCase(WhatsAppProvider.GreenApi, 503, "text/html", "<html>unavailable</html>", typeof(WhatsAppOutcomeUnknownException))]
    [TestCase(WhatsAppProvider.GreenApi, 418, "text/plain", "teapot", typeof(WhatsAppException))]
    [TestCase(WhatsAppProvider.Maytapi, 200, "application/json", """{"code":401,"description":"Unauthorized"}""", typeof(WhatsAppOutcomeUnknownException))] // not Maytapi's envelope: a 2xx that cannot be trusted
    [TestCase(WhatsAppProvider.Maytapi, 200, "application/json", """{"success":true}""", typeof(WhatsAppOutcomeUnknownException))]
    [TestCase(WhatsAppProvider.Maytapi, 200, "application/json", """{"success":true,"data":{"chatId":"905301111111@c.us","msgId":""}}""", typeof(WhatsAppOutcomeUnknownException))]
    [TestCase(WhatsAppProvider.Maytapi, 200, "text/html", "<html><body>maintenance</body></html>", typeof(WhatsAppOutcomeUnknownException))]
    [TestCase(WhatsAppProvider.Maytapi, 200, "application/json", null, typeof(WhatsAppOutcomeUnknownException))]
    [TestCase(WhatsAppProvider.Maytapi, 401, "application/json", """{"success":false,"message":"Invalid API key"}""", typeof(WhatsAppAuthenticationException))]
    [TestCase(WhatsAppProvider.Maytapi, 403, "text/html", "<html>forbidden</html>", typeof(WhatsAppAuthenticationException))]
    [TestCase(WhatsAppProvider.Maytapi, 500, "application/json", """{"success":false,"message":"Lib not loaded","code":"W05"}""", typeof(WhatsAppInstanceNotReadyException))]
    [TestCase(WhatsAppProvider.Maytapi, 502, "text/plain", "Bad Gateway", typeof(WhatsAppOutcomeUnknownException))]
    [TestCase(WhatsAppProvider.Maytapi, 429, "application/json", """{"success":false,"message":"Too many requests"}""", typeof(WhatsAppRateLimitedException))]
    [TestCase(WhatsAppProvider.Maytapi, 404, "text/html", "<html>not found</html>", typeof(WhatsAppException))]
    public async Task ConstructedAnswer_BecomesItsMappedOutcome(WhatsAppProvider provider, int status, string contentType, string? body, Type expected)
    {
        await AssertOutcome(provider, status, contentType, body, expected);
    }

    [Test]
    public async Task MaytapiW05_CarriesCodeStatusAndMessage()
    {
        var error = await SendExpectingFailure(WhatsAppProvider.Maytapi, 200, "application/json", """{"success":false,"message":"Lib not loaded","code":"W05"}""");

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.TypeOf<WhatsAppInstanceNotReadyException>());
            Assert.That(error.Provider, Is.EqualTo(WhatsAppProvider.Maytapi));
            Assert.That(error.HttpStatus, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(error.ProviderCode, Is.EqualTo("W05"));
            Assert.That(error.ProviderMessage, Is.EqualTo("Lib not loaded"));
            Assert.That(error.IsSafeToRetry, Is.True);
            Assert.That(error.Message, Does.Contain("W05").And.Contain("Lib not loaded"));
        });
    }

    [Test]
    public async Task GreenApi429_CarriesRetryAfter()
    {
        var error = await SendExpectingFailure(
            WhatsAppProvider.GreenApi,
            Response.Create().WithStatusCode(429).WithHeader("Retry-After", "7"));

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.TypeOf<WhatsAppRateLimitedException>());
            Assert.That(((WhatsAppRateLimitedException)error).RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(7)));
            Assert.That(error.HttpStatus, Is.EqualTo((HttpStatusCode)429));
        });
    }

    [Test]
    public async Task GreenApi466_CarriesTheExceededQuotasDescription()
    {
        var error = await SendExpectingFailure(
            WhatsAppProvider.GreenApi,
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
    public async Task Success_ReturnsProviderIdsAndChat()
    {
        using var green = TestServices.GreenApi();
        TestServices.Answer(TestServices.GreenPath, TestServices.Json(200, """{"idMessage":"BAE5F4886F6F2D05"}"""));
        var greenResult = await green.Sender.SendTextAsync(Person, "hi");

        using var maytapi = TestServices.Maytapi();
        TestServices.Answer(TestServices.MaytapiPath, TestServices.Json(200, """{"success":true,"data":{"chatId":"905301111111@c.us","msgId":"a6f1e2d0-1c2b-11ef-9d3e-6b1f0c2a7e55"}}"""));
        var maytapiResult = await maytapi.Sender.SendTextAsync(Person, "hi");

        Assert.Multiple(() =>
        {
            Assert.That(greenResult, Is.EqualTo(new SendResult(WhatsAppProvider.GreenApi, "BAE5F4886F6F2D05", "905301111111@c.us")));
            Assert.That(maytapiResult, Is.EqualTo(new SendResult(WhatsAppProvider.Maytapi, "a6f1e2d0-1c2b-11ef-9d3e-6b1f0c2a7e55", "905301111111@c.us")));
        });
    }

    private static async Task AssertOutcome(WhatsAppProvider provider, int status, string? contentType, string? body, Type? expected)
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

        if (expected is null)
        {
            using var services = Services(provider);
            TestServices.Answer(PathFor(provider), response);
            var result = await services.Sender.SendTextAsync(Person, "hi");
            Assert.That(result.MessageId, Is.Not.Empty);
            return;
        }

        var error = await SendExpectingFailure(provider, response);
        Assert.Multiple(() =>
        {
            Assert.That(error, Is.TypeOf(expected));
            Assert.That(error.Provider, Is.EqualTo(provider));
            Assert.That(error.HttpStatus, Is.EqualTo((HttpStatusCode)status));
            Assert.That(TestServices.RequestsReceived, Is.EqualTo(1), "retries are off here: one request");
        });
    }

    private static Task<WhatsAppException> SendExpectingFailure(WhatsAppProvider provider, int status, string contentType, string body) =>
        SendExpectingFailure(provider, Response.Create().WithStatusCode(status).WithHeader("Content-Type", contentType).WithBody(body));

    private static async Task<WhatsAppException> SendExpectingFailure(WhatsAppProvider provider, IResponseBuilder response)
    {
        using var services = Services(provider);
        TestServices.Answer(PathFor(provider), response);
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

    private static TestServices Services(WhatsAppProvider provider) =>
        provider == WhatsAppProvider.GreenApi
            ? TestServices.GreenApi(o => o.Retry.Enabled = false)
            : TestServices.Maytapi(o => o.Retry.Enabled = false);

    private static string PathFor(WhatsAppProvider provider) =>
        provider == WhatsAppProvider.GreenApi ? TestServices.GreenPath : TestServices.MaytapiPath;
}
