// snippet: notifier
using Messaging.WhatsApp;

namespace MyApp;

public sealed class Notifier(IWhatsAppSender whatsApp)
{
    public async Task<string> NotifyAsync(string phone, string text, CancellationToken cancellationToken)
    {
        var chat = ChatAddress.Parse(phone);            // "+90 530 111 11 11", "905301111111@c.us", "120363238104@g.us", "…@lid"
        try
        {
            SendResult sent = await whatsApp.SendTextAsync(chat, text, replyTo: null, cancellationToken);
            return sent.MessageId;                      // queued, not yet delivered
        }
        catch (WhatsAppOutcomeUnknownException)
        {
            // A timeout after the request was written, a 5xx, a dropped connection: the message may
            // have gone out. Never resend blindly: see "Resolving an unknown outcome" in docs/receiving.md.
            throw;
        }
        catch (WhatsAppException e) when (e.IsSafeToRetry)
        {
            // Rate limited, W05, connection failed: nothing was sent. The sender already retried.
            throw;
        }
    }
}
// end-snippet
