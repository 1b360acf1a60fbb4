using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp.Ledger;

/// <summary>
/// Sends what the outbox holds, in every replica that runs it (<see cref="WhatsAppLedgerOptions.DispatchOutbox"/>). A
/// replica claims a message by leasing it (a conditional update that one replica alone wins; on PostgreSQL a batch at
/// once, skipping the rows another replica is claiming), sends it through the
/// registered sender with its key (validation, retries and the rate limit apply), and the recorder records the
/// outcome. A message is claimed only when no earlier message to the same chat is still in the outbox or in flight, so
/// one chat's messages go out in the order they were added. A replica that dies holding a lease leaves the message in
/// flight; when the lease runs out the reconciler treats it as an unknown outcome, never as a message to send again.
/// </summary>
internal sealed partial class LedgerDispatcher : BackgroundService
{
    /// <summary>Npgsql's EF Core provider, as <c>Database.ProviderName</c> names it.</summary>
    internal const string PostgreSqlProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    private readonly IServiceProvider _services;
    private readonly LedgerDatabase _database;
    private readonly WhatsAppLedgerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Whether the database is PostgreSQL (it claims with <c>SKIP LOCKED</c>); known after the first claim.</summary>
    private bool? _skipLocked;

    public LedgerDispatcher(IServiceProvider services, LedgerDatabase database, WhatsAppLedgerOptions options, TimeProvider time, ILogger<LedgerDispatcher> logger)
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
                if (await DispatchOnceAsync(stoppingToken).ConfigureAwait(false) == 0)
                {
                    await Task.Delay(_options.DispatchInterval, _time, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The database is away, say: the outbox waits for it; nothing is lost, nothing is sent twice.
                LogFailed(_logger, e);
                try
                {
                    await Task.Delay(_options.DispatchInterval, _time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Claims what is due (at most a batch) and sends it; how many it claimed.</summary>
    internal async Task<int> DispatchOnceAsync(CancellationToken cancellationToken)
    {
        var claimed = await ClaimAsync(cancellationToken).ConfigureAwait(false);
        if (claimed.Count > 0)
        {
            await Parallel.ForEachAsync(
                claimed,
                new ParallelOptions { MaxDegreeOfParallelism = _options.DispatchConcurrency, CancellationToken = CancellationToken.None },
                (record, _) => new ValueTask(SendAsync(record)))
                .ConfigureAwait(false);
        }

        return claimed.Count;
    }

    /// <summary>The due messages that are first in their chat, leased to this process.</summary>
    private async Task<List<LedgerMessage>> ClaimAsync(CancellationToken cancellationToken)
    {
        _skipLocked ??= await _database.RunAsync(context => Task.FromResult(context.Database.ProviderName == PostgreSqlProvider), cancellationToken).ConfigureAwait(false);
        return _skipLocked.Value ? await ClaimSkippingLockedAsync(cancellationToken).ConfigureAwait(false) : await ClaimEachAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Any database: the candidates read, then leased one by one with a conditional update; a lease another replica took
    /// first is simply not this one's. Replicas that read the same candidates contend for each of them.
    /// </summary>
    internal async Task<List<LedgerMessage>> ClaimEachAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        // A record the ledger never writes (an edited row) is not sent: set aside as unresolved, with a warning.
        var candidates = await LedgerRows.ReadAsync(
            _database,
            context =>
            {
                var messages = context.Set<LedgerMessage>();
                return messages
                    .Where(m => m.Outcome == LedgerOutcome.Queued && (m.NextAttemptAt == null || m.NextAttemptAt <= now))
                    .Where(m => !messages.Any(o => o.Provider == m.Provider && o.RegistrationName == m.RegistrationName && o.ChatId == m.ChatId && o.Id < m.Id
                        && (o.Outcome == LedgerOutcome.Queued || o.Outcome == LedgerOutcome.Sending)))
                    .OrderBy(m => m.Id)
                    .Take(_options.DispatchBatchSize);
            },
            LedgerRows.Check,
            odd => LedgerRows.SetAsideAsync(_database, odd, LedgerOutcome.Queued, now, _logger, cancellationToken),
            cancellationToken).ConfigureAwait(false);

        var claimed = new List<LedgerMessage>(candidates.Count);
        var owner = LedgerProcess.Owner;
        var leaseUntil = now + (long)_options.SendLease.TotalMilliseconds;
        foreach (var candidate in candidates)
        {
            var won = await _database.RunAsync(
                context => context.Set<LedgerMessage>()
                    .Where(m => m.Id == candidate.Id && m.Outcome == LedgerOutcome.Queued && m.Attempts == candidate.Attempts)
                    .ExecuteUpdateAsync(
                        set => set
                            .SetProperty(m => m.Outcome, LedgerOutcome.Sending)
                            .SetProperty(m => m.LeaseOwner, owner)
                            .SetProperty(m => m.LeaseUntil, leaseUntil)
                            .SetProperty(m => m.AttemptedAt, now)
                            .SetProperty(m => m.Attempts, candidate.Attempts + 1)
                            .SetProperty(m => m.NextAttemptAt, (long?)null),
                        cancellationToken),
                cancellationToken).ConfigureAwait(false);
            if (won == 1)
            {
                // As leased, like the PostgreSQL claim returns it: the attempt under way counts.
                candidate.Attempts++;
                claimed.Add(candidate);
            }
        }

        return claimed;
    }

    /// <summary>
    /// PostgreSQL: a batch leased in one statement. Its candidates are locked with <c>FOR UPDATE SKIP LOCKED</c>, so
    /// replicas claiming at the same moment take disjoint batches instead of contending for the same rows; a row another
    /// replica is claiming is skipped, and the messages after it in its chat wait (the other replica's claim is not
    /// committed yet, so they still see it queued). The lock the CTE takes holds each row until the claim commits,
    /// so the update needs no second look at its outcome. Table and column names come from the model, as the app's
    /// context may map them.
    /// <para>
    /// The plan must not hang on statistics, which a table that just received a burst does not have until autovacuum's
    /// first ANALYZE. Without them the planner takes every condition for highly selective: it read the whole queue and
    /// sorted it for each batch, and found a chat's first message through the unique key's index (every row of the
    /// provider, then a sort), so a claim over a fresh burst of 20,000 messages took a minute where it takes milliseconds.
    /// Both bad plans need a sort, and the good ones need none (the outbox's partial indexes are in the order the claim
    /// reads), so the claim runs in its own transaction with <c>SET LOCAL enable_sort = off</c>: the ordered index scans
    /// are then the cheapest plan whatever the statistics say (a sort stays possible, only priced out). The batch is
    /// chosen once, in a materialized CTE joined by id.
    /// </para>
    /// </summary>
    internal async Task<List<LedgerMessage>> ClaimSkippingLockedAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var leaseUntil = now + (long)_options.SendLease.TotalMilliseconds;
        var claimed = await _database.RunAsync(
            context =>
            {
                var entity = context.Model.FindEntityType(typeof(LedgerMessage))!;
                var sql = context.GetService<ISqlGenerationHelper>();
                var store = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
                var table = sql.DelimitIdentifier(store.Name, store.Schema);
                string Column(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(store)!);
                var (id, outcome, nextAttemptAt) = (Column(nameof(LedgerMessage.Id)), Column(nameof(LedgerMessage.Outcome)), Column(nameof(LedgerMessage.NextAttemptAt)));
                var (provider, registration, chat) = (Column(nameof(LedgerMessage.Provider)), Column(nameof(LedgerMessage.RegistrationName)), Column(nameof(LedgerMessage.ChatId)));
                var (queued, sending) = ((int)LedgerOutcome.Queued, (int)LedgerOutcome.Sending);
                // Only the model's names and the outcomes' numbers are written into the text; the values are parameters.
                var claim = $$"""
                    WITH due AS MATERIALIZED (
                        SELECT c.{{id}} FROM {{table}} AS c
                        WHERE c.{{outcome}} = {{queued}} AND (c.{{nextAttemptAt}} IS NULL OR c.{{nextAttemptAt}} <= {2})
                          AND c.{{id}} = (
                            SELECT o.{{id}} FROM {{table}} AS o
                            WHERE o.{{provider}} = c.{{provider}} AND o.{{registration}} = c.{{registration}} AND o.{{chat}} = c.{{chat}}
                              AND o.{{outcome}} IN ({{sending}}, {{queued}})
                            ORDER BY o.{{provider}}, o.{{registration}}, o.{{chat}}, o.{{id}}
                            LIMIT 1)
                        ORDER BY c.{{id}}
                        LIMIT {3}
                        FOR UPDATE OF c SKIP LOCKED)
                    UPDATE {{table}} AS m
                    SET {{outcome}} = {{sending}}, {{Column(nameof(LedgerMessage.LeaseOwner))}} = {0}, {{Column(nameof(LedgerMessage.LeaseUntil))}} = {1},
                        {{Column(nameof(LedgerMessage.AttemptedAt))}} = {2}, {{Column(nameof(LedgerMessage.Attempts))}} = m.{{Column(nameof(LedgerMessage.Attempts))}} + 1, {{nextAttemptAt}} = NULL
                    FROM due
                    WHERE m.{{id}} = due.{{id}}
                    RETURNING m.*
                    """;
                // The app's context may retry on transient failures: the transaction is then the unit it retries.
                return context.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
                {
                    await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    await context.Database.ExecuteSqlRawAsync("SET LOCAL enable_sort = off", cancellationToken).ConfigureAwait(false);
                    var leased = await context.Set<LedgerMessage>().FromSqlRaw(
                        claim,
                        LedgerProcess.Owner,
                        leaseUntil,
                        now,
                        _options.DispatchBatchSize).AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return leased;
                });
            },
            cancellationToken).ConfigureAwait(false);

        // A record the ledger never writes (an edited row) is not sent, as the other claim does before it leases: it is
        // checked as leased (what the lease overwrote is sound now), and set aside as unresolved, with a warning.
        var sound = new List<LedgerMessage>(claimed.Count);
        foreach (var record in claimed.OrderBy(m => m.Id))
        {
            if (LedgerRows.Check(record) is { } odd)
            {
                await LedgerRows.SetAsideAsync(_database, odd, LedgerOutcome.Sending, now, _logger, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                sound.Add(record);
            }
        }

        return sound;
    }

    /// <summary>Sends one claimed message; the recorder records how it ended.</summary>
    private async Task SendAsync(LedgerMessage record)
    {
        var dispatched = new DispatchedSend(record.Id);
        LedgerProcess.Dispatched = dispatched;
        try
        {
            var sender = Sender(record);
            await sender.SendTextAsync(ChatAddress.Parse(record.ChatId), record.Text!, record.ReplyTo, new SendOptions { IdempotencyKey = record.IdempotencyKey }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WhatsAppException or InvalidOperationException or ArgumentException or FormatException)
        {
            // Once the send began, the recorder records how it ended (or, if it could not, the lease runs out and the
            // reconciler settles it). A message that never reached that point (no sender under its name, a text the
            // sender refuses, a ledger that could not be written as the send began) is recorded here: nothing was sent.
            // What may succeed later (the database back after a restart) goes back to the outbox.
            if (!dispatched.Began)
            {
                var later = e is WhatsAppException { IsSafeToRetry: true } && record.Attempts < _options.DispatchMaxAttempts;
                try
                {
                    await RefuseUnsentAsync(record, e, later).ConfigureAwait(false);
                }
                catch (Exception failure)
                {
                    // The rest of the batch goes on; this message stays in flight until its lease runs out.
                    LogUnrecorded(_logger, record.IdempotencyKey, failure);
                }
            }

            LogNotSent(_logger, record.IdempotencyKey, e.GetType().Name);
        }
        finally
        {
            LedgerProcess.Dispatched = null;
        }
    }

    private IWhatsAppSender Sender(LedgerMessage record)
    {
        var sender = record.RegistrationName.Length == 0
            ? _services.GetRequiredService<IWhatsAppSender>()
            : _services.GetRequiredKeyedService<IWhatsAppSender>(record.RegistrationName);
        return sender.Provider.Name == record.Provider
            ? sender
            : throw new InvalidOperationException($"The sender registered as '{record.RegistrationName}' is {sender.Provider.DisplayName}, not the {record.Provider} the message was added for.");
    }

    /// <summary>
    /// A claimed message that the recorder never saw (it is still this process's, in flight): nothing was sent.
    /// Refused, or back in the outbox <paramref name="later"/> (after the back-off of a refusal that is safe to retry).
    /// </summary>
    private Task<int> RefuseUnsentAsync(LedgerMessage record, Exception error, bool later)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var owner = LedgerProcess.Owner;
        var outcome = later ? LedgerOutcome.Queued : LedgerOutcome.Refused;
        var settledAt = later ? (long?)null : now;
        var nextAttemptAt = later ? LedgerSendRecorder.RetryAt(now, record.Attempts) : (long?)null;
        return _database.RunAsync(
            context => context.Set<LedgerMessage>()
                .Where(m => m.Id == record.Id && m.Outcome == LedgerOutcome.Sending && m.LeaseOwner == owner)
                .ExecuteUpdateAsync(
                    set =>
                    {
                        set
                            .SetProperty(m => m.Outcome, outcome)
                            .SetProperty(m => m.SettledAt, settledAt)
                            .SetProperty(m => m.NextAttemptAt, nextAttemptAt)
                            .SetProperty(m => m.LeaseOwner, (string?)null)
                            .SetProperty(m => m.LeaseUntil, (long?)null)
                            .SetProperty(m => m.ErrorType, error.GetType().Name)
                            .SetProperty(m => m.ErrorMessage, error.Message);
                        if (!later && !_options.KeepText)
                        {
                            // Settled: the text goes, as the recorder clears it for a refusal (WhatsAppLedgerOptions.KeepText).
                            set.SetProperty(m => m.Text, (string?)null);
                        }
                    },
                    CancellationToken.None),
            CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outbox message {Key} ended with {Error}; its record says what became of it")]
    private static partial void LogNotSent(ILogger logger, string key, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "The outbox message {Key} was not sent and that could not be recorded; it stays in flight until its lease runs out, then the reconciler settles it")]
    private static partial void LogUnrecorded(ILogger logger, string key, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The outbox dispatcher failed; it tries again after its interval, and nothing it had claimed is sent twice")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
