using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp;

/// <summary>
/// Sends WhatsApp messages through one gateway instance without exposing that gateway's quirks. Register
/// one with a provider package's <c>Add…</c> method; provider-specific sends live on that package's
/// own sender interface.
/// </summary>
public interface IWhatsAppSender
{
    /// <summary>The gateway this sender uses.</summary>
    WhatsAppProvider Provider { get; }

    /// <summary>
    /// Sends a text message to a person or a group. The arguments are validated before anything is sent.
    /// </summary>
    /// <param name="chat">The person or group to send to.</param>
    /// <param name="text">The message text; it must not be empty.</param>
    /// <param name="replyTo">The id of a message in the same chat to quote, or null.</param>
    /// <param name="cancellationToken">Cancels the send. A send cancelled after its request was written may
    /// still be delivered.</param>
    /// <returns>The provider's id for the queued message and the chat it went to.</returns>
    /// <exception cref="WhatsAppArgumentException">An argument breaks a rule; nothing was sent.</exception>
    /// <exception cref="WhatsAppException">The gateway did not accept the message; the subclass says why.</exception>
    Task<SendResult> SendTextAsync(ChatAddress chat, string text, string? replyTo = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a text message with <paramref name="options"/>: an idempotency key, which the message ledger keeps from
    /// ever sending the same message twice.
    /// </summary>
    /// <param name="chat">The person or group to send to.</param>
    /// <param name="text">The message text; it must not be empty.</param>
    /// <param name="replyTo">The id of a message in the same chat to quote, or null.</param>
    /// <param name="options">The send's options, or null for none.</param>
    /// <param name="cancellationToken">Cancels the send. A send cancelled after its request was written may
    /// still be delivered.</param>
    /// <returns>The provider's id for the queued message and the chat it went to; for a key sent before, the earlier
    /// send's (<see cref="SendResult.IsRepeat"/>), and nothing is sent.</returns>
    /// <exception cref="WhatsAppArgumentException">An argument breaks a rule, or a key is given and no ledger is
    /// registered; nothing was sent.</exception>
    /// <exception cref="WhatsAppException">The gateway did not accept the message, or the ledger answers for the key
    /// (another content, an earlier failure or unknown outcome, a send still in flight); the subclass says why.</exception>
    Task<SendResult> SendTextAsync(ChatAddress chat, string text, string? replyTo, SendOptions? options, CancellationToken cancellationToken = default);
}
