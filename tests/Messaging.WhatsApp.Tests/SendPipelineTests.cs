using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests;

/// <summary>
/// The send pipeline as one async method over a provider's <see cref="ISendAttempt{TRequest}"/>: an attempt's
/// result, its client's exception and a map that fails themselves, each mapped as the provider senders rely on.
/// </summary>
public sealed class SendPipelineTests
{
    private static readonly WhatsAppProvider Provider = new("test", "Test");

    [Test]
    public async Task Send_AnswerInterpreted_ReturnsTheResultAfterOneCall()
    {
        using var pipeline = NewPipeline();
        var calls = 0;

        var result = await pipeline.SendAsync(
            new Attempt<string>(id =>
            {
                calls++;
                return Task.FromResult(new SendResult(Provider, id, "chat"));
            }),
            "id-1",
            null,
            CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.MessageId, Is.EqualTo("id-1"));
            Assert.That(calls, Is.EqualTo(1));
        });
    }

    [Test]
    public void Send_ClientExceptionMappedToSafeError_IsRetriedThenThrownTyped()
    {
        using var pipeline = NewPipeline();
        var calls = 0;

        var thrown = Assert.ThrowsAsync<WhatsAppInstanceNotReadyException>(() => pipeline.SendAsync(
            new Attempt<int>(
                _ =>
                {
                    calls++;
                    return Task.FromException<SendResult>(new ClientFailure());
                },
                static e => e is ClientFailure
                    ? new WhatsAppInstanceNotReadyException("not ready; nothing was sent", new WhatsAppErrorDetails(Provider), e, isSafeToRetry: true)
                    : null),
            0,
            null,
            CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.InnerException, Is.InstanceOf<ClientFailure>());
            Assert.That(calls, Is.EqualTo(3), "three attempts, as RetryOptions allows by default");
        });
    }

    [Test]
    public void Send_MapOfTheClientExceptionThrows_FailsTypedAsOutcomeUnknownWithoutRetry()
    {
        // The map runs in an exception filter, where a throw would be swallowed and let the raw client
        // exception escape untyped. It is mapped like any unexpected failure after the request was written.
        using var pipeline = NewPipeline();
        var calls = 0;

        var thrown = Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => pipeline.SendAsync(
            new Attempt<int>(
                _ =>
                {
                    calls++;
                    return Task.FromException<SendResult>(new ClientFailure());
                },
                static _ => throw new InvalidOperationException("the map broke")),
            0,
            null,
            CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.InnerException, Is.InstanceOf<InvalidOperationException>());
            Assert.That(thrown.IsSafeToRetry, Is.False);
            Assert.That(calls, Is.EqualTo(1));
        });
    }

    [Test]
    public void Send_AttemptThrowsTypedError_PassesItAsItIs()
    {
        using var pipeline = NewPipeline();
        var rejected = new WhatsAppRequestRejectedException("refused", new WhatsAppErrorDetails(Provider));

        var thrown = Assert.ThrowsAsync<WhatsAppRequestRejectedException>(() => pipeline.SendAsync(
            new Attempt<WhatsAppException>(static error => throw error),
            rejected,
            null,
            CancellationToken.None));

        Assert.That(thrown, Is.SameAs(rejected));
    }

    private static SendPipeline NewPipeline() =>
        new(Provider, new RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(1) }, limiter: null, TimeProvider.System, NullLogger.Instance);

    private sealed class ClientFailure : Exception
    {
    }

    /// <summary>An attempt made of functions, as a provider's sender implements the contract.</summary>
    private sealed class Attempt<TRequest>(Func<TRequest, Task<SendResult>> attempt, Func<Exception, WhatsAppException?>? map = null) : ISendAttempt<TRequest>
    {
        public Task<SendResult> AttemptAsync(TRequest request, CancellationToken cancellationToken) => attempt(request);

        public WhatsAppException? MapFailure(Exception exception) => map?.Invoke(exception);

        public (string ChatId, string? Text) Describe(TRequest request) => ("chat", null);
    }
}
