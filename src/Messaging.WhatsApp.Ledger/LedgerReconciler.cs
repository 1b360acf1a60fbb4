using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp.Ledger;

/// <summary>
/// Keeps the ledger true through failures, every <see cref="WhatsAppLedgerOptions.ReconcileInterval"/>:
/// <list type="number">
/// <item>a send whose lease ran out (its process stopped while sending) becomes an unknown outcome: never sent again blindly;</item>
/// <item>unknown outcomes are settled from evidence: a gateway with a journal (<see cref="IWhatsAppSentMessageJournal"/>,
/// GREEN-API) is asked once per instance for all of them; for a gateway without one (Maytapi), a status report for the
/// record's chat after its attempt, about a message id no other record holds, when it is the only unknown record of
/// that chat;</item>
/// <item>an unknown outcome past <see cref="WhatsAppLedgerOptions.UnresolvedAfter"/> becomes unresolved and is reported;</item>
/// <item>an accepted message without a sent status after <see cref="WhatsAppLedgerOptions.StuckAfter"/> is flagged stuck;</item>
/// <item>records past <see cref="WhatsAppLedgerOptions.RetainFor"/> are deleted, a batch per run.</item>
/// </list>
/// Each step is a conditional update: replicas that run it at once never settle a record twice.
/// </summary>
internal sealed partial class LedgerReconciler : BackgroundService
{
    /// <summary>How far a gateway's clock may be behind this one when a report is matched to the attempt before it.</summary>
    private static readonly TimeSpan ClockDifference = TimeSpan.FromMinutes(1);

    /// <summary>The most unknown records looked up in one run.</summary>
    private const int Batch = 500;

    private readonly IServiceProvider _services;
    private readonly LedgerDatabase _database;
    private readonly WhatsAppLedgerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public LedgerReconciler(IServiceProvider services, LedgerDatabase database, WhatsAppLedgerOptions options, TimeProvider time, ILogger<LedgerReconciler> logger)
    {
        _services = services;
        _database = database;
        _options = options;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogFailed(_logger, e);
            }

            try
            {
                await Task.Delay(_options.ReconcileInterval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    /// <summary>One run of every step.</summary>
    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await ExpireLeasesAsync(cancellationToken).ConfigureAwait(false);
        await SettleUnknownAsync(cancellationToken).ConfigureAwait(false);
        await MarkUnresolvedAsync(cancellationToken).ConfigureAwait(false);
        await FlagStuckAsync(cancellationToken).ConfigureAwait(false);
        await DeleteOldAsync(cancellationToken).ConfigureAwait(false);
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Sends whose process stopped while sending them: unknown outcomes, for the evidence to settle. A lease no process
    /// can hold (none at all, or further ahead than <see cref="WhatsAppLedgerOptions.SendLease"/> and the clocks'
    /// difference: an edited row) has run out too, or it would hold its key and its chat's outbox forever.
    /// </summary>
    private Task<int> ExpireLeasesAsync(CancellationToken cancellationToken)
    {
        var now = Now();
        var longest = now + (long)(_options.SendLease + ClockDifference).TotalMilliseconds;
        return _database.RunAsync(
            context => context.Set<LedgerMessage>()
                .Where(m => m.Outcome == LedgerOutcome.Sending && (m.LeaseUntil == null || m.LeaseUntil < now || m.LeaseUntil > longest))
                .ExecuteUpdateAsync(
                    set => set
                        .SetProperty(m => m.Outcome, LedgerOutcome.Unknown)
                        .SetProperty(m => m.SettledAt, now)
                        .SetProperty(m => m.NextAttemptAt, now)
                        .SetProperty(m => m.LeaseOwner, (string?)null)
                        .SetProperty(m => m.LeaseUntil, (long?)null)
                        .SetProperty(m => m.ErrorType, "LeaseExpired")
                        .SetProperty(m => m.ErrorMessage, "The process sending it stopped before it recorded an outcome; the message may have been sent."),
                    cancellationToken),
            cancellationToken);
    }

    private async Task SettleUnknownAsync(CancellationToken cancellationToken)
    {
        var now = Now();
        var due = await _database.RunAsync(
            context => context.Set<LedgerMessage>().AsNoTracking()
                .Where(m => m.Outcome == LedgerOutcome.Unknown && (m.NextAttemptAt == null || m.NextAttemptAt <= now))
                .OrderBy(m => m.AttemptedAt).ThenBy(m => m.Id)
                .Take(Batch)
                .ToListAsync(cancellationToken),
            cancellationToken).ConfigureAwait(false);
        foreach (var group in due.GroupBy(m => (m.Provider, m.RegistrationName)))
        {
            var records = group.ToList();
            switch (Sender(group.Key.Provider, group.Key.RegistrationName))
            {
                case IWhatsAppSentMessageJournal journal:
                    await SettleFromJournalAsync(journal, records, cancellationToken).ConfigureAwait(false);
                    break;
                case { }:
                    await SettleFromReportsAsync(records, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    // No sender of that provider under that name in this process: nothing to ask; the deadline applies.
                    await LaterAsync(records, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    /// <summary>
    /// One journal read for every unknown record of an instance. A record takes the earliest match no other record holds
    /// (two sends of the same text to one chat are two entries); without one, a conclusive "not found" settles it as not
    /// sent, and anything else is asked again next run.
    /// </summary>
    private async Task SettleFromJournalAsync(IWhatsAppSentMessageJournal journal, List<LedgerMessage> records, CancellationToken cancellationToken)
    {
        var lookups = records.Where(r => r.Text is { Length: > 0 } && ChatAddress.TryParse(r.ChatId, out _)).ToList();
        if (lookups.Count < records.Count)
        {
            // A record the journal cannot be asked about (no text, a chat that does not parse) waits for its deadline
            // after the others, rather than coming first in every run's batch and keeping them out of it.
            await LaterAsync(records.Except(lookups).ToList(), cancellationToken).ConfigureAwait(false);
        }

        if (lookups.Count == 0)
        {
            return;
        }

        IReadOnlyList<SentMessageSearch> searches;
        try
        {
            searches = await journal.FindSentMessagesAsync(
                lookups.Select(r => new SentMessageQuery(ChatAddress.Parse(r.ChatId), r.Text!, DateTimeOffset.FromUnixTimeMilliseconds(r.AttemptedAt))).ToList(),
                cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException) when (lookups.Count > 1)
        {
            // The sender refused a query (a text, chat or time it would never have sent: an edited row): ask for each
            // record alone, so that one record does not keep the others from being settled.
            foreach (var record in lookups)
            {
                await SettleFromJournalAsync(journal, [record], cancellationToken).ConfigureAwait(false);
            }

            return;
        }
        catch (ArgumentException e)
        {
            await LedgerRows.SetAsideAsync(_database, new LedgerRows.Odd(lookups[0].Id, lookups[0].IdempotencyKey, "Text, ChatId or AttemptedAt", "cannot be looked up in the journal: " + e.Message), LedgerOutcome.Unknown, Now(), _logger, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (WhatsAppException e)
        {
            LogJournalFailed(_logger, lookups[0].Provider, e.Message);
            await LaterAsync(lookups, cancellationToken).ConfigureAwait(false);
            return;
        }

        var candidateIds = searches.SelectMany(s => s.Matches).Select(m => m.MessageId!).Distinct().ToList();
        var held = await HeldAsync(lookups[0].Provider, candidateIds, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < lookups.Count; i++)
        {
            var record = lookups[i];
            var search = searches[i];
            if (search.Matches.FirstOrDefault(m => !held.Contains(m.MessageId!)) is { } found)
            {
                held.Add(found.MessageId!);
                await AcceptAsync(record, found.MessageId!, cancellationToken).ConfigureAwait(false);
            }
            else if (search.Conclusive && search.Matches.Count == 0)
            {
                await NotSentAsync(record, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await LaterAsync([record], cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A gateway without a journal: a status report (an ack, an error) for the record's chat after its attempt, about
    /// a message id no record holds, settles it when it is the only such id and the only unknown record of that chat.
    /// </summary>
    private async Task SettleFromReportsAsync(List<LedgerMessage> records, CancellationToken cancellationToken)
    {
        foreach (var chat in records.GroupBy(r => r.ChatId))
        {
            var provider = chat.First().Provider;
            var chatId = chat.Key;
            var unknownOfChat = await _database.RunAsync(
                context => context.Set<LedgerMessage>().CountAsync(m => m.Provider == provider && m.ChatId == chatId && m.Outcome == LedgerOutcome.Unknown, cancellationToken),
                cancellationToken).ConfigureAwait(false);
            if (unknownOfChat != 1)
            {
                await LaterAsync(chat.ToList(), cancellationToken).ConfigureAwait(false);
                continue;
            }

            var record = chat.Single();
            var after = record.AttemptedAt - (long)ClockDifference.TotalMilliseconds;
            var ids = await _database.RunAsync(
                context =>
                {
                    var messages = context.Set<LedgerMessage>();
                    return context.Set<LedgerStatusEvent>().AsNoTracking()
                        .Where(e => e.Provider == provider && e.ChatId == chatId && (e.ProviderTime ?? e.ReceivedAt) >= after)
                        .Where(e => !messages.Any(m => m.Provider == provider && m.MessageId == e.MessageId))
                        .Select(e => e.MessageId)
                        .Distinct()
                        .Take(2)
                        .ToListAsync(cancellationToken);
                },
                cancellationToken).ConfigureAwait(false);
            if (ids.Count == 1)
            {
                await AcceptAsync(record, ids[0], cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await LaterAsync([record], cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Of <paramref name="ids"/>, those a record holds already.</summary>
    private async Task<HashSet<string>> HeldAsync(string provider, List<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        var held = await _database.RunAsync(
            context => context.Set<LedgerMessage>().AsNoTracking()
                .Where(m => m.Provider == provider && m.MessageId != null && ids.Contains(m.MessageId))
                .Select(m => m.MessageId!)
                .ToListAsync(cancellationToken),
            cancellationToken).ConfigureAwait(false);
        return new HashSet<string>(held, StringComparer.Ordinal);
    }

    private Task<int> AcceptAsync(LedgerMessage record, string messageId, CancellationToken cancellationToken)
    {
        var now = Now();
        var keepText = _options.KeepText;
        return _database.RunAsync(
            async context =>
            {
                if (await LedgerStatuses.AcceptUnknownAsync(context, record.Id, record.Provider, messageId, now, keepText, reconciled: true, cancellationToken).ConfigureAwait(false))
                {
                    LogSettled(_logger, record.IdempotencyKey, messageId);
                }

                return 0;
            },
            cancellationToken);
    }

    private async Task NotSentAsync(LedgerMessage record, CancellationToken cancellationToken)
    {
        var now = Now();
        var resend = _options.ResendNotSent;
        // Only the attempt the journal was read for: meanwhile another replica may have settled it, sent it again, and
        // that attempt may be unknown too, and gone out; a "not found" about the earlier one says nothing of it.
        var settled = await _database.RunAsync(
            context => context.Set<LedgerMessage>()
                .Where(m => m.Id == record.Id && m.Outcome == LedgerOutcome.Unknown && m.Attempts == record.Attempts)
                .ExecuteUpdateAsync(
                    set => set
                        .SetProperty(m => m.Outcome, resend ? LedgerOutcome.Queued : LedgerOutcome.NotSent)
                        .SetProperty(m => m.SettledAt, resend ? null : now)
                        .SetProperty(m => m.NextAttemptAt, resend ? now : null)
                        .SetProperty(m => m.ReconcileAttempts, m => m.ReconcileAttempts + 1),
                    cancellationToken),
            cancellationToken).ConfigureAwait(false);
        if (settled == 1)
        {
            LedgerTelemetry.Count(LedgerTelemetry.NotSent, record.Provider);
            LogNotSent(_logger, record.IdempotencyKey, resend ? "it is sent again through the outbox" : "it is not sent again (ResendNotSent is off)");
            await NotifyAsync(record.Id, (handler, r, ct) => handler.OnNotSentAsync(r, ct), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Asks again next run, or after the wait that grows with each try, up to a minute.</summary>
    private Task<int> LaterAsync(List<LedgerMessage> records, CancellationToken cancellationToken)
    {
        var ids = records.Select(r => r.Id).ToList();
        var now = Now();
        var interval = (long)_options.ReconcileInterval.TotalMilliseconds;
        return _database.RunAsync(
            context => context.Set<LedgerMessage>()
                .Where(m => ids.Contains(m.Id) && m.Outcome == LedgerOutcome.Unknown)
                .ExecuteUpdateAsync(
                    set => set
                        .SetProperty(m => m.ReconcileAttempts, m => m.ReconcileAttempts + 1)
                        .SetProperty(m => m.NextAttemptAt, m => now + Math.Min(60_000, interval * (m.ReconcileAttempts + 1))),
                    cancellationToken),
            cancellationToken);
    }

    private async Task MarkUnresolvedAsync(CancellationToken cancellationToken)
    {
        var deadline = Now() - (long)_options.UnresolvedAfter.TotalMilliseconds;
        var late = await _database.RunAsync(
            context => context.Set<LedgerMessage>().AsNoTracking()
                .Where(m => m.Outcome == LedgerOutcome.Unknown && m.AttemptedAt < deadline)
                .OrderBy(m => m.Id).Take(Batch).Select(m => new { m.Id, m.Provider, m.IdempotencyKey })
                .ToListAsync(cancellationToken),
            cancellationToken).ConfigureAwait(false);
        foreach (var record in late)
        {
            var marked = await _database.RunAsync(
                context => context.Set<LedgerMessage>().Where(m => m.Id == record.Id && m.Outcome == LedgerOutcome.Unknown)
                    .ExecuteUpdateAsync(set => set.SetProperty(m => m.Outcome, LedgerOutcome.Unresolved), cancellationToken),
                cancellationToken).ConfigureAwait(false);
            if (marked == 1)
            {
                LedgerTelemetry.Count(LedgerTelemetry.Unresolved, record.Provider);
                LogUnresolved(_logger, record.IdempotencyKey, _options.UnresolvedAfter.TotalMinutes);
                await NotifyAsync(record.Id, (handler, r, ct) => handler.OnUnresolvedAsync(r, ct), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task FlagStuckAsync(CancellationToken cancellationToken)
    {
        var now = Now();
        var since = now - (long)_options.StuckAfter.TotalMilliseconds;
        var stuck = await _database.RunAsync(
            context => context.Set<LedgerMessage>().AsNoTracking()
                .Where(m => m.Outcome == LedgerOutcome.Accepted && m.StatusRank < 2 && m.StuckSince == null && m.SettledAt < since)
                .OrderBy(m => m.Id).Take(Batch).Select(m => new { m.Id, m.Provider, m.IdempotencyKey, m.MessageId })
                .ToListAsync(cancellationToken),
            cancellationToken).ConfigureAwait(false);
        foreach (var record in stuck)
        {
            var flagged = await _database.RunAsync(
                context => context.Set<LedgerMessage>().Where(m => m.Id == record.Id && m.StuckSince == null && m.StatusRank < 2)
                    .ExecuteUpdateAsync(set => set.SetProperty(m => m.StuckSince, now), cancellationToken),
                cancellationToken).ConfigureAwait(false);
            if (flagged == 1)
            {
                LedgerTelemetry.Count(LedgerTelemetry.Stuck, record.Provider);
                LogStuck(_logger, record.IdempotencyKey, record.MessageId ?? string.Empty, _options.StuckAfter.TotalMinutes);
                await NotifyAsync(record.Id, (handler, r, ct) => handler.OnStuckAsync(r, ct), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Deletes a batch of the records (and, separately, of the status reports) older than the retention.</summary>
    private async Task DeleteOldAsync(CancellationToken cancellationToken)
    {
        var cutoff = Now() - (long)_options.RetainFor.TotalMilliseconds;
        var size = _options.RetentionBatchSize;
        await _database.RunAsync(
            async context =>
            {
                // A record created before any date (an edited row) is not old but odd: deleting it would free its key for a
                // second send.
                var oldMessages = await context.Set<LedgerMessage>().Where(m => m.CreatedAt < cutoff && m.CreatedAt >= LedgerRows.MinTime).OrderBy(m => m.Id).Select(m => m.Id).Take(size).ToListAsync(cancellationToken).ConfigureAwait(false);
                if (oldMessages.Count > 0)
                {
                    await context.Set<LedgerMessage>().Where(m => oldMessages.Contains(m.Id)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                }

                var oldReports = await context.Set<LedgerStatusEvent>().Where(e => e.ReceivedAt < cutoff).OrderBy(e => e.Id).Select(e => e.Id).Take(size).ToListAsync(cancellationToken).ConfigureAwait(false);
                if (oldReports.Count > 0)
                {
                    await context.Set<LedgerStatusEvent>().Where(e => oldReports.Contains(e.Id)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    private IWhatsAppSender? Sender(string provider, string registrationName)
    {
        try
        {
            var sender = registrationName.Length == 0 ? _services.GetService<IWhatsAppSender>() : _services.GetKeyedService<IWhatsAppSender>(registrationName);
            return sender?.Provider.Name == provider ? sender : null;
        }
        catch (InvalidOperationException)
        {
            // Two gateways under one name: the neutral sender cannot be told apart.
            return null;
        }
    }

    private async Task NotifyAsync(long id, Func<IWhatsAppLedgerHandler, LedgerRecord, CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        var row = await _database.RunAsync(
            context => context.Set<LedgerMessage>().AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return;
        }

        var record = new LedgerRecord(row);
        using var scope = _services.CreateScope();
        foreach (var handler in scope.ServiceProvider.GetServices<IWhatsAppLedgerHandler>())
        {
            try
            {
                await call(handler, record, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                LogHandlerFailed(_logger, e, handler.GetType().Name, record.IdempotencyKey);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Settled the unknown outcome of {Key}: the gateway has it as message {MessageId}")]
    private static partial void LogSettled(ILogger logger, string key, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The unknown send {Key} was not sent, as the gateway's journal shows; {What}")]
    private static partial void LogNotSent(ILogger logger, string key, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outcome of {Key} is still unknown after {Minutes} minutes: unresolved; it may or may not have been sent")]
    private static partial void LogUnresolved(ILogger logger, string key, double minutes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} ({Key}) was accepted and has reported no sent status for {Minutes} minutes: stuck at the gateway")]
    private static partial void LogStuck(ILogger logger, string key, string messageId, double minutes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The journal of {Provider} could not be read ({Error}); the unknown outcomes are looked up again later")]
    private static partial void LogJournalFailed(ILogger logger, string provider, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "A ledger handler ({Handler}) failed for {Key}")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string handler, string key);

    [LoggerMessage(Level = LogLevel.Error, Message = "The ledger's reconciler failed; it runs again after its interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
