using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Newtonsoft.Json;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests;

/// <summary>
/// A generated client reuses its last request URI when it sends to the same URL again: the URI must always be
/// exactly the one HttpClient would have built from the text and the base address, whatever changed since.
/// </summary>
public sealed class RequestUriTests
{
    private static readonly Uri Base = new("https://api.example.com/v1/");

    [Test]
    public void TheSameUrl_ReusesTheUri_AnythingElseBuildsANewOne()
    {
        RequestUri? last = null;
        var first = Resolve(ref last, Base, "waInstance1/sendMessage/abc");
        var again = Resolve(ref last, Base, "waInstance1/sendMessage/abc");
        var otherText = Resolve(ref last, Base, "waInstance1/sendMessage/abd");
        var otherBase = Resolve(ref last, new Uri("https://api.example.com/v1/"), "waInstance1/sendMessage/abd");

        Assert.Multiple(() =>
        {
            Assert.That(again, Is.SameAs(first));
            Assert.That(otherText, Is.Not.SameAs(first));
            Assert.That(otherText.AbsoluteUri, Is.EqualTo("https://api.example.com/v1/waInstance1/sendMessage/abd"));
            Assert.That(otherBase, Is.Not.SameAs(otherText), "another base address object is another key");
        });
    }

    [TestCase("waInstance1/sendMessage/abc")]
    [TestCase("a%20b/c?x=1&y=%2F")]
    [TestCase("../up/one")]
    [TestCase("https://elsewhere.example/absolute")]
    [TestCase("")]
    [TestCase("ünï/cödé")]
    public void TheUri_IsTheOneHttpClientWouldBuild(string text)
    {
        RequestUri? last = null;
        var uri = Resolve(ref last, Base, text);
        var parsed = new Uri(text, UriKind.RelativeOrAbsolute);
        var expected = parsed.IsAbsoluteUri ? parsed : new Uri(Base, parsed);
        Assert.That(uri.AbsoluteUri, Is.EqualTo(expected.AbsoluteUri));
        Assert.That(uri.OriginalString, Is.EqualTo(expected.OriginalString));
    }

    [Test]
    public void WithoutABaseAddress_ARelativeUrlStaysRelative()
    {
        // HttpClient then refuses it, as it did before the cache.
        RequestUri? last = null;
        Assert.That(Resolve(ref last, null, "waInstance1/x").IsAbsoluteUri, Is.False);
    }

    [Test]
    public void TheBuilder_GoesBackEmpty()
    {
        RequestUri? last = null;
        var builder = RequestUris.Builder();
        builder.Append("waInstance1/sendMessage/secret");
        RequestUri.Resolve(ref last, Base, builder, out _);
        var next = RequestUris.Builder();
        Assert.That(next, Is.SameAs(builder));
        Assert.That(next.Length, Is.Zero);
        RequestUris.Return(next);
    }

    [Test]
    public async Task AGeneratedClient_SendsEachRequestToItsOwnUrl_AlsoConcurrently()
    {
        using var handler = new Recording();
        using var http = new HttpClient(handler) { BaseAddress = Base };
        var client = new GreenApiClient(http);

        // Sequentially: a change of either path parameter is seen, and going back too.
        foreach (var (id, token) in new[] { (1L, "tokA"), (1L, "tokA"), (2L, "tokA"), (2L, "tokB"), (1L, "tokA") })
        {
            await client.SendMessageAsync(id, token, new GreenApiSendMessageRequest { ChatId = "1@c.us", Message = $"{id}/{token}" });
        }

        // Concurrently, on many threads, with a few URLs in turn.
        var tasks = Enumerable.Range(0, 400).Select(i => Task.Run(() =>
        {
            var id = 1000L + (i % 3);
            var token = "t" + (i % 5);
            return client.SendMessageAsync(id, token, new GreenApiSendMessageRequest { ChatId = "1@c.us", Message = $"{id}/{token}" });
        }));
        await Task.WhenAll(tasks);

        Assert.That(handler.Count, Is.EqualTo(405));
        Assert.That(handler.Mismatches, Is.Empty);
    }

    [Test]
    public async Task ABodyNotYetBuffered_IsStillReadAndParsed()
    {
        var settings = new JsonSerializerSettings();
        StrictContractResolver.Apply(settings);
        using var good = new HttpResponseMessage(HttpStatusCode.OK) { Content = new Slow("""{"idMessage":"BAE5"}""") };
        var parsed = await GeneratedClientSupport.ReadObjectAsync<GreenApiSendMessageResponse>(good, settings, CancellationToken.None);
        Assert.That(parsed.Error, Is.Null);
        Assert.That(parsed.Value.IdMessage, Is.EqualTo("BAE5"));

        using var bad = new HttpResponseMessage(HttpStatusCode.OK) { Content = new Slow("""{"idMessage":5}""") };
        var refused = await GeneratedClientSupport.ReadObjectAsync<GreenApiSendMessageResponse>(bad, settings, CancellationToken.None);
        Assert.That(refused.Error, Is.Not.Null);
        Assert.That(refused.Text, Is.EqualTo("""{"idMessage":5}"""));
    }

    private static Uri Resolve(ref RequestUri? last, Uri? baseAddress, string text)
    {
        var builder = RequestUris.Builder();
        builder.Append(text);
        RequestUri.Resolve(ref last, baseAddress, builder, out var uri);
        return uri;
    }

    /// <summary>Checks that each request went to the URL its body names, and answers a success.</summary>
    private sealed class Recording : HttpMessageHandler
    {
        private int _count;

        public ConcurrentQueue<string> Mismatches { get; } = new();

        public int Count => _count;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            var named = body.Split("\"message\":\"")[1].Split('"')[0].Split('/');
            var expected = new Uri(Base, $"waInstance{named[0]}/sendMessage/{named[1]}");
            if (request.RequestUri != expected || request.RequestUri!.OriginalString != expected.OriginalString)
            {
                Mismatches.Enqueue($"{request.RequestUri} for {body}");
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"idMessage":"BAE5"}""", Encoding.UTF8, "application/json") };
        }
    }

    /// <summary>A body that arrives only after a yield, so that reading it cannot complete at once.</summary>
    private sealed class Slow(string text) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await Task.Yield();
            var bytes = Encoding.UTF8.GetBytes(text);
            await stream.WriteAsync(bytes);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
