// snippet: keyed-sender
using Messaging.WhatsApp;

namespace MyApp;

public sealed class Alerts([FromKeyedServices("support")] IWhatsAppSender whatsApp)
{
    public Task<SendResult> AlertAsync(string phone, string text, CancellationToken cancellationToken) =>
        whatsApp.SendTextAsync(ChatAddress.Parse(phone), text, cancellationToken: cancellationToken);
}
// end-snippet
