using System;
using System.Data.Common;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;

namespace Messaging.WhatsApp.Ledger;

/// <summary>
/// The ledger's side of every send (<see cref="IWhatsAppSendRecorder"/>): the intent recorded under a unique key
/// before the request, and the outcome after it. The unique index does the deciding: of two sends with one key, in
/// threads or processes, one inserts the record and sends; the other finds it and answers from it.
/// </summary>
internal sealed class LedgerSendRecorder : IWhatsAppSendRecorder
{
    /// <summary>How often a send waits for one in flight with the same key to settle.</summary>
    private static readonly TimeSpan InFlightPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>The record each send of this process made (or took over), by the intent the pipeline passes to both calls.</summary>
    private readonly ConditionalWeakTable<WhatsAppSendIntent, StrongBox<long>> _records = new();

    private readonly LedgerDatabase _database;
    private readonly WhatsAppLedgerOptions _options;
    private readonly TimeProvider _time;

    public LedgerSendRecorder(LedgerDatabase database, WhatsAppLedgerOptions options, TimeProvider time)
    {
        _database = database;
        _options = options;
        _time = time;
    }

    public async Task<SendResult?> BeginAsync(WhatsAppSendIntent intent, CancellationToken cancellationToken)
    {
        var details = new WhatsAppErrorDetails(intent.Provider);
        var hash = LedgerDatabase.Hash(intent.Content);
        var key = intent.IdempotencyKey ?? "auto:" + Guid.NewGuid().ToString("N");
        var deadline = _time.GetTimestamp();
        try
        {
            while (true)
            {
                if (await TryInsertAsync(intent, key, hash, cancellationToken).ConfigureAwait(false) is { } inserted)
                {
                    _records.AddOrUpdate(intent, new StrongBox<long>(inserted));
                    return null;
                }

                // The key is taken: the same message sent before, or in flight now, or another message under the key.
                var existing = await _database.RunAsync(
                    context => context.Set<LedgerMessage>().AsNoTracking()
                        .SingleOrDefaultAsync(m => m.Provider == intent.Provider.Name && m.RegistrationName == intent.RegistrationName && m.IdempotencyKey == key, cancellationToken),
                    cancellationToken).ConfigureAwait(false);
                if (existing is null)
                {
                    // Deleted since (retention): it can be inserted again.
                    continue;
                }

                if (!string.Equals(existing.ContentHash, hash, StringComparison.Ordinal))
                {
                    throw new WhatsAppIdempotencyConflictException(key, details);
                }

                switch (existing.Outcome)
                {
                    case LedgerOutcome.Accepted:
                        return new SendResult(intent.Provider, existing.MessageId!, existing.ChatId);
                    case LedgerOutcome.Unknown:
                        throw new WhatsAppOutcomeUnknownException(
                            $"An earlier send with the idempotency key '{key}' has an unknown outcome (recorded {Time(existing.SettledAt ?? existing.AttemptedAt)}): it may have been sent. Nothing was sent now; find out what became of it before sending again.",
                            details);
                    case LedgerOutcome.Refused when await TryTakeOverAsync(existing, intent, cancellationToken).ConfigureAwait(false):
                        // Nothing of it was sent: this send is its next attempt, under the same record.
                        _records.AddOrUpdate(intent, new StrongBox<long>(existing.Id));
                        return null;
                    case LedgerOutcome.Refused:
                        // Another send took it over first: wait for that one as for any in flight.
                        continue;
                    default:
                        if (_time.GetElapsedTime(deadline) >= _options.InFlightWait)
                        {
                            throw new WhatsAppSendInProgressException(key, DateTimeOffset.FromUnixTimeMilliseconds(existing.AttemptedAt), details);
                        }

                        await Task.Delay(InFlightPoll, _time, cancellationToken).ConfigureAwait(false);
                        continue;
                }
            }
        }
        catch (Exception e) when (e is DbException or DbUpdateException or InvalidOperationException or TimeoutException)
        {
            throw new WhatsAppLedgerUnavailableException(details, e);
        }
    }

    public async Task EndAsync(WhatsAppSendIntent intent, SendResult? result, Exception? failure, CancellationToken cancellationToken)
    {
        if (!_records.TryGetValue(intent, out var id))
        {
            return;
        }

        _records.Remove(intent);
        var error = failure as WhatsAppException;
        var outcome = result is not null ? LedgerOutcome.Accepted
            : error is not null and not WhatsAppOutcomeUnknownException ? LedgerOutcome.Refused
            // The caller's cancellation, or anything else: the request may have been written.
            : LedgerOutcome.Unknown;
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var keepText = _options.KeepText || outcome == LedgerOutcome.Unknown;

        // Plain values only in the update, and only the columns this outcome changes: EF Core evaluates any other
        // expression of the caller's (a conditional, a method call) and translates each setter that reads the row on
        // every call, which cost more than the update itself (docs/benchmarks.md). The status columns need no
        // condition: a record has no message id before this update, so no report can have moved its status yet.
        var recordId = id.Value;
        var messageId = result?.MessageId;
        var errorType = failure?.GetType().Name;
        var errorMessage = failure?.Message;
        var httpStatus = error?.HttpStatus is { } status ? (int?)status : null;
        var providerCode = error?.ProviderCode;
        await _database.RunAsync(
            async context =>
            {
                await context.Set<LedgerMessage>().Where(m => m.Id == recordId).ExecuteUpdateAsync(
                    set =>
                    {
                        set
                            .SetProperty(m => m.Outcome, outcome)
                            .SetProperty(m => m.SettledAt, now)
                            .SetProperty(m => m.MessageId, messageId)
                            .SetProperty(m => m.ErrorType, errorType)
                            .SetProperty(m => m.ErrorMessage, errorMessage)
                            .SetProperty(m => m.HttpStatus, httpStatus)
                            .SetProperty(m => m.ProviderCode, providerCode);
                        if (!keepText)
                        {
                            set.SetProperty(m => m.Text, (string?)null);
                        }

                        if (outcome == LedgerOutcome.Accepted)
                        {
                            set
                                .SetProperty(m => m.Status, WhatsAppMessageStatus.Queued)
                                .SetProperty(m => m.StatusAt, now)
                                .SetProperty(m => m.StatusRank, 1);
                        }
                    },
                    cancellationToken).ConfigureAwait(false);
                if (result is not null)
                {
                    // Statuses that arrived before the send returned its id are applied now.
                    await LedgerStatuses.ApplyAsync(context, intent.Provider.Name, result.MessageId, cancellationToken).ConfigureAwait(false);
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inserts the intent; its id, or null when the key is taken.</summary>
    private Task<long?> TryInsertAsync(WhatsAppSendIntent intent, string key, string hash, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var record = new LedgerMessage
        {
            Provider = intent.Provider.Name,
            RegistrationName = intent.RegistrationName,
            Instance = intent.Instance,
            IdempotencyKey = key,
            KeyGenerated = intent.IdempotencyKey is null,
            ChatId = intent.ChatId,
            ContentHash = hash,
            Text = intent.Text,
            CreatedAt = now,
            AttemptedAt = now,
            Attempts = 1,
            Outcome = LedgerOutcome.Sending,
        };
        return _database.RunAsync<long?>(
            async context =>
            {
                context.Add(record);
                try
                {
                    await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    return record.Id;
                }
                catch (DbUpdateException e) when (LedgerDatabase.IsUniqueViolation(e))
                {
                    return null;
                }
            },
            cancellationToken);
    }

    /// <summary>
    /// Claims a refused record for a new attempt; false when another send claimed it first. Nothing was sent of a
    /// refused send, so attempting it again is not a second send.
    /// </summary>
    private Task<bool> TryTakeOverAsync(LedgerMessage refused, WhatsAppSendIntent intent, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return _database.RunAsync(
            async context => await context.Set<LedgerMessage>()
                .Where(m => m.Id == refused.Id && m.Outcome == LedgerOutcome.Refused && m.Attempts == refused.Attempts)
                .ExecuteUpdateAsync(
                    set => set
                        .SetProperty(m => m.Outcome, LedgerOutcome.Sending)
                        .SetProperty(m => m.Attempts, refused.Attempts + 1)
                        .SetProperty(m => m.AttemptedAt, now)
                        .SetProperty(m => m.SettledAt, (long?)null)
                        .SetProperty(m => m.Text, intent.Text),
                    cancellationToken).ConfigureAwait(false) == 1,
            cancellationToken);
    }

    private static string Time(long unixMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
