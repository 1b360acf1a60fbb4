using System;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp.GreenApi;

/// <summary>
/// Sends through one GREEN-API instance: the provider-neutral text send, plus the full sendMessage
/// request (link preview, preview size, custom preview, typing time).
/// </summary>
public interface IGreenApiSender : IWhatsAppSender
{
    /// <summary>
    /// Sends a complete GREEN-API request, validated against the provider's rules before anything is sent.
    /// </summary>
    /// <param name="request">The request; <see cref="GreenApiSendMessageRequest.ChatId"/> must be a chat id such
    /// as <c>905301111111@c.us</c> (<see cref="ChatAddress.Id"/> renders one from what people type).</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>The provider's message id and the chat id.</returns>
    /// <exception cref="WhatsAppArgumentException">A field breaks a rule; nothing was sent.</exception>
    /// <exception cref="WhatsAppException">GREEN-API did not accept the message; the subclass says why.</exception>
    Task<SendResult> SendAsync(GreenApiSendMessageRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// After a <see cref="WhatsAppOutcomeUnknownException"/>, looks for the message in the instance's journal of
    /// outgoing messages (lastOutgoingMessages): one to <paramref name="chat"/> with exactly
    /// <paramref name="text"/>, recorded at or after <paramref name="sentAfter"/> (less a minute for clock
    /// differences). Found: it went out, do not resend. Not found is <see cref="SentMessageLookup.Conclusive"/>
    /// only once <see cref="GreenApiSender.JournalDelay"/> has passed since <paramref name="sentAfter"/>: the
    /// journal can lag that much. GREEN-API allows one lastOutgoingMessages call a second per instance.
    /// </summary>
    /// <param name="chat">The chat the message was sent to.</param>
    /// <param name="text">The message's text, exactly as sent.</param>
    /// <param name="sentAfter">When the send started (take the time before calling it).</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>Whether the journal has it, with its id and status.</returns>
    /// <exception cref="WhatsAppArgumentException">An argument breaks a rule; nothing was asked.</exception>
    /// <exception cref="WhatsAppException">GREEN-API did not answer; the subclass says why. Asking again is safe.</exception>
    Task<SentMessageLookup> FindSentMessageAsync(ChatAddress chat, string text, DateTimeOffset sentAfter, CancellationToken cancellationToken = default);

    /// <summary>
    /// Looks a message up by its id in the chat's journal (getMessage): its current status, or not found (not
    /// conclusive: the journal can lag <see cref="GreenApiSender.JournalDelay"/>). GREEN-API allows 10 getMessage
    /// calls a second per instance.
    /// </summary>
    /// <param name="chat">The chat the message was sent to.</param>
    /// <param name="messageId">The message's id (<see cref="SendResult.MessageId"/>).</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>Whether the journal has it, with its status.</returns>
    /// <exception cref="WhatsAppArgumentException">An argument breaks a rule; nothing was asked.</exception>
    /// <exception cref="WhatsAppException">GREEN-API did not answer; the subclass says why. Asking again is safe.</exception>
    Task<SentMessageLookup> GetMessageStatusAsync(ChatAddress chat, string messageId, CancellationToken cancellationToken = default);
}
