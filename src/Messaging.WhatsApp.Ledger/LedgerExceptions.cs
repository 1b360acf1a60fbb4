using System;

namespace Messaging.WhatsApp.Ledger;

/// <summary>
/// An idempotency key was sent again with other content: the ledger holds another message under it. Nothing was
/// sent. Sending the new content needs a new key.
/// </summary>
public sealed class WhatsAppIdempotencyConflictException : WhatsAppException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="idempotencyKey">The key.</param>
    /// <param name="details">The provider of the sender.</param>
    public WhatsAppIdempotencyConflictException(string idempotencyKey, WhatsAppErrorDetails details)
        : base($"The idempotency key '{idempotencyKey}' was used for another message (the content differs); nothing was sent. Use a new key for new content.", details)
    {
        IdempotencyKey = idempotencyKey;
    }

    /// <summary>The key sent again.</summary>
    public string IdempotencyKey { get; }
}

/// <summary>
/// A send with the same idempotency key was still in flight when the ledger stopped waiting for it. Nothing was sent
/// by this call; asking again later is safe, and answers from the first send's record once it has one.
/// </summary>
public sealed class WhatsAppSendInProgressException : WhatsAppException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="idempotencyKey">The key.</param>
    /// <param name="since">When the send in flight began.</param>
    /// <param name="details">The provider of the sender.</param>
    public WhatsAppSendInProgressException(string idempotencyKey, DateTimeOffset since, WhatsAppErrorDetails details)
        : base($"A send with the idempotency key '{idempotencyKey}' has been in flight since {since:yyyy-MM-dd'T'HH:mm:ss'Z'} without a recorded outcome; nothing was sent by this call. Ask again later.", details, isSafeToRetry: true)
    {
        IdempotencyKey = idempotencyKey;
        Since = since;
    }

    /// <summary>The key.</summary>
    public string IdempotencyKey { get; }

    /// <summary>When the send in flight began.</summary>
    public DateTimeOffset Since { get; }
}

/// <summary>
/// The message ledger could not be read or written before the send (a read-only or locked database, a store that
/// does not answer): nothing was sent, since a send the ledger cannot record could be sent twice. Safe to retry.
/// </summary>
public sealed class WhatsAppLedgerUnavailableException : WhatsAppException
{
    /// <summary>Creates the exception; its message names the failure's type, never the connection string.</summary>
    /// <param name="details">The provider of the sender.</param>
    /// <param name="innerException">What the database threw.</param>
    public WhatsAppLedgerUnavailableException(WhatsAppErrorDetails details, Exception innerException)
        : base($"The message ledger could not be written ({innerException?.GetType().Name}); nothing was sent. Sending again is safe once it can be.", details, innerException, isSafeToRetry: true)
    {
    }
}
