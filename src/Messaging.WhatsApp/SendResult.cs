namespace Messaging.WhatsApp;

/// <summary>
/// A message the gateway accepted. Accepted means queued for sending, not delivered: delivery is reported
/// later by the provider's webhooks.
/// </summary>
/// <param name="Provider">The gateway that accepted the message.</param>
/// <param name="MessageId">The provider's id for the message, as its send answered it.</param>
/// <param name="ChatId">The chat the message went to, as the provider names it.</param>
public sealed record SendResult(WhatsAppProvider Provider, string MessageId, string ChatId)
{
    /// <summary>
    /// True when this is the result of an earlier send with the same idempotency key, as the message ledger recorded
    /// it: nothing was sent this time.
    /// </summary>
    public bool IsRepeat { get; init; }
}
