using System;

namespace Messaging.WhatsApp;

/// <summary>
/// Too many requests (GREEN-API HTTP 429: more than 50 sendMessage calls a second per instance), or the
/// sender's own rate limiter could not queue the send. GREEN-API's 429 is retried automatically,
/// honouring <see cref="RetryAfter"/>.
/// </summary>
public sealed class WhatsAppRateLimitedException : WhatsAppException
{
    /// <inheritdoc cref="WhatsAppException(string, WhatsAppErrorDetails, Exception)" />
    /// <param name="message">What happened, free of secrets.</param>
    /// <param name="details">The provider's answer.</param>
    /// <param name="retryAfter">How long the provider asked to wait, or null.</param>
    /// <param name="innerException">The exception that caused this one, or null.</param>
    public WhatsAppRateLimitedException(string message, WhatsAppErrorDetails details, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, details, innerException)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>How long the provider asked to wait (its Retry-After header), or null.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// True for GREEN-API's 429 and for the sender's own rate limiter, where nothing was sent. Not for a
    /// Maytapi 429: Maytapi documents no rate limit, and only W05 is documented as "nothing was sent".
    /// </summary>
    public override bool IsSafeToRetry => Provider == WhatsAppProvider.GreenApi || HttpStatus is null;
}
