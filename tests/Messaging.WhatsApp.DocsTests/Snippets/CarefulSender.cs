// snippet: unknown-outcome
using Messaging.WhatsApp;
using Messaging.WhatsApp.GreenApi;

namespace MyApp;

public sealed class CarefulSender(IGreenApiSender greenApi)
{
    public async Task SendAsync(ChatAddress chat, string text, CancellationToken cancellationToken)
    {
        var before = DateTimeOffset.UtcNow;
        try
        {
            await greenApi.SendTextAsync(chat, text, cancellationToken: cancellationToken);
        }
        catch (WhatsAppOutcomeUnknownException)
        {
            SentMessageLookup found = await greenApi.FindSentMessageAsync(chat, text, sentAfter: before, cancellationToken);
            if (found.Found) { /* it went out: found.MessageId, found.Status; do not resend */ }
            else if (found.Conclusive) { /* not sent: resending is safe */ }
            else { /* the journal may still lag, or holds an entry that may be it: do not resend yet */ }
        }
    }
}
// end-snippet
