using System;
using System.Globalization;

namespace Messaging.WhatsApp.Ledger;

/// <summary>What the ledger knows of one message: how its send ended and what became of it since.</summary>
public sealed class LedgerRecord
{
    internal LedgerRecord(LedgerMessage row)
    {
        Id = row.Id;
        Provider = row.Provider;
        RegistrationName = row.RegistrationName;
        Instance = row.Instance;
        IdempotencyKey = row.IdempotencyKey;
        KeyGenerated = row.KeyGenerated;
        ChatId = row.ChatId;
        ContentHash = row.ContentHash;
        Text = row.Text;
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt);
        AttemptedAt = DateTimeOffset.FromUnixTimeMilliseconds(row.AttemptedAt);
        Attempts = row.Attempts;
        Outcome = row.Outcome;
        SettledAt = row.SettledAt is { } settled ? DateTimeOffset.FromUnixTimeMilliseconds(settled) : null;
        MessageId = row.MessageId;
        ErrorType = row.ErrorType;
        ErrorMessage = row.ErrorMessage;
        HttpStatus = row.HttpStatus;
        ProviderCode = row.ProviderCode;
        Status = row.Status;
        StatusAt = row.StatusAt is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null;
        ReplyTo = row.ReplyTo;
        LeaseUntil = row.LeaseUntil is { } lease ? DateTimeOffset.FromUnixTimeMilliseconds(lease) : null;
        NextAttemptAt = row.NextAttemptAt is { } next ? DateTimeOffset.FromUnixTimeMilliseconds(next) : null;
        ReconcileAttempts = row.ReconcileAttempts;
        StuckSince = row.StuckSince is { } stuck ? DateTimeOffset.FromUnixTimeMilliseconds(stuck) : null;
    }

    /// <summary>The record's number in the ledger.</summary>
    public long Id { get; }

    /// <summary>The gateway's stable name: <c>green-api</c>, <c>maytapi</c>.</summary>
    public string Provider { get; }

    /// <summary>The name the sender was registered under: "" for the default one.</summary>
    public string RegistrationName { get; }

    /// <summary>The gateway's id of the sending instance (never a credential).</summary>
    public string Instance { get; }

    /// <summary>The key the send carried, or the one the ledger made up (<see cref="KeyGenerated"/>).</summary>
    public string IdempotencyKey { get; }

    /// <summary>True when the send carried no key and the ledger made one up.</summary>
    public bool KeyGenerated { get; }

    /// <summary>The chat, as the request named it.</summary>
    public string ChatId { get; }

    /// <summary>SHA-256 of the request's JSON: the same for the same message.</summary>
    public string ContentHash { get; }

    /// <summary>The text, while it is kept (see <see cref="WhatsAppLedgerOptions.KeepText"/>); null once settled, or for a message without text.</summary>
    public string? Text { get; }

    /// <summary>When the send was first recorded.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>When its last attempt began (a refused send can be attempted again under its key).</summary>
    public DateTimeOffset AttemptedAt { get; }

    /// <summary>How many times it was attempted under its key.</summary>
    public int Attempts { get; }

    /// <summary>How the send ended.</summary>
    public LedgerOutcome Outcome { get; }

    /// <summary>When its outcome was recorded, or null while in flight.</summary>
    public DateTimeOffset? SettledAt { get; }

    /// <summary>The gateway's message id, once accepted.</summary>
    public string? MessageId { get; }

    /// <summary>The failure's type (e.g. <c>WhatsAppRequestRejectedException</c>), for a refused or unknown send.</summary>
    public string? ErrorType { get; }

    /// <summary>The failure's message (free of secrets), for a refused or unknown send.</summary>
    public string? ErrorMessage { get; }

    /// <summary>The HTTP status of the failure, when there was an answer.</summary>
    public int? HttpStatus { get; }

    /// <summary>The gateway's own error code, when it gave one.</summary>
    public string? ProviderCode { get; }

    /// <summary>What became of the message: <see cref="WhatsAppMessageStatus.Queued"/> once accepted, then the furthest status the gateway reported; <see cref="WhatsAppMessageStatus.Unknown"/> before.</summary>
    public WhatsAppMessageStatus Status { get; }

    /// <summary>When the gateway says <see cref="Status"/> happened (or when it was received), or null.</summary>
    public DateTimeOffset? StatusAt { get; }

    /// <summary>The message quoted, for an outbox text send.</summary>
    public string? ReplyTo { get; }

    /// <summary>While in flight (<see cref="LedgerOutcome.Sending"/>): when the ledger takes the process sending it to have stopped.</summary>
    public DateTimeOffset? LeaseUntil { get; }

    /// <summary>When the dispatcher may send it (in the outbox) or the reconciler looks for it again (unknown).</summary>
    public DateTimeOffset? NextAttemptAt { get; }

    /// <summary>How often the reconciler looked for evidence of what became of it.</summary>
    public int ReconcileAttempts { get; }

    /// <summary>Since when it has been flagged stuck (accepted, no sent status in time); null when not stuck.</summary>
    public DateTimeOffset? StuckSince { get; }

    /// <summary>The record, for logs: key, outcome, message id and status; no chat or text.</summary>
    /// <returns>E.g. <c>order-42: accepted BAE5F4886F6F2D05, delivered</c>.</returns>
    public override string ToString() =>
        string.Format(CultureInfo.InvariantCulture, "{0}: {1}{2}, {3}", IdempotencyKey, Outcome.ToString().ToLowerInvariant(), MessageId is null ? string.Empty : " " + MessageId, Status.ToString().ToLowerInvariant());
}

/// <summary>One step of a message's way: its send, how the send ended, or a status the gateway reported.</summary>
/// <param name="At">When it happened: the gateway's time for a report that gives one, else when it was received or recorded.</param>
/// <param name="Kind">What it is: <c>recorded</c> (the send's intent), <c>accepted</c>, <c>refused</c>, <c>unknown</c>, or <c>status</c> (a report).</param>
/// <param name="Status">The status it states (<see cref="WhatsAppMessageStatus.Queued"/> for an accepted send).</param>
/// <param name="ProviderStatus">The gateway's word for a report, or the error type of a failed send.</param>
/// <param name="Error">Why it failed, in the gateway's or the library's words, or null.</param>
/// <param name="ReceivedAt">When the ledger received or recorded it.</param>
public sealed record LedgerTimelineEntry(DateTimeOffset At, string Kind, WhatsAppMessageStatus Status, string? ProviderStatus, string? Error, DateTimeOffset ReceivedAt);

/// <summary>How many messages a provider has at a status, over a time range.</summary>
/// <param name="Provider">The gateway's stable name.</param>
/// <param name="Status">The messages' current status.</param>
/// <param name="Count">How many.</param>
public sealed record LedgerStatusCount(string Provider, WhatsAppMessageStatus Status, int Count);

/// <summary>Which records to list (<see cref="IWhatsAppLedger.ListAsync"/>); every criterion is optional and they all apply.</summary>
public sealed class LedgerQuery
{
    /// <summary>The most records returned: 10,000.</summary>
    public const int MaxLimit = 10_000;

    /// <summary>The gateway's stable name, e.g. <c>green-api</c>.</summary>
    public string? Provider { get; init; }

    /// <summary>The sender's registration name ("" for the default one).</summary>
    public string? RegistrationName { get; init; }

    /// <summary>The chat, as the request named it.</summary>
    public string? ChatId { get; init; }

    /// <summary>Recorded at or after.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Recorded before.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>The current status.</summary>
    public WhatsAppMessageStatus? Status { get; init; }

    /// <summary>How the send ended.</summary>
    public LedgerOutcome? Outcome { get; init; }

    /// <summary>True: only messages flagged stuck; false: only those that are not.</summary>
    public bool? Stuck { get; init; }

    /// <summary>How many, newest first; 100 by default, at most <see cref="MaxLimit"/>.</summary>
    public int Limit { get; init; } = 100;
}
