using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;

namespace Messaging.WhatsApp.Ledger;

/// <summary>The ledger's queries, each in a context of its own.</summary>
internal sealed class WhatsAppLedger : IWhatsAppLedger
{
    private readonly LedgerDatabase _database;

    public WhatsAppLedger(LedgerDatabase database) => _database = database;

    public async Task<LedgerRecord?> FindByKeyAsync(string idempotencyKey, string registrationName = "", string? provider = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        ArgumentNullException.ThrowIfNull(registrationName);
        var rows = await _database.RunAsync(
            context => context.Set<LedgerMessage>().AsNoTracking()
                .Where(m => m.IdempotencyKey == idempotencyKey && m.RegistrationName == registrationName && (provider == null || m.Provider == provider))
                .Take(2)
                .ToListAsync(cancellationToken),
            cancellationToken).ConfigureAwait(false);
        return rows.Count switch
        {
            0 => null,
            1 => new LedgerRecord(rows[0]),
            _ => throw new InvalidOperationException($"Both {rows[0].Provider} and {rows[1].Provider} have a record under the key '{idempotencyKey}' for the registration '{registrationName}': name the provider."),
        };
    }

    public async Task<LedgerRecord?> FindByMessageIdAsync(string provider, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        var row = await _database.RunAsync(
            context => context.Set<LedgerMessage>().AsNoTracking()
                .Where(m => m.Provider == provider && m.MessageId == messageId)
                .OrderBy(m => m.Id)
                .FirstOrDefaultAsync(cancellationToken),
            cancellationToken).ConfigureAwait(false);
        return row is null ? null : new LedgerRecord(row);
    }

    public async Task<IReadOnlyList<LedgerRecord>> ListAsync(LedgerQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > LedgerQuery.MaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.Limit, $"Limit must be between 1 and {LedgerQuery.MaxLimit}.");
        }

        var from = query.From?.ToUnixTimeMilliseconds();
        var to = query.To?.ToUnixTimeMilliseconds();
        var rows = await _database.RunAsync(
            context =>
            {
                var messages = context.Set<LedgerMessage>().AsNoTracking();
                if (query.Provider is { } provider)
                {
                    messages = messages.Where(m => m.Provider == provider);
                }

                if (query.RegistrationName is { } registration)
                {
                    messages = messages.Where(m => m.RegistrationName == registration);
                }

                if (query.ChatId is { } chat)
                {
                    messages = messages.Where(m => m.ChatId == chat);
                }

                if (from is not null)
                {
                    messages = messages.Where(m => m.CreatedAt >= from);
                }

                if (to is not null)
                {
                    messages = messages.Where(m => m.CreatedAt < to);
                }

                if (query.Status is { } status)
                {
                    messages = messages.Where(m => m.Status == status);
                }

                if (query.Outcome is { } outcome)
                {
                    messages = messages.Where(m => m.Outcome == outcome);
                }

                if (query.Stuck is { } stuck)
                {
                    messages = stuck ? messages.Where(m => m.StuckSince != null) : messages.Where(m => m.StuckSince == null);
                }

                return messages.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(query.Limit).ToListAsync(cancellationToken);
            },
            cancellationToken).ConfigureAwait(false);
        return rows.Select(r => new LedgerRecord(r)).ToList();
    }

    public async Task<IReadOnlyList<LedgerStatusCount>> CountByStatusAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        var start = since.ToUnixTimeMilliseconds();
        var end = until.ToUnixTimeMilliseconds();
        var counts = await _database.RunAsync(
            context => context.Set<LedgerMessage>().AsNoTracking()
                .Where(m => m.CreatedAt >= start && m.CreatedAt < end)
                .GroupBy(m => new { m.Provider, m.Status })
                .Select(g => new { g.Key.Provider, g.Key.Status, Count = g.Count() })
                .ToListAsync(cancellationToken),
            cancellationToken).ConfigureAwait(false);
        return counts.OrderBy(c => c.Provider, StringComparer.Ordinal).ThenBy(c => c.Status)
            .Select(c => new LedgerStatusCount(c.Provider, c.Status, c.Count)).ToList();
    }

    public async Task<IReadOnlyList<LedgerTimelineEntry>> GetTimelineAsync(LedgerRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var reports = record.MessageId is not { } messageId
            ? []
            : await _database.RunAsync(
                context => context.Set<LedgerStatusEvent>().AsNoTracking()
                    .Where(e => e.Provider == record.Provider && e.MessageId == messageId)
                    .ToListAsync(cancellationToken),
                cancellationToken).ConfigureAwait(false);

        var entries = new List<(LedgerTimelineEntry Entry, int Order)>
        {
            (new LedgerTimelineEntry(record.AttemptedAt, "recorded", WhatsAppMessageStatus.Unknown, null, null, record.AttemptedAt), 0),
        };
        if (record.SettledAt is { } settled)
        {
            entries.Add(record.Outcome switch
            {
                LedgerOutcome.Accepted => (new LedgerTimelineEntry(settled, "accepted", WhatsAppMessageStatus.Queued, null, null, settled), 1),
                LedgerOutcome.Refused => (new LedgerTimelineEntry(settled, "refused", WhatsAppMessageStatus.Unknown, record.ErrorType, record.ErrorMessage, settled), 1),
                LedgerOutcome.NotSent => (new LedgerTimelineEntry(settled, "not sent", WhatsAppMessageStatus.Unknown, record.ErrorType, record.ErrorMessage, settled), 1),
                LedgerOutcome.Unresolved => (new LedgerTimelineEntry(settled, "unresolved", WhatsAppMessageStatus.Unknown, record.ErrorType, record.ErrorMessage, settled), 1),
                _ => (new LedgerTimelineEntry(settled, "unknown", WhatsAppMessageStatus.Unknown, record.ErrorType, record.ErrorMessage, settled), 1),
            });
        }

        foreach (var report in reports)
        {
            var received = DateTimeOffset.FromUnixTimeMilliseconds(report.ReceivedAt);
            var at = report.ProviderTime is { } time ? DateTimeOffset.FromUnixTimeMilliseconds(time) : received;
            entries.Add((new LedgerTimelineEntry(at, "status", report.Status, report.ProviderStatus, report.Error, received), 2 + report.StatusRank));
        }

        // The send's own steps first; then the reports in the order they happened. The gateways state times to the
        // second, and the library's clock is not theirs, so a report is never placed before the send it is about, and
        // reports of one second keep the order of their statuses.
        return entries.OrderBy(e => e.Order > 1 ? 2 : e.Order).ThenBy(e => e.Entry.At).ThenBy(e => e.Order).ThenBy(e => e.Entry.ReceivedAt).Select(e => e.Entry).ToList();
    }
}
