using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Messaging.WhatsApp.Tests.Infrastructure;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Hostile;

/// <summary>
/// Response headers .NET cannot make sense of, from a raw socket server: a charset it does not know, a
/// Content-Type that does not parse, odd framing. The body decides the outcome; nothing but a typed error
/// leaves a send, and a success whose body is right stays a success.
/// </summary>
public sealed class OddHeaderTests
{
    private static readonly ChatAddress Person = ChatAddress.Parse("905301111111");

    private static readonly string[] OddContentTypes =
    [
        "application/json; charset=utf8mb4",
        "application/json; charset=binary",
        "application/json; charset=x-no-such-charset",
        "application/json; charset=",
        "application/json; charset=\"utf-16\"",
        "text/html; charset=iso-8859-1",
        ";;;",
        "application/json; charset=utf-8; charset=latin1",
    ];

    public static IEnumerable<TestCaseData> SuccessCases() =>
        Each(provider => OddContentTypes, (provider, contentType) => new TestCaseData(provider, contentType));

    [TestCaseSource(nameof(SuccessCases))]
    public async Task Send_SuccessWithContentTypeDotNetCannotDecode_IsTheSuccess(string provider, string contentType)
    {
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(200, contentType, TestProvider.Named(provider).SuccessBody("3EB0C767D097B7C7C030")));
        using var services = TestServices.For(provider, server.Url);

        var sent = await services.Sender.SendTextAsync(Person, "hi");

        Assert.Multiple(() =>
        {
            Assert.That(sent.MessageId, Is.EqualTo("3EB0C767D097B7C7C030"));
            Assert.That(server.Requests, Has.Count.EqualTo(1));
        });
    }

    public static IEnumerable<TestCaseData> FailureCases()
    {
        foreach (var contentType in OddContentTypes)
        {
            yield return new TestCaseData(TestProvider.GreenApi.Name, 400, contentType, """{"statusCode":400,"message":"Validation failed"}""", typeof(WhatsAppRequestRejectedException));
            yield return new TestCaseData(TestProvider.GreenApi.Name, 466, contentType, """{"invokeStatus":{"status":"QUOTE_EXCEEDED"}}""", typeof(WhatsAppQuotaExceededException));
            yield return new TestCaseData(TestProvider.GreenApi.Name, 502, contentType, "<html>Bad Gateway</html>", typeof(WhatsAppOutcomeUnknownException));
            yield return new TestCaseData(TestProvider.Maytapi.Name, 200, contentType, """{"success":false,"message":"Lib not loaded","code":"W05"}""", typeof(WhatsAppInstanceNotReadyException));
            yield return new TestCaseData(TestProvider.Maytapi.Name, 400, contentType, """{"success":false,"message":"not your phone"}""", typeof(WhatsAppRequestRejectedException));
            yield return new TestCaseData(TestProvider.Maytapi.Name, 500, contentType, "internal", typeof(WhatsAppOutcomeUnknownException));
        }
    }

    [TestCaseSource(nameof(FailureCases))]
    public async Task Send_FailureWithContentTypeDotNetCannotDecode_IsItsTypedError(string provider, int status, string contentType, string body, Type expected)
    {
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(status, contentType, body));
        using var services = TestServices.For(provider, server.Url, retries: false);

        var error = Assert.CatchAsync(() => services.Sender.SendTextAsync(Person, "hi"));

        Assert.That(error, Is.TypeOf(expected));
    }

    public static IEnumerable<TestCaseData> BrokenResponses()
    {
        yield return new TestCaseData("reset after the status line", "HTTP/1.1 200 OK\r\n", true);
        yield return new TestCaseData("reset after the headers", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n", true);
        yield return new TestCaseData("close in the middle of the body", "HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n{\"idMessage\":\"3EB0", false);
        yield return new TestCaseData("no status line", "hello\r\n\r\n", false);
        yield return new TestCaseData("a status line with letters", "HTTP/1.1 2OO OK\r\nContent-Length: 0\r\n\r\n", false);
        yield return new TestCaseData("a header without a colon", "HTTP/1.1 200 OK\r\nno colon here\r\nContent-Length: 2\r\n\r\n{}", false);
        yield return new TestCaseData("two different Content-Lengths", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\n{}", false);
        yield return new TestCaseData("a broken chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", false);
        yield return new TestCaseData("an informational status, then nothing", "HTTP/1.1 102 Processing\r\n\r\n", false);
        yield return new TestCaseData("a Content-Type of control characters", "HTTP/1.1 200 OK\r\nContent-Type: \u0001\u0002\r\nContent-Length: 2\r\n\r\n{}", false);
        yield return new TestCaseData("a header value in Latin-1", "HTTP/1.1 400 Bad\r\nX-Why: \u00e9\u00e8\r\nContent-Length: 2\r\n\r\n{}", false);
    }

    [TestCaseSource(nameof(BrokenResponses))]
    public async Task Send_BrokenResponse_IsATypedErrorAndNeverASuccess(string what, string response, bool reset)
    {
        foreach (var provider in TestProvider.Names)
        {
            await using var server = new RawHttpServer(async (_, responder) =>
            {
                await responder.WriteAsync(response);
                if (reset)
                {
                    responder.Reset();
                }
                else
                {
                    responder.Close();
                }
            });
            using var services = TestServices.For(provider, server.Url, timeout: TimeSpan.FromSeconds(5));

            var error = Assert.CatchAsync(() => services.Sender.SendTextAsync(Person, "hi"), $"{provider}: {what}");

            Assert.Multiple(() =>
            {
                Assert.That(error, Is.InstanceOf<WhatsAppException>(), $"{provider}: {what}");
                Assert.That(server.Requests, Has.Count.EqualTo(1), $"{provider}: {what}: sent once");
            });
        }
    }

    private static IEnumerable<TestCaseData> Each(Func<string, IEnumerable<string>> values, Func<string, string, TestCaseData> make)
    {
        foreach (var provider in TestProvider.Names)
        {
            foreach (var value in values(provider))
            {
                yield return make(provider, value);
            }
        }
    }
}
