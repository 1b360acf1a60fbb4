using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp.Ledger;

/// <summary>
/// Hears what the ledger's reconciler finds that a person should know: a send whose outcome no evidence settled by
/// its deadline, one the gateway's journal shows was not sent, and an accepted message that reports no sent status in
/// time. Register it with <c>AddWhatsAppLedgerHandler</c>; each is also logged as a warning and counted in a metric. A
/// handler that throws is logged and does not stop the reconciler.
/// </summary>
public interface IWhatsAppLedgerHandler
{
    /// <summary>A send's outcome stayed unknown past <see cref="WhatsAppLedgerOptions.UnresolvedAfter"/>: it may or may not have gone out.</summary>
    /// <param name="record">The record, now <see cref="LedgerOutcome.Unresolved"/>.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    Task OnUnresolvedAsync(LedgerRecord record, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The gateway's journal shows an unknown send did not go out (it is resent only with <see cref="WhatsAppLedgerOptions.ResendNotSent"/>).</summary>
    /// <param name="record">The record, now <see cref="LedgerOutcome.NotSent"/>, or back in the outbox when resent.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    Task OnNotSentAsync(LedgerRecord record, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>An accepted message reported no sent status within <see cref="WhatsAppLedgerOptions.StuckAfter"/>.</summary>
    /// <param name="record">The record, with <see cref="LedgerRecord.StuckSince"/> set.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    Task OnStuckAsync(LedgerRecord record, CancellationToken cancellationToken) => Task.CompletedTask;
}
