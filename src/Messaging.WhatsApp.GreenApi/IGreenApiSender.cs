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
}
