using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp.Ledger;

/// <summary>
/// The ledger's queries, each in a context of its own. A record the ledger never writes (an edited row) is never
/// answered: a lookup of it fails with <see cref="WhatsAppLedgerRecordException"/>; a list, a count or a timeline leaves
/// it out with a warning.
/// </summary>
internal sealed partial class WhatsAppLedger : IWhatsAppLedger
{
    private readonly LedgerDatabase _database;
    private readonly ILogger _logger;

    public WhatsAppLedger(LedgerDatabase database, ILogger<WhatsAppLedger> logger)
    {
        _database = database;
        _logger = logger;
    }

    public async Task<LedgerRecord?> FindByKeyAsync(string idempotencyKey, string registrationName = "", string? provider = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        ArgumentNullException.ThrowIfNull(registrationName);
        var rows = await LedgerRows.ReadAsync(
            _database,
            context => context.Set<LedgerMessage>()
                .Where(m => m.IdempotencyKey == idempotencyKey && m.RegistrationName == registrationName && (provider == null || m.Provider == provider))
                .Take(2),
            LedgerRows.Check,
            odd => throw new WhatsAppLedgerRecordException(odd.Id, odd.Key ?? idempotencyKey, odd.Field, odd.Rule, LedgerRows.Details(provider)),
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
        var rows = await LedgerRows.ReadAsync(
            _database,
            context => context.Set<LedgerMessage>()
                .Where(m => m.Provider == provider && m.MessageId == messageId)
                .OrderBy(m => m.Id)
                .Take(2),
            LedgerRows.Check,
            odd => throw new WhatsAppLedgerRecordException(odd.Id, odd.Key, odd.Field, odd.Rule, LedgerRows.Details(provider)),
            cancellationToken).ConfigureAwait(false);
        return rows.Count switch
        {
            0 => null,
            1 => new LedgerRecord(rows[0]),
            // The gateway's id names one message: which of the two it is, the ledger cannot tell.
            _ => throw new WhatsAppLedgerRecordException(rows[1].Id, rows[1].IdempotencyKey, "MessageId", $"'{messageId}' is held by record {rows[0].Id} too: a message id names one message", LedgerRows.Details(provider)),
        };
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
        var rows = await LedgerRows.ReadAsync(
            _database,
            context =>
            {
                var messages = context.Set<LedgerMessage>().AsQueryable();
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

                return messages.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(query.Limit);
            },
            LedgerRows.Check,
            LeftOutAsync,
            cancellationToken).ConfigureAwait(false);
        return rows.Select(r => new LedgerRecord(r)).ToList();
    }

    public async Task<IReadOnlyList<LedgerStatusCount>> CountByStatusAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        var start = since.ToUnixTimeMilliseconds();
        var end = until.ToUnixTimeMilliseconds();
        // Only what can be counted: a provider and a status the ledger writes (an edited row can hold an empty provider,
        // or a status that is an undefined number or a word); the others are left out with a warning.
        var (counts, all) = await _database.RunAsync(
            async context =>
            {
                var range = context.Set<LedgerMessage>().AsNoTracking().Where(m => m.CreatedAt >= start && m.CreatedAt < end);
                var counted = await range
                    .Where(m => m.Provider.Length > 0 && m.Status >= WhatsAppMessageStatus.Unknown && m.Status <= WhatsAppMessageStatus.Deleted)
                    .GroupBy(m => new { m.Provider, m.Status })
                    .Select(g => new { g.Key.Provider, g.Key.Status, Count = g.Count() })
                    .ToListAsync(cancellationToken).ConfigureAwait(false);
                return (counted, await range.CountAsync(cancellationToken).ConfigureAwait(false));
            },
            cancellationToken).ConfigureAwait(false);
        if (all > counts.Sum(c => c.Count))
        {
            LogUncounted(_logger, all - counts.Sum(c => c.Count));
        }

        return counts.OrderBy(c => c.Provider, StringComparer.Ordinal).ThenBy(c => c.Status)
            .Select(c => new LedgerStatusCount(c.Provider, c.Status, c.Count)).ToList();
    }

    public async Task<IReadOnlyList<LedgerTimelineEntry>> GetTimelineAsync(LedgerRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var reports = record.MessageId is not { } messageId
            ? []
            : await LedgerRows.ReadAsync(
                _database,
                context => context.Set<LedgerStatusEvent>().Where(e => e.Provider == record.Provider && e.MessageId == messageId),
                LedgerRows.Check,
                LeftOutAsync,
                cancellationToken).ConfigureAwait(false);

        var entries = new List<(LedgerTimelineEntry Entry, int Order)>
        {
            (new LedgerTimelineEntry(record.AttemptedAt, "recorded", WhatsAppMessageStatus.Unknown, null, null, record.AttemptedAt), 0),
        };
        if (record.SettledAt is { } settled)
        {
            var accepted = record.Outcome == LedgerOutcome.Accepted;
            var label = record.Outcome switch
            {
                LedgerOutcome.Accepted => "accepted",
                LedgerOutcome.Refused => "refused",
                LedgerOutcome.NotSent => "not sent",
                LedgerOutcome.Unresolved => "unresolved",
                _ => "unknown",
            };
            entries.Add((new LedgerTimelineEntry(settled, label, accepted ? WhatsAppMessageStatus.Queued : WhatsAppMessageStatus.Unknown, accepted ? null : record.ErrorType, accepted ? null : record.ErrorMessage, settled), 1));
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

    private Task LeftOutAsync(LedgerRows.Odd odd)
    {
        LedgerRows.LogLeftOut(_logger, odd);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} records of the range hold a Provider or Status the ledger never writes (empty, an undefined number, a word): left out of the counts; correct or delete the rows")]
    private static partial void LogUncounted(ILogger logger, int count);
}
