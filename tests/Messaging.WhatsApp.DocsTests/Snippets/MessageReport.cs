// snippet: ledger-queries
using Messaging.WhatsApp;
using Messaging.WhatsApp.Ledger;

namespace MyApp;

public sealed class MessageReport(IWhatsAppLedger ledger)
{
    public async Task<string> WhatBecameOfAsync(int orderId, CancellationToken cancellationToken)
    {
        LedgerRecord? record = await ledger.FindByKeyAsync($"order-{orderId}-confirmation", cancellationToken: cancellationToken);
        if (record is null)
        {
            return "never sent";
        }

        // E.g. "accepted, read at 2026-12-07 10:15:02 +00:00", then every step: recorded, accepted, sent, delivered, read.
        var steps = await ledger.GetTimelineAsync(record, cancellationToken);
        return $"{record.Outcome}, {record.Status} at {record.StatusAt}; {steps.Count} steps";
    }

    public async Task<IReadOnlyList<LedgerRecord>> FailedTodayAsync(CancellationToken cancellationToken) =>
        await ledger.ListAsync(new LedgerQuery { Status = WhatsAppMessageStatus.Failed, From = DateTimeOffset.UtcNow.Date }, cancellationToken);

    public async Task<IReadOnlyList<LedgerRecord>> StuckAsync(CancellationToken cancellationToken) =>
        await ledger.ListAsync(new LedgerQuery { Stuck = true }, cancellationToken);

    public async Task<IReadOnlyList<LedgerStatusCount>> DashboardAsync(CancellationToken cancellationToken) =>
        await ledger.CountByStatusAsync(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow, cancellationToken);
}
// end-snippet
