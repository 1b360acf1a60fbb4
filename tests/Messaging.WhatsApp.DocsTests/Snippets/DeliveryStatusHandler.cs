// snippet: delivery-status-handler
using Messaging.WhatsApp;

namespace MyApp;

public sealed class DeliveryStatusHandler(IMessageStore store) : IWhatsAppUpdateHandler
{
    public async Task HandleAsync(WhatsAppUpdate update, CancellationToken cancellationToken)
    {
        // At least once: the same report can come again. Record its key under a unique index first.
        if (!await store.TryRecordAsync(update.DeduplicationKey, cancellationToken))
        {
            return;
        }

        var current = await store.StatusOfAsync(update.MessageId, cancellationToken);
        if (update.Status.IsAfter(current))
        {
            await store.SetStatusAsync(update.MessageId, update.Status, update.Error, cancellationToken);
        }
    }
}
// end-snippet
