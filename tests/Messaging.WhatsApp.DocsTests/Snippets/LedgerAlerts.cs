// snippet: ledger-handler
using Messaging.WhatsApp.Ledger;

namespace MyApp;

public sealed class LedgerAlerts(ILogger<LedgerAlerts> logger) : IWhatsAppLedgerHandler
{
    public Task OnUnresolvedAsync(LedgerRecord record, CancellationToken cancellationToken)
    {
        logger.LogWarning("Nobody knows whether {Key} went out: look before sending it again", record.IdempotencyKey);
        return Task.CompletedTask;
    }

    public Task OnStuckAsync(LedgerRecord record, CancellationToken cancellationToken)
    {
        logger.LogWarning("{MessageId} is queued at the gateway and not sent: is the phone online?", record.MessageId);
        return Task.CompletedTask;
    }
}
// end-snippet
