using System;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp;

/// <summary>
/// What a provider's sender tells the send pipeline (<see cref="SendPipeline"/>): how to make one attempt of a send,
/// and what its generated client's failures mean. The pipeline does the rest: rate limit, retries of what is safe,
/// typed errors for what the HTTP stack throws, telemetry.
/// </summary>
/// <typeparam name="TRequest">The provider's request (its generated model).</typeparam>
internal interface ISendAttempt<in TRequest>
{
    /// <summary>
    /// Calls the gateway once and turns its answer into a result, or throws the provider's typed error for an answer
    /// that is not a success.
    /// </summary>
    Task<SendResult> AttemptAsync(TRequest request, CancellationToken cancellationToken);

    /// <summary>The provider's typed error for what an attempt threw (its client's exception), or null for anything else.</summary>
    WhatsAppException? MapFailure(Exception exception);

    /// <summary>The chat the request goes to, and its text when it has one: what a send recorder keeps of it.</summary>
    (string ChatId, string? Text) Describe(TRequest request);
}
