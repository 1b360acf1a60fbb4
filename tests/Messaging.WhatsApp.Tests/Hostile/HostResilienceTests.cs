using System;
using System.Collections.Generic;
using System.Linq;
using System.Diagnostics;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Hostile;

/// <summary>
/// The host set-up .NET Aspire's service defaults and many apps use: a standard resilience handler on every
/// client (<c>ConfigureHttpClientDefaults</c>), from the real Microsoft.Extensions.Http.Resilience package. It
/// retries a POST on 5xx, timeouts and dropped connections, which would duplicate a WhatsApp message. On the
/// library's clients every "outcome unknown" fault is still exactly one request, and the library's own Timeout
/// governs.
/// </summary>
public sealed class HostResilienceTests
{
    private static readonly ChatAddress Person = ChatAddress.Parse("905301111111");

    public enum Fault
    {
        Status500,
        Status503,
        Status408,
        ResetAfterRequest,
        Timeout,
    }

    public enum HostHandler
    {
        StandardResilience,
        StandardHedging,
        CustomRetryPipeline,
    }

    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (var provider in TestProvider.Names)
        {
            foreach (var handler in Enum.GetValues<HostHandler>())
            {
                foreach (var fault in Enum.GetValues<Fault>())
                {
                    yield return new TestCaseData(provider, handler, fault);
                }
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public async Task Send_HostWideResilienceHandler_OutcomeUnknownFaultIsStillOneRequest(string provider, HostHandler handler, Fault fault)
    {
        await using var server = new RawHttpServer(async (_, responder) =>
        {
            switch (fault)
            {
                case Fault.ResetAfterRequest:
                    responder.Reset();
                    return;
                case Fault.Timeout:
                    await Task.Delay(TimeSpan.FromSeconds(3));
                    responder.Close();
                    return;
                default:
                    var status = fault switch { Fault.Status500 => 500, Fault.Status503 => 503, _ => 408 };
                    await responder.WriteAsync(RawHttpServer.Response(status, "text/plain", "try again"));
                    responder.Close();
                    return;
            }
        });
        using var services = TestServices.For(provider, server.Url, timeout: TimeSpan.FromSeconds(1), host: s => AddHostWide(s, handler));

        var error = Assert.CatchAsync(() => services.Sender.SendTextAsync(Person, "hi"));
        await Task.Delay(TimeSpan.FromSeconds(fault == Fault.Timeout ? 3 : 0.3));

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.InstanceOf<WhatsAppException>(), "a typed error, not the resilience pipeline's");
            Assert.That(error, fault == Fault.Status408 ? Is.TypeOf<WhatsAppException>() : Is.TypeOf<WhatsAppOutcomeUnknownException>());
            Assert.That(server.Requests, Has.Count.EqualTo(1), "exactly one request");
        });
    }

    [TestCaseSource(typeof(TestProvider), nameof(TestProvider.All))]
    public async Task Send_HostWideResilienceWithShorterTimeouts_TheLibrarysTimeoutGoverns(TestProvider provider)
    {
        // The host's handler gives up after 1 s per attempt and 2 s in all; the library's Timeout is 10 s and
        // the gateway answers after 3 s: the send succeeds, in one request.
        await using var server = new RawHttpServer(async (_, responder) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            await responder.WriteAsync(RawHttpServer.Response(200, "application/json", provider.SuccessBody()));
            responder.Close();
        });
        using var services = TestServices.For(provider.Name, server.Url, timeout: TimeSpan.FromSeconds(10), host: s => s.ConfigureHttpClientDefaults(b => b.AddStandardResilienceHandler(o =>
        {
            o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(1);
            o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(2);
            o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(2);
        })));

        var sent = await services.Sender.SendTextAsync(Person, "hi");

        Assert.Multiple(() =>
        {
            Assert.That(sent.MessageId, Is.Not.Empty);
            Assert.That(server.Requests, Has.Count.EqualTo(1));
        });
    }

    [TestCaseSource(typeof(TestProvider), nameof(TestProvider.Names))]
    public async Task Send_HostWideResilienceWithLongerTimeouts_TheLibrarysTimeoutGoverns(string provider)
    {
        await using var server = new RawHttpServer(async (_, responder) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            responder.Close();
        });
        using var services = TestServices.For(provider, server.Url, timeout: TimeSpan.FromMilliseconds(700), host: s => s.ConfigureHttpClientDefaults(b => b.AddStandardResilienceHandler()));
        var clock = Stopwatch.StartNew();

        Assert.CatchAsync<WhatsAppOutcomeUnknownException>(() => services.Sender.SendTextAsync(Person, "hi"));

        Assert.Multiple(() =>
        {
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)), "the library's 0.7 s, not the host's 10 s attempt timeout");
            Assert.That(server.Requests, Has.Count.EqualTo(1));
        });
    }

    [TestCaseSource(typeof(TestProvider), nameof(TestProvider.Names))]
    public async Task Send_ResilienceHandlerTheAppAddsToTheLibrarysBuilder_IsKept(string provider)
    {
        // The app's explicit choice, documented as one that can duplicate sends: it is not removed.
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(503, "text/plain", "busy"));
        // The real clock: the handler's own timeouts read the registered TimeProvider, and the tests' recording
        // clock fires every timer at once, which would cancel the attempt before it is sent.
        using var services = TestServices.For(provider, server.Url, host: s => s.AddSingleton(TimeProvider.System), http: b => b.AddStandardResilienceHandler(o =>
        {
            o.Retry.Delay = TimeSpan.FromMilliseconds(10);
            o.Retry.MaxRetryAttempts = 2;
        }));

        Assert.CatchAsync(() => services.Sender.SendTextAsync(Person, "hi"));

        Assert.That(server.Requests, Has.Count.GreaterThan(1), "the app's own handler resent the POST: kept, and able to duplicate");
    }

    [Test]
    public void HandlerChains_HostWideResilience_LeftOutOfTheLibrarysClientOnly()
    {
        using var services = TestServices.For(TestProvider.GreenApi.Name, host: s =>
        {
            s.ConfigureHttpClientDefaults(b => b.AddStandardResilienceHandler());
            s.AddHttpClient("app's own");
        });
        var factory = services.Provider.GetRequiredService<IHttpMessageHandlerFactory>();

        Assert.Multiple(() =>
        {
            Assert.That(Chain(factory.CreateHandler("app's own")), Does.Contain(typeof(ResilienceHandler)), "the app's other clients keep it");
            Assert.That(Chain(factory.CreateHandler("Messaging.WhatsApp.GreenApi")), Does.Not.Contain(typeof(ResilienceHandler)));
            Assert.That(Chain(factory.CreateHandler("Messaging.WhatsApp.GreenApi")).Last(), Is.EqualTo(typeof(SocketsHttpHandler)));
        });
    }

    private static List<Type> Chain(HttpMessageHandler handler)
    {
        var types = new List<Type>();
        for (HttpMessageHandler? h = handler; h is not null; h = (h as DelegatingHandler)?.InnerHandler)
        {
            types.Add(h.GetType());
        }

        return types;
    }

    private static void AddHostWide(IServiceCollection services, HostHandler handler) =>
        services.ConfigureHttpClientDefaults(b =>
        {
            switch (handler)
            {
                case HostHandler.StandardResilience:
                    b.AddStandardResilienceHandler(o => o.Retry.Delay = TimeSpan.FromMilliseconds(10));
                    break;
                case HostHandler.StandardHedging:
                    b.AddStandardHedgingHandler().Configure(o => o.Hedging.Delay = TimeSpan.FromMilliseconds(10));
                    break;
                default:
                    b.AddResilienceHandler("custom", pipeline => pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        Delay = TimeSpan.FromMilliseconds(10),
                        MaxRetryAttempts = 5,
                        ShouldHandle = _ => ValueTask.FromResult(true),
                    }));
                    break;
            }
        });
}
