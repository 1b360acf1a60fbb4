using System;

namespace Messaging.WhatsApp.Ledger;

/// <summary>How a recorded send ended, as far as the ledger knows.</summary>
public enum LedgerOutcome
{
    /// <summary>Recorded before its request; its outcome is not recorded yet (in flight, or its process stopped first).</summary>
    Sending = 0,

    /// <summary>The gateway accepted it with a message id: queued there.</summary>
    Accepted = 1,

    /// <summary>The gateway refused it, or it failed before its request was written: nothing was sent.</summary>
    Refused = 2,

    /// <summary>
    /// It may or may not have been sent (a timeout, a 5xx, a dropped connection, a cancellation, a process that stopped
    /// while sending it): the reconciler is looking for evidence.
    /// </summary>
    Unknown = 3,

    /// <summary>In the outbox: committed with the app's data, waiting for the dispatcher to send it.</summary>
    Queued = 4,

    /// <summary>An unknown outcome the reconciler settled: the gateway's journal shows it was not sent.</summary>
    NotSent = 5,

    /// <summary>An unknown outcome no evidence settled by its deadline (<see cref="WhatsAppLedgerOptions.UnresolvedAfter"/>): a person must look.</summary>
    Unresolved = 6,
}

/// <summary>A recorded send: the row of the <c>whatsapp_messages</c> table.</summary>
internal sealed class LedgerMessage
{
    public long Id { get; set; }

    public string Provider { get; set; } = string.Empty;

    public string RegistrationName { get; set; } = string.Empty;

    public string Instance { get; set; } = string.Empty;

    public string IdempotencyKey { get; set; } = string.Empty;

    /// <summary>True when the ledger made up the key (the send carried none).</summary>
    public bool KeyGenerated { get; set; }

    public string ChatId { get; set; } = string.Empty;

    /// <summary>SHA-256 of the request's JSON, in lowercase hex: what a key's content is compared by.</summary>
    public string ContentHash { get; set; } = string.Empty;

    /// <summary>The text, while the ledger may still need it (the outcome not settled), or always when kept.</summary>
    public string? Text { get; set; }

    /// <summary>Unix milliseconds.</summary>
    public long CreatedAt { get; set; }

    /// <summary>When the last attempt began (a refused send may be attempted again under its key), Unix milliseconds.</summary>
    public long AttemptedAt { get; set; }

    public int Attempts { get; set; }

    public LedgerOutcome Outcome { get; set; }

    /// <summary>When the outcome was recorded, Unix milliseconds.</summary>
    public long? SettledAt { get; set; }

    public string? MessageId { get; set; }

    /// <summary>The failure's exception type, e.g. <c>WhatsAppRequestRejectedException</c>.</summary>
    public string? ErrorType { get; set; }

    public string? ErrorMessage { get; set; }

    public int? HttpStatus { get; set; }

    public string? ProviderCode { get; set; }

    public WhatsAppMessageStatus Status { get; set; }

    /// <summary>The order of <see cref="Status"/> (<see cref="StatusRanks"/>): it only moves forward.</summary>
    public int StatusRank { get; set; }

    /// <summary>When the gateway says the current status happened, or when it was received, Unix milliseconds.</summary>
    public long? StatusAt { get; set; }

    /// <summary>The message quoted, for an outbox text send.</summary>
    public string? ReplyTo { get; set; }

    /// <summary>The process sending it (<see cref="LedgerOutcome.Sending"/>), until <see cref="LeaseUntil"/>.</summary>
    public string? LeaseOwner { get; set; }

    /// <summary>When a send in flight is taken to have died with its process, Unix milliseconds.</summary>
    public long? LeaseUntil { get; set; }

    /// <summary>When the dispatcher may send it (<see cref="LedgerOutcome.Queued"/>) or the reconciler looks for it again (<see cref="LedgerOutcome.Unknown"/>), Unix milliseconds.</summary>
    public long? NextAttemptAt { get; set; }

    /// <summary>How often the reconciler looked for evidence.</summary>
    public int ReconcileAttempts { get; set; }

    /// <summary>Since when an accepted message has reported no sent status in time, Unix milliseconds; null when not stuck.</summary>
    public long? StuckSince { get; set; }
}

/// <summary>A status report received for a message: the row of the <c>whatsapp_status_events</c> table.</summary>
internal sealed class LedgerStatusEvent
{
    public long Id { get; set; }

    /// <summary>SHA-256 of <see cref="WhatsAppUpdate.DeduplicationKey"/>, in lowercase hex, under a unique index.</summary>
    public string DeduplicationHash { get; set; } = string.Empty;

    public string DeduplicationKey { get; set; } = string.Empty;

    public string Provider { get; set; } = string.Empty;

    public string RegistrationName { get; set; } = string.Empty;

    public string? Instance { get; set; }

    public string MessageId { get; set; } = string.Empty;

    public string? ChatId { get; set; }

    public WhatsAppMessageStatus Status { get; set; }

    public int StatusRank { get; set; }

    public string ProviderStatus { get; set; } = string.Empty;

    public string? Error { get; set; }

    /// <summary>When the gateway says it happened, Unix milliseconds, or null.</summary>
    public long? ProviderTime { get; set; }

    /// <summary>When it was received, Unix milliseconds.</summary>
    public long ReceivedAt { get; set; }
}

/// <summary>The order statuses move in, as <see cref="WhatsAppMessageStatusExtensions.IsAfter"/> orders them.</summary>
internal static class StatusRanks
{
    public static int Of(WhatsAppMessageStatus status) => status switch
    {
        WhatsAppMessageStatus.Queued => 1,
        WhatsAppMessageStatus.Sent => 2,
        WhatsAppMessageStatus.Delivered => 3,
        WhatsAppMessageStatus.Read => 4,
        WhatsAppMessageStatus.Played => 5,
        WhatsAppMessageStatus.Failed or WhatsAppMessageStatus.Deleted => 6,
        _ => 0,
    };
}
