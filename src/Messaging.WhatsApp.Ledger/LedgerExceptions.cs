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

/// <summary>
/// A record in the ledger's database holds what no version of the ledger writes (an undefined outcome or status, NULL
/// where a value is required, a time no date can hold, an accepted send without its message id…), as a bad migration,
/// another program or a hand edit can leave it. The ledger does not act on such a record: nothing was sent by this call,
/// and nothing is sent under its key until the row is corrected or deleted.
/// </summary>
public sealed class WhatsAppLedgerRecordException : WhatsAppException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="recordId">The record's number (its <c>Id</c> column).</param>
    /// <param name="idempotencyKey">Its key, or null when it cannot be read.</param>
    /// <param name="field">The column that breaks a rule, e.g. <c>Outcome</c>.</param>
    /// <param name="rule">What the column holds that the ledger never writes.</param>
    /// <param name="details">The provider of the sender or the record.</param>
    public WhatsAppLedgerRecordException(long recordId, string? idempotencyKey, string field, string rule, WhatsAppErrorDetails details)
        : base($"The ledger's record {recordId}{(idempotencyKey is null ? string.Empty : $" (key '{LedgerRows.Shortened(idempotencyKey)}')")} cannot be trusted: {field} {rule}. The ledger does not act on it and nothing was sent; correct or delete the row.", details)
    {
        RecordId = recordId;
        IdempotencyKey = idempotencyKey;
        Field = field;
    }

    /// <summary>The record's number (its <c>Id</c> column).</summary>
    public long RecordId { get; }

    /// <summary>The record's key, or null when it cannot be read.</summary>
    public string? IdempotencyKey { get; }

    /// <summary>The column that breaks a rule, e.g. <c>Outcome</c>.</summary>
    public string Field { get; }
}
