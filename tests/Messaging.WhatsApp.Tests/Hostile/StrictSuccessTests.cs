using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Messaging.WhatsApp.Tests.Infrastructure;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Hostile;

/// <summary>
/// A success is exactly what the spec says: GREEN-API a 2xx whose <c>idMessage</c> is a non-empty JSON string,
/// Maytapi <c>success</c> the literal <c>true</c> and <c>data.msgId</c> a non-empty JSON string, in one complete
/// JSON text of UTF-8 whose known fields have their types. Unknown fields are tolerated. A 2xx that cannot be
/// trusted is an unknown outcome (the provider may have queued it), never a success, never a parse exception.
/// </summary>
public sealed class StrictSuccessTests
{
    private static readonly ChatAddress Person = ChatAddress.Parse("905301111111");

    private static readonly (string What, string Body)[] GreenApiUntrusted =
    [
        ("id is true", """{"idMessage":true}"""),
        ("id is a number", """{"idMessage":12345678901234567}"""),
        ("id is a float", """{"idMessage":1.5}"""),
        ("id is null", """{"idMessage":null}"""),
        ("id is an array", """{"idMessage":["3EB0"]}"""),
        ("id is an object", """{"idMessage":{"id":"3EB0"}}"""),
        ("id is empty", """{"idMessage":""}"""),
        ("name in Pascal case", """{"IdMessage":"3EB0C767D097B7C7C030"}"""),
        ("name in upper case", """{"IDMESSAGE":"3EB0C767D097B7C7C030"}"""),
        ("name in lower case", """{"idmessage":"3EB0C767D097B7C7C030"}"""),
        ("trailing text", """{"idMessage":"3EB0C767D097B7C7C030"} ok"""),
        ("a second value", """{"idMessage":"3EB0C767D097B7C7C030"}{"idMessage":"x"}"""),
        ("trailing comma after the value", """{"idMessage":"3EB0C767D097B7C7C030"},"""),
        ("trailing comma in the object", """{"idMessage":"3EB0C767D097B7C7C030",}"""),
        ("single quotes", """{'idMessage':'3EB0C767D097B7C7C030'}"""),
        ("unquoted name", """{idMessage:"3EB0C767D097B7C7C030"}"""),
        ("a comment before", """/*ok*/{"idMessage":"3EB0C767D097B7C7C030"}"""),
        ("a comment after", """{"idMessage":"3EB0C767D097B7C7C030"}//ok"""),
        ("the id twice", """{"idMessage":"3EB0C767D097B7C7C030","idMessage":"BAE5F4886F6F2D05"}"""),
        ("NaN in an extra field", """{"idMessage":"3EB0C767D097B7C7C030","n":NaN}"""),
        ("a leading zero in an extra field", """{"idMessage":"3EB0C767D097B7C7C030","n":01}"""),
        ("a lone surrogate", """{"idMessage":"3EB0\ud800"}"""),
        ("a raw tab in the id", "{\"idMessage\":\"3EB0\tC767\"}"),
        ("truncated", """{"idMessage":"3EB0C767D097B7C7C030" """),
        ("just the id string", "\"3EB0C767D097B7C7C030\""),
        ("an array around it", """[{"idMessage":"3EB0C767D097B7C7C030"}]"""),
        ("null", "null"),
        ("empty", string.Empty),
        ("the known code field as a string", """{"idMessage":"3EB0C767D097B7C7C030","code":"200"}"""),
        ("deep nesting in an extra field", "{\"idMessage\":\"3EB0C767D097B7C7C030\",\"deep\":" + new string('[', 200) + new string(']', 200) + "}"),
    ];

    private static readonly (string What, string Body)[] MaytapiUntrusted =
    [
        ("success is a string", """{"success":"true","data":{"chatId":"905301111111@c.us","msgId":"m-1"}}"""),
        ("success is 1", """{"success":1,"data":{"chatId":"905301111111@c.us","msgId":"m-1"}}"""),
        ("success is null", """{"success":null,"data":{"chatId":"905301111111@c.us","msgId":"m-1"}}"""),
        ("success missing", """{"data":{"chatId":"905301111111@c.us","msgId":"m-1"}}"""),
        ("Success in Pascal case", """{"Success":true,"data":{"chatId":"905301111111@c.us","msgId":"m-1"}}"""),
        ("MsgId in Pascal case", """{"success":true,"data":{"chatId":"905301111111@c.us","MsgId":"m-1"}}"""),
        ("msgId is a number", """{"success":true,"data":{"chatId":"905301111111@c.us","msgId":123}}"""),
        ("msgId is true", """{"success":true,"data":{"chatId":"905301111111@c.us","msgId":true}}"""),
        ("msgId is empty", """{"success":true,"data":{"chatId":"905301111111@c.us","msgId":""}}"""),
        ("msgId is null", """{"success":true,"data":{"chatId":"905301111111@c.us","msgId":null}}"""),
        ("chatId is a number", """{"success":true,"data":{"chatId":905301111111,"msgId":"m-1"}}"""),
        ("chatId is null", """{"success":true,"data":{"chatId":null,"msgId":"m-1"}}"""),
        ("data is a string", """{"success":true,"data":"m-1"}"""),
        ("message is a number", """{"success":true,"message":5,"data":{"chatId":"905301111111@c.us","msgId":"m-1"}}"""),
        ("code is a number", """{"success":true,"code":5,"data":{"chatId":"905301111111@c.us","msgId":"m-1"}}"""),
        ("success twice", """{"success":false,"success":true,"data":{"chatId":"905301111111@c.us","msgId":"m-1"}}"""),
        ("trailing text", """{"success":true,"data":{"chatId":"905301111111@c.us","msgId":"m-1"}} x"""),
        ("unquoted true", """{"success":True,"data":{"chatId":"905301111111@c.us","msgId":"m-1"}}"""),
        ("no data", """{"success":true}"""),
    ];

    public static IEnumerable<TestCaseData> UntrustedBodies()
    {
        foreach (var (what, body) in GreenApiUntrusted)
        {
            yield return new TestCaseData(TestProvider.GreenApi.Name, Encoding.UTF8.GetBytes(body)).SetName($"Send_GreenApi200{Name(what)}_IsOutcomeUnknown");
        }

        foreach (var (what, body) in MaytapiUntrusted)
        {
            yield return new TestCaseData(TestProvider.Maytapi.Name, Encoding.UTF8.GetBytes(body)).SetName($"Send_Maytapi200{Name(what)}_IsOutcomeUnknown");
        }

        foreach (var provider in TestProvider.All)
        {
            var body = Encoding.UTF8.GetBytes(provider.SuccessBody("3EB0C767D097B7C7C030"));
            yield return new TestCaseData(provider.Name, (byte[])[0xEF, 0xBB, 0xBF, .. body]).SetName($"Send_{provider.TestName}200ByteOrderMark_IsOutcomeUnknown");
            yield return new TestCaseData(provider.Name, Replace(body, "3EB0"u8.ToArray(), [0x33, 0xFF, 0xFE, 0x30])).SetName($"Send_{provider.TestName}200InvalidUtf8InTheId_IsOutcomeUnknown");
            yield return new TestCaseData(provider.Name, Replace(body, "3EB0"u8.ToArray(), [0x33, 0xC0, 0xAF, 0x30])).SetName($"Send_{provider.TestName}200OverlongUtf8InTheId_IsOutcomeUnknown");
            yield return new TestCaseData(provider.Name, Replace(body, "3EB0"u8.ToArray(), [0x33, 0xED, 0xA0, 0x80])).SetName($"Send_{provider.TestName}200EncodedSurrogateInTheId_IsOutcomeUnknown");
            yield return new TestCaseData(provider.Name, (byte[])[.. body, 0xFF]).SetName($"Send_{provider.TestName}200InvalidUtf8AfterTheValue_IsOutcomeUnknown");
            yield return new TestCaseData(provider.Name, Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(body))).SetName($"Send_{provider.TestName}200Utf16_IsOutcomeUnknown");
        }
    }

    [TestCaseSource(nameof(UntrustedBodies))]
    public async Task Send_2xxWhoseBodyIsNotExactlyTheSpecs_IsOutcomeUnknownAndSentOnce(string provider, byte[] body)
    {
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(200, "application/json", body));
        using var services = TestServices.For(provider, server.Url);

        var error = Assert.CatchAsync(() => services.Sender.SendTextAsync(Person, "hi"));

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.TypeOf<WhatsAppOutcomeUnknownException>());
            Assert.That(server.Requests, Has.Count.EqualTo(1));
        });
    }

    public static IEnumerable<TestCaseData> TrustedBodies()
    {
        yield return new TestCaseData(TestProvider.GreenApi.Name, 200, """{"idMessage":"3EB0C767D097B7C7C030","unknown":{"deep":[1,2,{"x":null}]},"IdMessage":5}""", "3EB0C767D097B7C7C030").SetName("Send_GreenApi200WithUnknownFields_IsSuccess");
        yield return new TestCaseData(TestProvider.GreenApi.Name, 200, " \r\n\t{ \"idMessage\" : \"3EB0C767D097B7C7C030\" } \n", "3EB0C767D097B7C7C030").SetName("Send_GreenApi200WithWhiteSpaceAround_IsSuccess");
        yield return new TestCaseData(TestProvider.GreenApi.Name, 200, """{"idMessage":"\u0033EB0\/x\u00e9\ud83d\ude00"}""", "3EB0/x\u00e9\ud83d\ude00").SetName("Send_GreenApi200WithEscapesInTheId_IsSuccess");
        yield return new TestCaseData(TestProvider.GreenApi.Name, 202, """{"idMessage":"3EB0C767D097B7C7C030"}""", null).SetName("Send_GreenApi202_IsOutcomeUnknown");
        yield return new TestCaseData(TestProvider.Maytapi.Name, 200, """{"success":true,"data":{"chatId":"905301111111@c.us","msgId":"m-1","ack":{"x":1}},"extra":[true]}""", "m-1").SetName("Send_Maytapi200WithUnknownFields_IsSuccess");
        yield return new TestCaseData(TestProvider.Maytapi.Name, 200, """{"success":true,"data":{"msgId":"m-1"}}""", "m-1").SetName("Send_Maytapi200WithoutChatId_IsSuccess");
    }

    [TestCaseSource(nameof(TrustedBodies))]
    public async Task Send_2xxBody_IsSuccessOnlyWhenTheSpecSaysSo(string provider, int status, string body, string? expectedId)
    {
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(status, "application/json", body));
        using var services = TestServices.For(provider, server.Url);

        if (expectedId is null)
        {
            Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => services.Sender.SendTextAsync(Person, "hi"));
            return;
        }

        var sent = await services.Sender.SendTextAsync(Person, "hi");

        Assert.That(sent.MessageId, Is.EqualTo(expectedId));
    }

    [Test]
    public async Task Send_GreenApi200WithCode401_IsAuthenticationNotUnknown()
    {
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(200, "application/json", """{"code":401,"description":"Unauthorized"}"""));
        using var services = TestServices.For(TestProvider.GreenApi.Name, server.Url);

        var error = Assert.ThrowsAsync<WhatsAppAuthenticationException>(() => services.Sender.SendTextAsync(Person, "hi"))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.ProviderCode, Is.EqualTo("401"));
            Assert.That(error.ProviderMessage, Is.EqualTo("Unauthorized"));
            Assert.That(server.Requests, Has.Count.EqualTo(1));
        });
    }

    private static string Name(string what) =>
        string.Concat(what.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    private static byte[] Replace(byte[] body, byte[] what, byte[] with)
    {
        var at = body.AsSpan().IndexOf(what);
        return [.. body[..at], .. with, .. body[(at + what.Length)..]];
    }
}
