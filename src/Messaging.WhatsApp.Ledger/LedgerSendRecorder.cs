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
/// before the request, leased to this process for <see cref="WhatsAppLedgerOptions.SendLease"/>, and the outcome after
/// it. The unique index does the deciding: of two sends with one key, in threads or processes, one inserts the record
/// and sends; the other finds it and answers from it. An outbox send arrives already claimed by the dispatcher.
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
        try
        {
            if (LedgerProcess.Dispatched is { } dispatched)
            {
                // The dispatcher claimed this record and sends its text: the content it was enqueued with, now in the
                // provider's words, is what its key stands for from here on. Its lease is renewed as the send begins, so
                // that it covers this send however long the record waited in its batch; a record whose lease ran out
                // and that the reconciler took for dead is no longer this process's to send.
                var now = Now();
                var owner = LedgerProcess.Owner;
                var leaseUntil = now + (long)_options.SendLease.TotalMilliseconds;
                var renewed = await _database.RunAsync(
                    context => context.Set<LedgerMessage>()
                        .Where(m => m.Id == dispatched.Id && m.Outcome == LedgerOutcome.Sending && m.LeaseOwner == owner)
                        .ExecuteUpdateAsync(
                            set => set
                                .SetProperty(m => m.ContentHash, hash)
                                .SetProperty(m => m.Instance, intent.Instance)
                                .SetProperty(m => m.AttemptedAt, now)
                                .SetProperty(m => m.LeaseUntil, leaseUntil),
                            cancellationToken),
                    cancellationToken).ConfigureAwait(false);
                if (renewed == 0)
                {
                    throw new WhatsAppException(
                        $"The outbox message '{intent.IdempotencyKey}' lost its lease before its send began (the reconciler took it for an unknown outcome); nothing was sent now. Its record says what became of it.",
                        details);
                }

                dispatched.Began = true;
                _records.AddOrUpdate(intent, new StrongBox<long>(dispatched.Id));
                return null;
            }

            var key = intent.IdempotencyKey ?? "auto:" + Guid.NewGuid().ToString("N");
            var waitingSince = _time.GetTimestamp();
            while (true)
            {
                if (await TryInsertAsync(intent, key, hash, cancellationToken).ConfigureAwait(false) is { } inserted)
                {
                    _records.AddOrUpdate(intent, new StrongBox<long>(inserted));
                    return null;
                }

                // The key is taken: the same message sent before, or in flight now, or another message under the key. A
                // record the ledger never writes is not answered from, nor sent again: refused, naming the field.
                var existing = (await LedgerRows.ReadAsync(
                    _database,
                    context => context.Set<LedgerMessage>().Where(m => m.Provider == intent.Provider.Name && m.RegistrationName == intent.RegistrationName && m.IdempotencyKey == key),
                    LedgerRows.Check,
                    odd => throw new WhatsAppLedgerRecordException(odd.Id, odd.Key ?? key, odd.Field, odd.Rule, details),
                    cancellationToken).ConfigureAwait(false)).SingleOrDefault();
                if (existing is null)
                {
                    // Deleted since (retention): it can be inserted again.
                    continue;
                }

                if (existing.Outcome != LedgerOutcome.Queued && !string.Equals(existing.ContentHash, hash, StringComparison.Ordinal))
                {
                    throw new WhatsAppIdempotencyConflictException(key, details);
                }

                var now = Now();
                switch (existing.Outcome)
                {
                    case LedgerOutcome.Accepted:
                        return new SendResult(intent.Provider, existing.MessageId!, existing.ChatId);
                    case LedgerOutcome.Unknown or LedgerOutcome.Unresolved:
                    case LedgerOutcome.Sending when existing.LeaseUntil < now:
                        throw new WhatsAppOutcomeUnknownException(
                            $"An earlier send with the idempotency key '{key}' has an unknown outcome (recorded {Time(existing.SettledAt ?? existing.AttemptedAt)}): it may have been sent. Nothing was sent now; "
                            + (_options.Reconcile ? "the ledger's reconciler settles it." : "nothing settles it while the ledger's reconciler is off."),
                            details);
                    case LedgerOutcome.NotSent:
                        throw new WhatsAppException(
                            $"An earlier send with the idempotency key '{key}' was settled as not sent (recorded {Time(existing.SettledAt ?? existing.AttemptedAt)}); nothing was sent now. Send it with a new key, or let the ledger resend it (ResendNotSent).",
                            details);
                    case LedgerOutcome.Refused when await TryTakeOverAsync(existing, intent, cancellationToken).ConfigureAwait(false):
                        // Nothing of it was sent: this send is its next attempt, under the same record.
                        _records.AddOrUpdate(intent, new StrongBox<long>(existing.Id));
                        return null;
                    case LedgerOutcome.Refused:
                        // Another send took it over first: wait for that one as for any in flight.
                        continue;
                    default:
                        // In flight here or elsewhere, or in the outbox for the dispatcher: wait, then give up typed.
                        if (_time.GetElapsedTime(waitingSince) >= _options.InFlightWait)
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
        var now = Now();
        var outcome = result is not null ? LedgerOutcome.Accepted
            : error is not null and not WhatsAppOutcomeUnknownException ? LedgerOutcome.Refused
            // The caller's cancellation, or anything else: the request may have been written.
            : LedgerOutcome.Unknown;
        var attempts = 0;
        if (outcome == LedgerOutcome.Refused && error!.IsSafeToRetry && LedgerProcess.Dispatched?.Id == id.Value)
        {
            attempts = await _database.RunAsync(
                context => context.Set<LedgerMessage>().Where(m => m.Id == id.Value).Select(m => m.Attempts).SingleAsync(cancellationToken),
                cancellationToken).ConfigureAwait(false);
            if (attempts < _options.DispatchMaxAttempts)
            {
                // Nothing was sent, and the gateway may take it later: back to the outbox, after a wait.
                outcome = LedgerOutcome.Queued;
            }
        }

        var keepText = _options.KeepText || outcome is LedgerOutcome.Unknown or LedgerOutcome.Queued;
        var nextAttempt = outcome switch
        {
            LedgerOutcome.Queued => RetryAt(now, attempts),
            LedgerOutcome.Unknown => now,
            _ => (long?)null,
        };
        var owner = LedgerProcess.Owner;

        // Plain values only in the update, and only the columns this outcome changes: EF Core evaluates any other
        // expression of the caller's (a conditional, a method call) and translates each setter that reads the row on
        // every call, which cost more than the update itself (docs/benchmarks.md). The status columns need no
        // condition: a record in flight (Sending) has no message id, so no report can have moved its status yet.
        var recordId = id.Value;
        var settledAt = outcome == LedgerOutcome.Queued ? (long?)null : now;
        var messageId = result?.MessageId;
        var errorType = failure?.GetType().Name;
        var errorMessage = failure?.Message;
        var httpStatus = error?.HttpStatus is { } status ? (int?)status : null;
        var providerCode = error?.ProviderCode;
        await _database.RunAsync(
            async context =>
            {
                var messages = context.Set<LedgerMessage>().Where(m => m.Id == recordId);
                var updated = await messages.Where(m => m.Outcome == LedgerOutcome.Sending && m.LeaseOwner == owner).ExecuteUpdateAsync(
                    set =>
                    {
                        set
                            .SetProperty(m => m.Outcome, outcome)
                            .SetProperty(m => m.SettledAt, settledAt)
                            .SetProperty(m => m.LeaseOwner, (string?)null)
                            .SetProperty(m => m.LeaseUntil, (long?)null)
                            .SetProperty(m => m.NextAttemptAt, nextAttempt)
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
                            // Reports that arrived before the send returned its id are applied in the same statement
                            // (queued when there are none): one round trip after the request. A report stored later
                            // finds the id and applies itself (LedgerStatuses.ApplyAsync).
                            var provider = intent.Provider.Name;
                            var reports = context.Set<LedgerStatusEvent>()
                                .Where(e => e.Provider == provider && e.MessageId == messageId && e.StatusRank > 0)
                                .Where(LedgerRows.SoundReport)
                                .OrderByDescending(e => e.StatusRank).ThenBy(e => e.ReceivedAt).ThenBy(e => e.Id);
                            set
                                .SetProperty(m => m.Status, m => reports.Select(e => (WhatsAppMessageStatus?)e.Status).FirstOrDefault() ?? WhatsAppMessageStatus.Queued)
                                .SetProperty(m => m.StatusAt, m => reports.Select(e => (long?)(e.ProviderTime ?? e.ReceivedAt)).FirstOrDefault() ?? now)
                                .SetProperty(m => m.StatusRank, m => reports.Select(e => (int?)e.StatusRank).FirstOrDefault() ?? 1);
                        }
                    },
                    cancellationToken).ConfigureAwait(false);
                if (updated == 0 && result is not null)
                {
                    // The lease ran out before the answer came (the reconciler took the send for dead): an accepted
                    // answer is still the best evidence of what became of it.
                    // Statuses that arrived while the record was out of this send's hands are applied with it.
                    await LedgerStatuses.AcceptUnknownAsync(context, recordId, intent.Provider.Name, result.MessageId, now, _options.KeepText, reconciled: false, cancellationToken).ConfigureAwait(false);
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inserts the intent, leased to this process; its id, or null when the key is taken.</summary>
    private Task<long?> TryInsertAsync(WhatsAppSendIntent intent, string key, string hash, CancellationToken cancellationToken)
    {
        var now = Now();
        var record = new LedgerMessage
        {
            Provider = intent.Provider.Name,
            RegistrationName = intent.RegistrationName,
            Instance = intent.Instance,
            IdempotencyKey = key,
            KeyGenerated = intent.IdempotencyKey is null,
            ChatId = LedgerProcess.Chat(intent.ChatId),
            ContentHash = hash,
            Text = intent.Text,
            CreatedAt = now,
            AttemptedAt = now,
            Attempts = 1,
            Outcome = LedgerOutcome.Sending,
            LeaseOwner = LedgerProcess.Owner,
            LeaseUntil = now + (long)_options.SendLease.TotalMilliseconds,
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
        var now = Now();
        var leaseUntil = now + (long)_options.SendLease.TotalMilliseconds;
        return _database.RunAsync(
            async context => await context.Set<LedgerMessage>()
                .Where(m => m.Id == refused.Id && m.Outcome == LedgerOutcome.Refused && m.Attempts == refused.Attempts)
                .ExecuteUpdateAsync(
                    set => set
                        .SetProperty(m => m.Outcome, LedgerOutcome.Sending)
                        .SetProperty(m => m.Attempts, refused.Attempts + 1)
                        .SetProperty(m => m.AttemptedAt, now)
                        .SetProperty(m => m.SettledAt, (long?)null)
                        .SetProperty(m => m.LeaseOwner, LedgerProcess.Owner)
                        .SetProperty(m => m.LeaseUntil, leaseUntil)
                        .SetProperty(m => m.Text, intent.Text),
                    cancellationToken).ConfigureAwait(false) == 1,
            cancellationToken);
    }

    /// <summary>When an outbox message refused safely on its <paramref name="attempts"/>th attempt is due again: 5 s, doubling up to 10 minutes.</summary>
    internal static long RetryAt(long now, int attempts) =>
        now + (long)Math.Min(TimeSpan.FromMinutes(10).TotalMilliseconds, 5000 * Math.Pow(2, Math.Max(0, attempts - 1)));

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static string Time(long unixMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
