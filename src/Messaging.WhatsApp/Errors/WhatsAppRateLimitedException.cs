using System;

namespace Messaging.WhatsApp;

/// <summary>
/// Too many requests: the gateway's rate limit (HTTP 429), or the sender's own rate limiter could not queue
/// the send. <see cref="WhatsAppException.IsSafeToRetry"/> is true where nothing was sent (the sender's own
/// limiter, or a provider that documents its 429 so); the sender then retries, honouring <see cref="RetryAfter"/>.
/// </summary>
public sealed class WhatsAppRateLimitedException : WhatsAppException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened, free of secrets.</param>
    /// <param name="details">The provider's answer.</param>
    /// <param name="retryAfter">How long the provider asked to wait, or null.</param>
    /// <param name="innerException">The exception that caused this one, or null.</param>
    /// <param name="isSafeToRetry">Whether nothing was sent; the provider's error map decides.</param>
    public WhatsAppRateLimitedException(string message, WhatsAppErrorDetails details, TimeSpan? retryAfter = null, Exception? innerException = null, bool isSafeToRetry = false)
        : base(message, details, innerException, isSafeToRetry)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>How long the provider asked to wait (its Retry-After header), or null.</summary>
    public TimeSpan? RetryAfter { get; }
}
