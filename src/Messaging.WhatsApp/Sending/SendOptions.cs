using System;

namespace Messaging.WhatsApp;

/// <summary>What a send may carry besides its message.</summary>
public sealed class SendOptions
{
    /// <summary>The longest idempotency key: 200 characters.</summary>
    public const int MaxIdempotencyKeyLength = 200;

    /// <summary>
    /// A key of the caller's that names this message (an order id, say), so that sending it again never sends it again:
    /// the message ledger (<c>AddWhatsAppLedger</c>, package Messaging.WhatsApp.Ledger) records the first send under it and
    /// answers any later send with the same key from that record. At most <see cref="MaxIdempotencyKeyLength"/>
    /// characters, no control characters. A sender without a ledger refuses a key rather than ignore it.
    /// </summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The rules of <see cref="IdempotencyKey"/>, checked before anything is sent.</summary>
    internal void Validate()
    {
        if (IdempotencyKey is not { } key)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(key) || key.Length > MaxIdempotencyKeyLength)
        {
            throw new WhatsAppArgumentException("idempotencyKey", $"must be 1 to {MaxIdempotencyKeyLength} characters, not only white space (has {key.Length})");
        }

        foreach (var c in key)
        {
            if (char.IsControl(c))
            {
                throw new WhatsAppArgumentException("idempotencyKey", "must not contain control characters");
            }
        }
    }
}
