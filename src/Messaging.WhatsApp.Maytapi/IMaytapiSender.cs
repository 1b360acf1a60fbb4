using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp.Maytapi;

/// <summary>
/// Sends through one Maytapi phone: the provider-neutral text send, plus every Maytapi message type
/// (media, location, vcard, poll, …) as its generated model.
/// </summary>
public interface IMaytapiSender : IWhatsAppSender
{
    /// <summary>
    /// Sends any Maytapi message (<see cref="MediaMessage"/>, <see cref="LocationMessage"/>,
    /// <see cref="VcardMessage"/>, <see cref="PollMessage"/>, …), validated before anything is sent.
    /// </summary>
    /// <param name="message">The message; <see cref="MaytapiMessage.ToNumber"/> takes a phone number
    /// with country code or a chat id.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>Maytapi's message id and the chat id.</returns>
    /// <exception cref="WhatsAppArgumentException">A field breaks a rule; nothing was sent.</exception>
    /// <exception cref="WhatsAppException">Maytapi did not accept the message; the subclass says why.</exception>
    Task<SendResult> SendAsync(MaytapiMessage message, CancellationToken cancellationToken = default);

    /// <summary>Sends <paramref name="message"/> with <paramref name="options"/>: an idempotency key, which the message ledger keeps from ever sending the same message twice.</summary>
    /// <param name="message">The message, validated as by <see cref="SendAsync(MaytapiMessage, CancellationToken)"/>.</param>
    /// <param name="options">The send's options, or null for none.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>The provider's message id and the chat id; for a key sent before, the earlier send's (<see cref="SendResult.IsRepeat"/>), and nothing is sent.</returns>
    /// <exception cref="WhatsAppArgumentException">A field breaks a rule, or a key is given and no ledger is registered; nothing was sent.</exception>
    /// <exception cref="WhatsAppException">The gateway did not accept the message, or the ledger answers for the key; the subclass says why.</exception>
    Task<SendResult> SendAsync(MaytapiMessage message, SendOptions? options, CancellationToken cancellationToken = default);

    /// <summary>Sends a location pin.</summary>
    /// <param name="chat">The person or group.</param>
    /// <param name="latitude">Degrees, -90 to 90.</param>
    /// <param name="longitude">Degrees, -180 to 180.</param>
    /// <param name="name">The place name shown with the pin, or null.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>Maytapi's message id and the chat id.</returns>
    /// <exception cref="WhatsAppArgumentException">A coordinate is not a number in range; nothing was sent.</exception>
    /// <exception cref="WhatsAppException">Maytapi did not accept the message; the subclass says why.</exception>
    Task<SendResult> SendLocationAsync(ChatAddress chat, double latitude, double longitude, string? name = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// What is known of the phone's state now, without asking Maytapi: from the instance state monitoring, the
    /// <c>status</c> webhooks it receives, or the last <see cref="GetInstanceStateAsync"/>.
    /// </summary>
    WhatsAppInstanceStatus InstanceStatus { get; }

    /// <summary>
    /// Asks Maytapi for the phone's state now (listPhones, which asks the product and never wakes a disabled phone), records
    /// it as <see cref="InstanceStatus"/> and returns it: <c>active</c> is <see cref="WhatsAppInstanceState.Ready"/>,
    /// <c>qr-code</c>, <c>qr-screen</c> and <c>idle</c> NeedsLogin, <c>loading</c> Starting, <c>phone-error</c> Disconnected,
    /// <c>disabled</c> Disabled, any other word or none Unknown. Asks of one sender are at least a second apart.
    /// </summary>
    /// <param name="cancellationToken">Cancels the ask.</param>
    /// <returns>The state, with Maytapi's word and when it was learned.</returns>
    /// <exception cref="WhatsAppException">Maytapi did not answer with the phone's state (refused key, a failure envelope,
    /// a list without the phone, a server error, no connection); the subclass says why. Asking again is safe.</exception>
    Task<WhatsAppInstanceStatus> GetInstanceStateAsync(CancellationToken cancellationToken = default);
}
