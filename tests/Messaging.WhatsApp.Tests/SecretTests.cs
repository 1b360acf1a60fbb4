using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using WireMock.ResponseBuilders;

namespace Messaging.WhatsApp.Tests;

/// <summary>
/// The GREEN-API token (a URL path segment, echoed in 400 bodies) and the Maytapi key (a header) never
/// appear in a log line at any level, an exception's message, ToString() or Data.
/// </summary>
public sealed class SecretTests
{
    private static readonly ChatAddress Person = ChatAddress.Parse("905301111111");

    private static string EchoingValidationBody(string path) =>
        $$"""{"statusCode":400,"timestamp":"2024-05-14T09:21:33.512Z","path":"{{path}}","message":"Validation failed. Details: 'message' is not allowed to be empty"}""";

    public static IEnumerable<TestCaseData> GreenApiFailures()
    {
        yield return new TestCaseData(TestServices.Json(400, EchoingValidationBody(TestServices.GreenPath))).SetName("Send_GreenApi400EchoingToken_NeverRevealsToken");
        yield return new TestCaseData(TestServices.Text(400, "text/plain", "instance in starting process try later " + TestServices.GreenToken)).SetName("Send_GreenApi400TextWithToken_NeverRevealsToken");
        yield return new TestCaseData(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json")).SetName("Send_GreenApi401_NeverRevealsToken");
        yield return new TestCaseData(TestServices.Text(403, "text/html", $"<html>instance {TestServices.GreenToken} forbidden</html>")).SetName("Send_GreenApi403HtmlWithToken_NeverRevealsToken");
        yield return new TestCaseData(Response.Create().WithStatusCode(429)).SetName("Send_GreenApi429Retried_NeverRevealsToken");
        yield return new TestCaseData(TestServices.Json(200, $$"""{"idMessage":"","path":"{{TestServices.GreenPath}}"}""")).SetName("Send_GreenApi200WithoutIdEchoingToken_NeverRevealsToken");
        yield return new TestCaseData(TestServices.Json(200, $$$"""{"idMessage":{"nested":"{{{TestServices.GreenToken}}}"}}""")).SetName("Send_GreenApi200UnparseableWithToken_NeverRevealsToken");
        yield return new TestCaseData(TestServices.Text(500, "text/plain", "crash at " + TestServices.GreenPath)).SetName("Send_GreenApi500EchoingToken_NeverRevealsToken");
    }

    [TestCaseSource(nameof(GreenApiFailures))]
    public void Send_GreenApiFailure_NeverRevealsToken(IResponseBuilder answer)
    {
        using var services = TestServices.GreenApi();
        TestServices.Answer(TestServices.GreenPath, answer);

        var error = Assert.CatchAsync<WhatsAppException>(() => services.Sender.SendTextAsync(Person, "hi"))!;

        AssertNoSecret(TestServices.GreenToken, error, services);
        Assert.That(services.Logs.Lines.Where(l => l.Contains("/sendMessage/REDACTED", StringComparison.Ordinal)), Is.Not.Empty, "requests are logged, with the placeholder the token only replaces on the wire");
    }

    [Test]
    public void Send_GreenApi400_KeepsTheBodyWithTheTokenMasked()
    {
        using var services = TestServices.GreenApi();
        TestServices.Answer(TestServices.GreenPath, TestServices.Json(400, EchoingValidationBody(TestServices.GreenPath)));

        var error = Assert.ThrowsAsync<WhatsAppRequestRejectedException>(() => services.Sender.SendTextAsync(Person, "hi"))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.ResponseBody, Does.Contain($"/waInstance{TestServices.GreenInstance}/sendMessage/***"));
            Assert.That(error.ProviderMessage, Is.EqualTo("Validation failed. Details: 'message' is not allowed to be empty"));
        });
    }

    [Test]
    public void Send_GreenApiTimeoutAndConnectFailure_NeverRevealToken()
    {
        using var slow = TestServices.GreenApi(o => o.Timeout = TimeSpan.FromMilliseconds(200));
        TestServices.Answer(TestServices.GreenPath, TestServices.Json(200, """{"idMessage":"x"}""").WithDelay(TimeSpan.FromSeconds(1)));
        var timeout = Assert.CatchAsync<WhatsAppException>(() => slow.Sender.SendTextAsync(Person, "hi"))!;
        AssertNoSecret(TestServices.GreenToken, timeout, slow);

        using var unreachable = TestServices.GreenApi(o => o.ApiUrl = RetryTests.ClosedPortUrl());
        var refused = Assert.CatchAsync<WhatsAppException>(() => unreachable.Sender.SendTextAsync(Person, "hi"))!;
        AssertNoSecret(TestServices.GreenToken, refused, unreachable);
    }

    [Test]
    public void Send_GreenApiSuccess_LogsNoTokenEvenAtTrace()
    {
        using var services = TestServices.GreenApi();
        TestServices.Answer(TestServices.GreenPath, TestServices.Json(200, """{"idMessage":"BAE5F4886F6F2D05"}"""));

        Assert.DoesNotThrowAsync(() => services.Sender.SendTextAsync(Person, "hi"));

        Assert.Multiple(() =>
        {
            Assert.That(services.Logs.Lines, Is.Not.Empty);
            Assert.That(services.Logs.Lines.Where(l => l.Contains(TestServices.GreenToken, StringComparison.OrdinalIgnoreCase)), Is.Empty);
            Assert.That(services.Sender.ToString(), Does.Not.Contain(TestServices.GreenToken));
            Assert.That(services.Provider.GetRequiredService<IOptionsMonitor<GreenApiOptions>>().CurrentValue.ToString(), Does.Not.Contain(TestServices.GreenToken));
        });
    }

    [Test]
    public void Send_MaytapiFailureEchoingKey_NeverRevealsKey()
    {
        using var services = TestServices.Maytapi();
        TestServices.Answer(TestServices.MaytapiPath, TestServices.Json(400, $$"""{"success":false,"message":"key {{TestServices.MaytapiKey}} does not own phone 12"}"""));

        var error = Assert.ThrowsAsync<WhatsAppRequestRejectedException>(() => services.Sender.SendTextAsync(Person, "hi"))!;

        AssertNoSecret(TestServices.MaytapiKey, error, services);
        Assert.Multiple(() =>
        {
            Assert.That(error.ProviderMessage, Is.EqualTo("key *** does not own phone 12"));
            Assert.That(services.Sender.ToString(), Does.Not.Contain(TestServices.MaytapiKey));
            Assert.That(services.Provider.GetRequiredService<IOptionsMonitor<MaytapiOptions>>().CurrentValue.ToString(), Does.Not.Contain(TestServices.MaytapiKey));
        });
    }

    [Test]
    public void Send_MaytapiSuccess_SendsTheKeyAsHeaderButNeverLogsIt()
    {
        using var services = TestServices.Maytapi();
        TestServices.Answer(TestServices.MaytapiPath, TestServices.Json(200, """{"success":true,"data":{"chatId":"905301111111@c.us","msgId":"m1"}}"""));

        Assert.DoesNotThrowAsync(() => services.Sender.SendTextAsync(Person, "hi"));

        var headers = TestServices.Server.LogEntries.Single().RequestMessage!.Headers!;
        Assert.Multiple(() =>
        {
            Assert.That(headers["x-maytapi-key"].ToString(), Is.EqualTo(TestServices.MaytapiKey));
            Assert.That(services.Logs.Lines, Is.Not.Empty);
            Assert.That(services.Logs.Lines.Where(l => l.Contains(TestServices.MaytapiKey, StringComparison.Ordinal)), Is.Empty);
        });
    }

    private static void AssertNoSecret(string secret, Exception error, TestServices services)
    {
        var texts = new List<(string What, string? Text)>();
        for (var e = error; e is not null; e = e.InnerException)
        {
            texts.Add(($"{e.GetType().Name}.Message", e.Message));
            texts.Add(($"{e.GetType().Name}.ToString()", e.ToString()));
            texts.AddRange(e.Data.Cast<DictionaryEntry>().Select(d => ($"{e.GetType().Name}.Data", (string?)$"{d.Key}={d.Value}")));
        }

        if (error is WhatsAppException whatsApp)
        {
            texts.Add(("ResponseBody", whatsApp.ResponseBody));
            texts.Add(("ProviderMessage", whatsApp.ProviderMessage));
        }

        texts.AddRange(services.Logs.Lines.Select(l => ("log", (string?)l)));

        Assert.That(
            texts.Where(t => t.Text?.Contains(secret, StringComparison.OrdinalIgnoreCase) == true).Select(t => t.What),
            Is.Empty,
            "places where the secret appeared");
    }
}
