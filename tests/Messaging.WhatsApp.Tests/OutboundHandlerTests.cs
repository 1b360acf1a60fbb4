using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests;

/// <summary>
/// The outbound handler finishes a send at once when the primary handler answered at once, and through an
/// async method when it answers later or while something listens: every way, the credential is on the wire
/// only, a redirect is refused, and a failure is the primary handler's own.
/// </summary>
public sealed class OutboundHandlerTests
{
    private static readonly ChatAddress Person = ChatAddress.Parse("905301111111");

    public static IEnumerable<TestCaseData> Ways()
    {
        foreach (var provider in TestProvider.Names)
        {
            foreach (var way in Enum.GetValues<Answer>())
            {
                yield return new TestCaseData(provider, way);
            }
        }
    }

    [TestCaseSource(nameof(Ways))]
    public async Task Send_TheCredentialIsOnTheWireOnly(string provider, Answer way)
    {
        var primary = new Primary(way, (request, body) => Success(request, provider));
        using var listening = way == Answer.AtOnceWhileListening ? new TelemetryCapture() : null;
        using var services = TestServices.For(provider, new Uri("http://gateway.invalid/"), retries: false, http: b => b.ConfigurePrimaryHttpMessageHandler(() => primary));

        var result = await services.Sender.SendTextAsync(Person, "hi");

        var secret = TestProvider.Named(provider).Secret;
        Assert.Multiple(() =>
        {
            Assert.That(result.MessageId, Is.EqualTo("BAE5F4886F6F2D05"));
            Assert.That(primary.OnTheWire.Single(), Does.Contain(secret), "the primary handler sees the credential");
            Assert.That(Visible(primary.Requests.Single()), Does.Not.Contain(secret), "the request no longer carries it");
        });
    }

    [TestCaseSource(nameof(Ways))]
    public void Send_APrimaryHandlerThatFollowedARedirect_IsRefused(string provider, Answer way)
    {
        var primary = new Primary(way, (request, body) =>
        {
            // As a handler that follows a redirect leaves it: the request now points elsewhere.
            request.RequestUri = new Uri("http://elsewhere.invalid/collect");
            return Success(request, provider);
        });
        using var listening = way == Answer.AtOnceWhileListening ? new TelemetryCapture() : null;
        using var services = TestServices.For(provider, new Uri("http://gateway.invalid/"), retries: false, http: b => b.ConfigurePrimaryHttpMessageHandler(() => primary));

        var error = Assert.CatchAsync<WhatsAppException>(() => services.Sender.SendTextAsync(Person, "hi"))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.InnerException, Is.TypeOf<HttpRequestException>().With.Message.Contain("followed a redirect"));
            Assert.That(error.IsSafeToRetry, Is.False);
            Assert.That(primary.Responses.Single().Disposed, Is.True, "the redirected answer is disposed");
            Assert.That(Visible(primary.Requests.Single()), Does.Not.Contain(TestProvider.Named(provider).Secret));
        });
    }

    [TestCaseSource(nameof(Ways))]
    public void Send_APrimaryHandlerThatFails_FailsTheSendWithItsError(string provider, Answer way)
    {
        var primary = new Primary(way, (request, body) => throw new HttpRequestException("refused by test", null, HttpStatusCode.BadGateway));
        using var listening = way == Answer.AtOnceWhileListening ? new TelemetryCapture() : null;
        using var services = TestServices.For(provider, new Uri("http://gateway.invalid/"), retries: false, http: b => b.ConfigurePrimaryHttpMessageHandler(() => primary));

        var error = Assert.CatchAsync<WhatsAppException>(() => services.Sender.SendTextAsync(Person, "hi"))!;

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.TypeOf<WhatsAppOutcomeUnknownException>());
            Assert.That(error.InnerException, Is.TypeOf<HttpRequestException>().With.Message.EqualTo("refused by test"));
            Assert.That(primary.OnTheWire.Single(), Does.Contain(TestProvider.Named(provider).Secret));
            Assert.That(Visible(primary.Requests.Single()), Does.Not.Contain(TestProvider.Named(provider).Secret));
        });
    }

    /// <summary>How the primary handler answers.</summary>
    public enum Answer
    {
        /// <summary>With a task already complete, nothing listening to the library's spans.</summary>
        AtOnce,

        /// <summary>With a task that completes later.</summary>
        Later,

        /// <summary>With a task already complete, while a tracer and a meter listen.</summary>
        AtOnceWhileListening,

        /// <summary>By throwing from SendAsync itself instead of returning a task.</summary>
        Throwing,
    }

    private static HttpResponseMessage Success(HttpRequestMessage request, string provider) =>
        new(HttpStatusCode.OK)
        {
            Content = new StringContent(TestProvider.Named(provider).SuccessBody(), Encoding.UTF8, "application/json"),
            RequestMessage = request,
        };

    /// <summary>What of a request could still be seen after the send: its URL and headers.</summary>
    private static string Visible(HttpRequestMessage request) =>
        request.RequestUri + "\n" + string.Join("\n", request.Headers.Select(h => h.Key + ": " + string.Join(",", h.Value)));

    private sealed class Primary(Answer way, Func<HttpRequestMessage, string, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = new();

        public List<string> OnTheWire { get; } = new();

        public List<TrackedResponse> Responses { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            OnTheWire.Add(Visible(request));
            var body = request.Content!.ReadAsStringAsync(cancellationToken).GetAwaiter().GetResult();
            if (way == Answer.Throwing)
            {
                // Whatever the answer throws leaves SendAsync itself, not a task.
                return Task.FromResult(Track(answer(request, body)));
            }

            if (way == Answer.Later)
            {
                return LaterAsync(request, body);
            }

            try
            {
                return Task.FromResult(Track(answer(request, body)));
            }
            catch (Exception e)
            {
                return Task.FromException<HttpResponseMessage>(e);
            }
        }

        private async Task<HttpResponseMessage> LaterAsync(HttpRequestMessage request, string body)
        {
            await Task.Yield();
            return Track(answer(request, body));
        }

        private HttpResponseMessage Track(HttpResponseMessage response)
        {
            var tracked = new TrackedResponse(response);
            Responses.Add(tracked);
            return response;
        }
    }

    /// <summary>Whether an answer was disposed: its content is.</summary>
    private sealed class TrackedResponse(HttpResponseMessage response)
    {
        public bool Disposed
        {
            get
            {
                try
                {
                    _ = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                    return false;
                }
                catch (ObjectDisposedException)
                {
                    return true;
                }
            }
        }
    }
}
