using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Messaging.WhatsApp.Redis.Tests;

/// <summary>A sender's rate limiter replaced by the app's own (<c>UseRateLimiter</c>), for teams with their own store.</summary>
[TestFixture]
public sealed class RateLimiterExtensionPointTests
{
    private FakeGateway _gateway = null!;

    [OneTimeSetUp]
    public async Task Start() => _gateway = await FakeGateway.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _gateway.DisposeAsync();

    [Test]
    public async Task Factory_GetsTheInstanceAndLimit_ItsLimiterGuardsEverySend_AndIsDisposedWithTheSender()
    {
        var contexts = new List<WhatsAppRateLimitContext>();
        var limiter = new CountingLimiter(() => new Lease(true, null, null));
        var services = new ServiceCollection();
        services.AddGreenApi("sales", o =>
        {
            o.ApiUrl = _gateway.BaseAddress;
            o.IdInstance = 1101000090;
            o.ApiTokenInstance = Replicas.Token;
            o.RateLimitQueueLimit = 77;
        }).UseRateLimiter((sp, context) =>
        {
            contexts.Add(context);
            return limiter;
        });
        var provider = services.BuildServiceProvider();
        var sender = provider.GetRequiredKeyedService<IWhatsAppSender>("sales");
        for (var i = 0; i < 3; i++)
        {
            await sender.SendTextAsync(Replicas.Chat, $"custom limiter {i}");
        }

        Assert.That(contexts, Has.Count.EqualTo(1), "one limiter per sender");
        var c = contexts[0];
        Assert.That((c.Provider, c.InstanceId, c.RegistrationName, c.PermitsPerSecond, c.QueueLimit), Is.EqualTo((GreenApiOptions.Provider, "1101000090", "sales", 50, 77)));
        Assert.That(c.ToString(), Is.EqualTo("green-api instance 1101000090, 50 sends a second").And.Not.Contain(Replicas.Token));
        Assert.That(limiter.Acquired, Is.EqualTo(3));
        await provider.DisposeAsync();
        Assert.That(limiter.Disposed, Is.True, "the sender disposes the limiter its factory made");
    }

    [Test]
    public async Task RefusedLease_FailsTyped_WithTheReasonAndRetryAfter_NothingSent()
    {
        var limiter = new CountingLimiter(() => new Lease(false, "the team's store says no", TimeSpan.FromSeconds(3)));
        await using var provider = GreenApi(limiter);
        var error = Assert.ThrowsAsync<WhatsAppRateLimitedException>(() => provider.GetRequiredService<IWhatsAppSender>().SendTextAsync(Replicas.Chat, "refused by custom"));
        Assert.That(error!.Message, Does.Contain("refused the send (the team's store says no); nothing was sent"));
        Assert.That(error.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(3)));
        Assert.That(error.IsSafeToRetry, Is.True);
        await Task.Delay(100);
        Assert.That(_gateway.Arrivals.Select(a => a.Text), Has.None.EqualTo("refused by custom"));
    }

    [Test]
    public async Task ThrowingLimiter_FailsTyped_WithoutQuotingIt_NothingSent()
    {
        var limiter = new CountingLimiter(() => throw new InvalidOperationException("connect to store:6379,password=limiter-secret failed"));
        await using var provider = GreenApi(limiter);
        var error = Assert.ThrowsAsync<WhatsAppRateLimitedException>(() => provider.GetRequiredService<IWhatsAppSender>().SendTextAsync(Replicas.Chat, "limiter threw"));
        Assert.That(error!.Message, Does.Contain("rate limiter failed (InvalidOperationException); nothing was sent").And.Not.Contain("limiter-secret"));
        Assert.That(error.InnerException, Is.TypeOf<InvalidOperationException>());
        Assert.That(error.IsSafeToRetry, Is.True);
        Assert.That(_gateway.Arrivals.Select(a => a.Text), Has.None.EqualTo("limiter threw"));
    }

    [Test]
    public async Task FactoryReturningNull_MeansNoLimit()
    {
        var services = new ServiceCollection();
        services.AddGreenApi(o =>
        {
            o.ApiUrl = _gateway.BaseAddress;
            o.IdInstance = 1101000091;
            o.ApiTokenInstance = Replicas.Token;
            o.MaxSendsPerSecond = 2;
        }).UseRateLimiter((_, _) => null);
        await using var provider = services.BuildServiceProvider();
        var sender = provider.GetRequiredService<IWhatsAppSender>();
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => sender.SendTextAsync(Replicas.Chat, $"no limiter {i}")));
        var arrivals = _gateway.Arrivals.Where(a => a.Text.StartsWith("no limiter ", StringComparison.Ordinal)).ToArray();
        Assert.That(FakeGateway.MaxInAnyWindow(arrivals, TimeSpan.FromSeconds(1)), Is.EqualTo(20), "the in-process limiter (2 a second) is gone too");
    }

    [Test]
    public async Task Maytapi_ContextNamesProductAndPhone_NotTheKey()
    {
        WhatsAppRateLimitContext? seen = null;
        var services = new ServiceCollection();
        services.AddMaytapi(o =>
        {
            o.ApiUrl = _gateway.BaseAddress;
            o.ProductId = "11111111-2222-3333-4444-555555555555";
            o.PhoneId = "12";
            o.ApiKey = "maytapi-key-for-context-test";
            o.MaxSendsPerSecond = 7;
        }).UseRateLimiter((_, c) =>
        {
            seen = c;
            return null;
        });
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IWhatsAppSender>().SendTextAsync(Replicas.Chat, "maytapi context");
        Assert.That((seen!.Provider, seen.InstanceId, seen.PermitsPerSecond), Is.EqualTo((MaytapiOptions.Provider, "11111111-2222-3333-4444-555555555555/12", 7)));
        Assert.That(seen.ToString(), Does.Not.Contain("maytapi-key"));
    }

    private ServiceProvider GreenApi(RateLimiter limiter)
    {
        var services = new ServiceCollection();
        services.AddGreenApi(o =>
        {
            o.ApiUrl = _gateway.BaseAddress;
            o.IdInstance = 1101000092;
            o.ApiTokenInstance = Replicas.Token;
            o.Retry.Enabled = false;
        }).UseRateLimiter((_, _) => limiter);
        return services.BuildServiceProvider();
    }

    private sealed class CountingLimiter(Func<RateLimitLease> lease) : RateLimiter
    {
        public int Acquired { get; private set; }

        public bool Disposed { get; private set; }

        public override TimeSpan? IdleDuration => null;

        public override RateLimiterStatistics? GetStatistics() => null;

        protected override RateLimitLease AttemptAcquireCore(int permitCount) => lease();

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        {
            var result = lease();
            Acquired++;
            return new ValueTask<RateLimitLease>(result);
        }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }

    private sealed class Lease(bool acquired, string? reason, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.ReasonPhrase.Name ? reason
                : metadataName == MetadataName.RetryAfter.Name && retryAfter is not null ? retryAfter.Value
                : null;
            return metadata is not null;
        }
    }
}
