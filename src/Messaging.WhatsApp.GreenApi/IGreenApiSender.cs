using System;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp.GreenApi;

/// <summary>
/// Sends through one GREEN-API instance: the provider-neutral text send, plus the full sendMessage
/// request (link preview, preview size, custom preview, typing time).
/// </summary>
public interface IGreenApiSender : IWhatsAppSender, IWhatsAppSentMessageJournal
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

    /// <summary>Sends <paramref name="request"/> with <paramref name="options"/>: an idempotency key, which the message ledger keeps from ever sending the same message twice.</summary>
    /// <param name="request">The request, validated as by <see cref="SendAsync(GreenApiSendMessageRequest, CancellationToken)"/>.</param>
    /// <param name="options">The send's options, or null for none.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>The provider's message id and the chat id; for a key sent before, the earlier send's (<see cref="SendResult.IsRepeat"/>), and nothing is sent.</returns>
    /// <exception cref="WhatsAppArgumentException">A field breaks a rule, or a key is given and no ledger is registered; nothing was sent.</exception>
    /// <exception cref="WhatsAppException">The gateway did not accept the message, or the ledger answers for the key; the subclass says why.</exception>
    Task<SendResult> SendAsync(GreenApiSendMessageRequest request, SendOptions? options, CancellationToken cancellationToken = default);

    /// <summary>
    /// After a <see cref="WhatsAppOutcomeUnknownException"/>, looks for the message in the instance's journal of
    /// outgoing messages (lastOutgoingMessages). Found only for an entry that is complete, valid and matches: an
    /// id that is not blank, a time from <paramref name="sentAfter"/> less a minute to now plus a minute (clock
    /// differences), exactly <paramref name="chat"/>'s id, exactly <paramref name="text"/> in every text it gives
    /// under a text kind, and not saying it is incoming or not sent by the API; the earliest such (the first listed
    /// of equal times). Found: it went out, do not resend. Not found is <see cref="SentMessageLookup.Conclusive"/>
    /// only once <see cref="GreenApiSender.JournalDelay"/> has passed since <paramref name="sentAfter"/> (the
    /// journal can lag that much) and every entry was ruled out by another chat, another text or kind, or a valid
    /// time before the window; an entry that may be the message but is not a complete match (no usable id, no time
    /// or an impossible one, an unreadable or differently written chat, no text...) keeps it not conclusive for as
    /// long as the journal holds it. GREEN-API allows one lastOutgoingMessages call a second per instance.
    /// </summary>
    /// <param name="chat">The chat the message was sent to.</param>
    /// <param name="text">The message's text, exactly as sent.</param>
    /// <param name="sentAfter">When the send started (take the time before calling it).</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>Whether the journal has it, with its id and status.</returns>
    /// <exception cref="WhatsAppArgumentException">An argument breaks a rule; nothing was asked.</exception>
    /// <exception cref="WhatsAppException">GREEN-API did not answer, or answered something that is not exactly the
    /// spec's journal (a wrong JSON type, a null, a missing idMessage, a truncated body, over 4 MiB); the subclass
    /// says why. Never "not found" for an answer that cannot be read. Asking again is safe.</exception>
    Task<SentMessageLookup> FindSentMessageAsync(ChatAddress chat, string text, DateTimeOffset sentAfter, CancellationToken cancellationToken = default);

    /// <summary>
    /// Looks a message up by its id in the chat's journal (getMessage): its current status, or not found (not
    /// conclusive: the journal can lag <see cref="GreenApiSender.JournalDelay"/>). The answer must be about the
    /// message asked, with exactly <paramref name="messageId"/> as idMessage and <paramref name="chat"/>'s id as
    /// chatId; a time out of range leaves <see cref="SentMessageLookup.Time"/> null. GREEN-API allows 10
    /// getMessage calls a second per instance.
    /// </summary>
    /// <param name="chat">The chat the message was sent to.</param>
    /// <param name="messageId">The message's id (<see cref="SendResult.MessageId"/>).</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>Whether the journal has it, with its status.</returns>
    /// <exception cref="WhatsAppArgumentException">An argument breaks a rule; nothing was asked.</exception>
    /// <exception cref="WhatsAppException">GREEN-API did not answer, answered something that is not exactly the
    /// spec's message, or answered about another message: another idMessage, the id in another chat, or no
    /// idMessage or chatId (then exactly <see cref="WhatsAppException"/> with HTTP 200 and
    /// <see cref="WhatsAppException.IsSafeToRetry"/> true), never a status; the subclass says why. Asking again
    /// is safe.</exception>
    Task<SentMessageLookup> GetMessageStatusAsync(ChatAddress chat, string messageId, CancellationToken cancellationToken = default);

    /// <summary>
    /// What is known of the instance's state now, without asking GREEN-API: from the instance state monitoring, the
    /// <c>stateInstanceChanged</c> notifications it receives, or the last <see cref="GetInstanceStateAsync"/>.
    /// </summary>
    WhatsAppInstanceStatus InstanceStatus { get; }

    /// <summary>
    /// Asks GREEN-API for the instance's state now (getStateInstance), records it as <see cref="InstanceStatus"/> and returns
    /// it: <c>authorized</c> is <see cref="WhatsAppInstanceState.Ready"/>, <c>notAuthorized</c> NeedsLogin, <c>blocked</c>
    /// Blocked, <c>yellowCard</c> and <c>suspended</c> Restricted, <c>starting</c> and a <c>null</c> answer (an instance being
    /// created) Starting, <c>sleepMode</c> Disconnected, any other word Unknown. GREEN-API allows one getStateInstance a
    /// second per instance: asks of one sender are spaced by at least that.
    /// </summary>
    /// <param name="cancellationToken">Cancels the ask.</param>
    /// <returns>The state, with GREEN-API's word and when it was learned.</returns>
    /// <exception cref="WhatsAppException">GREEN-API did not answer with a state (refused credentials, an expired instance,
    /// a 429, a server error, no connection); the subclass says why. Asking again is safe.</exception>
    Task<WhatsAppInstanceStatus> GetInstanceStateAsync(CancellationToken cancellationToken = default);
}
