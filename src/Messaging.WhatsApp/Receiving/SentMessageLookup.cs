using System;

namespace Messaging.WhatsApp;

/// <summary>
/// What a gateway's journal says about a message the app may have sent: after a
/// <see cref="WhatsAppOutcomeUnknownException"/>, whether resending would duplicate it.
/// </summary>
public sealed class SentMessageLookup
{
    private SentMessageLookup(bool found, bool conclusive, string? messageId, WhatsAppMessageStatus status, string? providerStatus, DateTimeOffset? time)
    {
        Found = found;
        Conclusive = conclusive;
        MessageId = messageId;
        Status = status;
        ProviderStatus = providerStatus;
        Time = time;
    }

    /// <summary>Whether the journal has the message: it went out (or is queued); do not send it again.</summary>
    public bool Found { get; }

    /// <summary>
    /// Whether the answer can be trusted: always when <see cref="Found"/>; when not found, only once the journal's
    /// delay has passed since the attempt (GREEN-API: up to 2 minutes) and nothing in the journal may be the
    /// message. Not conclusive: do not resend yet. Ask again later; if the journal holds an entry that may be the
    /// message (say, one for the chat and text without a usable id), the answer stays not conclusive while it
    /// does, so decide by other means.
    /// </summary>
    public bool Conclusive { get; }

    /// <summary>The message's id, when found.</summary>
    public string? MessageId { get; }

    /// <summary>Its status, when found (<see cref="WhatsAppMessageStatus.Unknown"/> otherwise).</summary>
    public WhatsAppMessageStatus Status { get; }

    /// <summary>The gateway's own word for the status, when found.</summary>
    public string? ProviderStatus { get; }

    /// <summary>When the gateway recorded it, when found and given.</summary>
    public DateTimeOffset? Time { get; }

    /// <summary>The journal has the message.</summary>
    /// <param name="messageId">Its id.</param>
    /// <param name="status">Its status in the library's words.</param>
    /// <param name="providerStatus">The gateway's word for it.</param>
    /// <param name="time">When the gateway recorded it, or null.</param>
    /// <returns>A found result.</returns>
    public static SentMessageLookup Present(string messageId, WhatsAppMessageStatus status, string? providerStatus, DateTimeOffset? time) =>
        new(true, true, Guard.NotNullOrEmpty(messageId), status, providerStatus, time);

    /// <summary>The journal does not have the message.</summary>
    /// <param name="conclusive">Whether the journal's delay has passed since the attempt and every entry was ruled out.</param>
    /// <returns>A not-found result.</returns>
    public static SentMessageLookup Absent(bool conclusive) =>
        new(false, conclusive, null, WhatsAppMessageStatus.Unknown, null, null);

    /// <summary>The result, for logs: the message id is not secret, no text or chat is shown.</summary>
    /// <returns>E.g. <c>found BAE5… (delivered)</c> or <c>not found (not conclusive yet)</c>.</returns>
    public override string ToString() =>
        Found ? $"found {MessageId} ({ProviderStatus ?? Status.ToString()})"
        : Conclusive ? "not found" : "not found (not conclusive yet)";
}
