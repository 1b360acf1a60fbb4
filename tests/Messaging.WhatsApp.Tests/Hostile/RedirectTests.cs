using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Hostile;

/// <summary>
/// The library's clients never follow a redirect: a 3xx is one request and a typed error, and the message
/// and its credential never go to another address, whatever primary handler the app configured.
/// </summary>
public sealed class RedirectTests
{
    private static readonly ChatAddress Person = ChatAddress.Parse("905301111111");

    public static IEnumerable<TestCaseData> Redirects()
    {
        foreach (var provider in TestProvider.Names)
        {
            foreach (var status in new[] { 301, 302, 303, 307, 308 })
            {
                yield return new TestCaseData(provider, status);
            }
        }
    }

    [TestCaseSource(nameof(Redirects))]
    public async Task Send_RedirectToAnotherOrigin_OneRequestATypedErrorAndNothingReachesTheOtherOrigin(string provider, int status)
    {
        await using var elsewhere = RawHttpServer.Answering(RawHttpServer.Response(200, "application/json", TestProvider.Named(provider).SuccessBody()));
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(status, "text/plain", "moved", ("Location", new Uri(elsewhere.Url, "collect").AbsoluteUri)));
        using var services = TestServices.For(provider, server.Url);

        var error = Assert.CatchAsync(() => services.Sender.SendTextAsync(Person, "hi"));

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.TypeOf<WhatsAppException>());
            Assert.That(((WhatsAppException)error!).IsSafeToRetry, Is.False);
            Assert.That(error!.Message, Does.Contain("redirect").And.Contain("127.0.0.1"));
            Assert.That(server.Requests, Has.Count.EqualTo(1));
            Assert.That(elsewhere.Requests, Is.Empty, "the other origin received nothing");
        });
    }

    [TestCaseSource(typeof(TestProvider), nameof(TestProvider.Names))]
    public async Task Send_RedirectLoop_IsOneRequest(string provider)
    {
        RawHttpServer? server = null;
        server = new RawHttpServer(async (request, responder) =>
        {
            await responder.WriteAsync(RawHttpServer.Response(307, null, string.Empty, ("Location", new Uri(server!.Url, request.Target).AbsoluteUri)));
        });
        await using (server)
        {
            using var services = TestServices.For(provider, server.Url);

            Assert.CatchAsync<WhatsAppException>(() => services.Sender.SendTextAsync(Person, "hi"));

            Assert.That(server.Requests, Has.Count.EqualTo(1));
        }
    }

    public static IEnumerable<TestCaseData> RedirectFollowingHandlers()
    {
        foreach (var provider in TestProvider.Names)
        {
            yield return new TestCaseData(provider, new Func<HttpMessageHandler>(() => new SocketsHttpHandler { AllowAutoRedirect = true })).SetArgDisplayNames(provider, "SocketsHttpHandler");
            yield return new TestCaseData(provider, new Func<HttpMessageHandler>(() => new HttpClientHandler { AllowAutoRedirect = true })).SetArgDisplayNames(provider, "HttpClientHandler");
        }
    }

    [TestCaseSource(nameof(RedirectFollowingHandlers))]
    public async Task Send_AppConfiguresAPrimaryHandlerThatFollowsRedirects_StillOneRequest(string provider, Func<HttpMessageHandler> primary)
    {
        await using var elsewhere = RawHttpServer.Answering(RawHttpServer.Response(200, "application/json", TestProvider.Named(provider).SuccessBody()));
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(307, null, string.Empty, ("Location", elsewhere.Url.AbsoluteUri)));
        using var services = TestServices.For(provider, server.Url, http: b => b.ConfigurePrimaryHttpMessageHandler(primary));

        Assert.CatchAsync<WhatsAppException>(() => services.Sender.SendTextAsync(Person, "hi"));

        Assert.Multiple(() =>
        {
            Assert.That(server.Requests, Has.Count.EqualTo(1));
            Assert.That(elsewhere.Requests, Is.Empty);
        });
    }

    [TestCaseSource(typeof(TestProvider), nameof(TestProvider.All))]
    public async Task PublicConstructor_WithAHandlerThatFollowsRedirects_StillOneRequest(TestProvider provider)
    {
        await using var elsewhere = RawHttpServer.Answering(RawHttpServer.Response(200, "application/json", provider.SuccessBody()));
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(308, null, string.Empty, ("Location", elsewhere.Url.AbsoluteUri)));
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = true };
        using var sender = new OwnedSender(provider.Construct(server.Url, handler));

        Assert.CatchAsync<WhatsAppException>(() => sender.SendTextAsync(Person, "hi"));

        Assert.Multiple(() =>
        {
            Assert.That(server.Requests, Has.Count.EqualTo(1));
            Assert.That(elsewhere.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task Send_MaytapiRedirect_TheKeyReachesOnlyTheConfiguredHost()
    {
        await using var elsewhere = RawHttpServer.Answering(RawHttpServer.Response(200, "application/json", TestProvider.Maytapi.SuccessBody()));
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(307, null, string.Empty, ("Location", elsewhere.Url.AbsoluteUri)));
        using var services = TestServices.For(TestProvider.Maytapi.Name, server.Url);

        Assert.CatchAsync<WhatsAppException>(() => services.Sender.SendTextAsync(Person, "hi"));

        Assert.Multiple(() =>
        {
            Assert.That(server.Requests.Single().Headers["x-maytapi-key"], Is.EqualTo(TestServices.MaytapiKey));
            Assert.That(elsewhere.Requests.Select(r => r.RawHead), Has.None.Contains(TestServices.MaytapiKey));
        });
    }

    /// <summary>A sender built with a public constructor (<see cref="TestProvider.Construct"/>), disposed with the test.</summary>
    private sealed class OwnedSender(IWhatsAppSender sender) : IDisposable
    {
        public Task<SendResult> SendTextAsync(ChatAddress chat, string text) => sender.SendTextAsync(chat, text);

        public void Dispose() => (sender as IDisposable)?.Dispose();
    }
}
