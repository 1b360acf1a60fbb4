// snippet: ledger-idempotent
using Messaging.WhatsApp;
using Messaging.WhatsApp.Ledger;

namespace MyApp;

public sealed class OrderConfirmations(IWhatsAppSender whatsApp)
{
    public async Task<string> ConfirmAsync(int orderId, string phone, CancellationToken cancellationToken)
    {
        // The same key again never sends again, in this process or another.
        var options = new SendOptions { IdempotencyKey = $"order-{orderId}-confirmation" };
        try
        {
            SendResult sent = await whatsApp.SendTextAsync(ChatAddress.Parse(phone), $"Order {orderId} is confirmed.", replyTo: null, options, cancellationToken);
            return sent.MessageId;      // sent.IsRepeat: confirmed before, under this key; nothing was sent now
        }
        catch (WhatsAppIdempotencyConflictException)
        {
            // Another text under this key: new content needs a new key.
            throw;
        }
        catch (WhatsAppOutcomeUnknownException)
        {
            // It may have gone out; the ledger's reconciler settles it. Sending again with the key sends nothing.
            throw;
        }
    }
}
// end-snippet
