using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp.Ledger;

/// <summary>
/// Applies the gateways' status reports to the records they name, with no handler of the app's: each report stored
/// once (its deduplication key under a unique index), the record's current status moved only forward. A report for a
/// message id no record has yet (it may arrive before its send returned, or be about a message sent elsewhere) is kept
/// and applied when a send records that id.
/// </summary>
internal sealed partial class LedgerStatuses : IWhatsAppUpdateHandler
{
    /// <summary>The longest message id, chat or provider status the ledger stores; longer ones name no message it sent.</summary>
    internal const int MaxIdLength = 200;

    private readonly LedgerDatabase _database;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public LedgerStatuses(LedgerDatabase database, TimeProvider time, ILogger<LedgerStatuses> logger)
    {
        _database = database;
        _time = time;
        _logger = logger;
    }

    public async Task HandleAsync(WhatsAppUpdate update, CancellationToken cancellationToken)
    {
        if (update.MessageId.Length > MaxIdLength)
        {
            LogTooLong(_logger, update.Provider.DisplayName, update.MessageId.Length);
            return;
        }

        var report = new LedgerStatusEvent
        {
            DeduplicationHash = LedgerDatabase.Hash(update.DeduplicationKey),
            DeduplicationKey = update.DeduplicationKey,
            Provider = update.Provider.Name,
            RegistrationName = update.RegistrationName,
            Instance = Shortened(update.Instance),
            MessageId = update.MessageId,
            ChatId = update.ChatId is null ? null : Shortened(LedgerProcess.Chat(update.ChatId)),
            Status = update.Status,
            StatusRank = StatusRanks.Of(update.Status),
            ProviderStatus = Shortened(update.ProviderStatus) ?? string.Empty,
            Error = update.Error,
            ProviderTime = update.Time?.ToUnixTimeMilliseconds(),
            ReceivedAt = _time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        await _database.RunAsync(
            async context =>
            {
                context.Add(report);
                try
                {
                    await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (DbUpdateException e) when (LedgerDatabase.IsUniqueViolation(e))
                {
                    // Delivered again: stored already. It is applied again below, in case the first delivery was stored
                    // and then failed before it was applied.
                    context.ChangeTracker.Clear();
                }

                await ApplyAsync(context, report.Provider, report.MessageId, cancellationToken).ConfigureAwait(false);
                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Settles the record <paramref name="id"/>, whose outcome was unknown (or unresolved), as accepted under
    /// <paramref name="messageId"/>, then applies the reports that name that id; false when the record is no longer
    /// unknown. The recorder does this for an answer that came after the lease ran out, the reconciler for an entry it
    /// found (counting the look-up in <c>ReconcileAttempts</c>).
    /// </summary>
    public static async Task<bool> AcceptUnknownAsync(DbContext context, long id, string provider, string messageId, long now, bool keepText, bool reconciled, CancellationToken cancellationToken)
    {
        var settled = await context.Set<LedgerMessage>()
            .Where(m => m.Id == id && (m.Outcome == LedgerOutcome.Unknown || m.Outcome == LedgerOutcome.Unresolved))
            .ExecuteUpdateAsync(
                set =>
                {
                    set
                        .SetProperty(m => m.Outcome, LedgerOutcome.Accepted)
                        .SetProperty(m => m.MessageId, messageId)
                        .SetProperty(m => m.SettledAt, now)
                        .SetProperty(m => m.NextAttemptAt, (long?)null)
                        .SetProperty(m => m.Text, m => keepText ? m.Text : null)
                        .SetProperty(m => m.Status, m => m.StatusRank < 1 ? WhatsAppMessageStatus.Queued : m.Status)
                        .SetProperty(m => m.StatusAt, m => m.StatusRank < 1 ? now : m.StatusAt)
                        .SetProperty(m => m.StatusRank, m => m.StatusRank < 1 ? 1 : m.StatusRank);
                    if (reconciled)
                    {
                        set.SetProperty(m => m.ReconcileAttempts, m => m.ReconcileAttempts + 1);
                    }
                },
                cancellationToken).ConfigureAwait(false);
        if (settled > 0)
        {
            await ApplyAsync(context, provider, messageId, cancellationToken).ConfigureAwait(false);
        }

        return settled > 0;
    }

    /// <summary>
    /// Moves the record of <paramref name="messageId"/> (if there is one yet) to the furthest status its reports state,
    /// never back. Run after each report is stored and after each send records its id, each after its own write is
    /// committed: whichever runs last sees both, and the forward-only condition keeps an older view from undoing a
    /// newer one.
    /// </summary>
    public static async Task ApplyAsync(DbContext context, string provider, string messageId, CancellationToken cancellationToken)
    {
        var furthest = await FurthestQueries.GetValue(context.Model, static _ => EF.CompileAsyncQuery(
                (DbContext c, string provider, string messageId, CancellationToken cancellationToken) => c.Set<LedgerStatusEvent>().AsNoTracking()
                    .Where(e => e.Provider == provider && e.MessageId == messageId && e.StatusRank > 0)
                    .Where(LedgerRows.SoundReport)
                    .OrderByDescending(e => e.StatusRank).ThenBy(e => e.ReceivedAt).ThenBy(e => e.Id)
                    .Select(e => new FurthestReport(e.Status, e.StatusRank, e.ProviderTime ?? e.ReceivedAt))
                    .FirstOrDefault()))
            (context, provider, messageId, cancellationToken).ConfigureAwait(false);
        if (furthest is null)
        {
            return;
        }

        // Plain locals in the query: EF Core reads them as parameters, where it would evaluate furthest.StatusRank on
        // every call.
        var (status, rank, at) = (furthest.Status, furthest.StatusRank, furthest.At);
        await context.Set<LedgerMessage>()
            .Where(m => m.Provider == provider && m.MessageId == messageId && m.StatusRank < rank)
            .ExecuteUpdateAsync(
                set =>
                {
                    set
                        .SetProperty(m => m.Status, status)
                        .SetProperty(m => m.StatusRank, rank)
                        .SetProperty(m => m.StatusAt, at);
                    if (rank >= 2)
                    {
                        // A message that reports sent (or anything after) is no longer stuck.
                        set.SetProperty(m => m.StuckSince, (long?)null);
                    }
                },
                cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The query of <see cref="ApplyAsync"/>, compiled once per model (a compiled query serves one model only): it runs
    /// after every send and every report, and compiled it costs less than half the CPU time of the same query
    /// translated from LINQ on each call (docs/benchmarks.md).
    /// </summary>
    private static readonly ConditionalWeakTable<IModel, Func<DbContext, string, string, CancellationToken, Task<FurthestReport?>>> FurthestQueries = new();

    private static string? Shortened(string? text) => text is { Length: > MaxIdLength } ? text[..MaxIdLength] : text;

    /// <summary>The furthest status the reports of a message state, and when (the gateway's time, else when received).</summary>
    private sealed record FurthestReport(WhatsAppMessageStatus Status, int StatusRank, long At);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a {Provider} status report whose message id has {Length} characters: no message the ledger records has such an id")]
    private static partial void LogTooLong(ILogger logger, string provider, int length);
}
