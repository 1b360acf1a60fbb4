using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Linq.Expressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp.Ledger;

/// <summary>
/// What the ledger accepts of a row it reads back. Another version, a bad migration, another program or a hand edit can
/// leave a row the ledger never writes (an undefined outcome, a time no date can hold, an accepted send without its
/// message id…). Such a row is never sent or answered from, but refused with <see cref="WhatsAppLedgerRecordException"/>,
/// which names the record and the field, or left aside with a warning that does; the rows beside it go on as usual.
/// </summary>
internal static partial class LedgerRows
{
    /// <summary>0001-01-01 and 9999-12-31T23:59:59.999 in Unix milliseconds: the times a <see cref="DateTimeOffset"/> can hold.</summary>
    public const long MinTime = -62_135_596_800_000;

    private const long MaxTime = 253_402_300_799_999;

    private static readonly WhatsAppProvider UnknownProvider = new("unknown", "an unknown gateway");

    /// <summary>
    /// The status reports whose status and rank agree, as the ledger writes them: an edited rank (or a status stored as
    /// a word or an undefined number) makes no report of the gateway's, and never becomes a record's status.
    /// </summary>
    public static readonly Expression<Func<LedgerStatusEvent, bool>> SoundReport = e => e.StatusRank == (
        e.Status == WhatsAppMessageStatus.Queued ? 1
        : e.Status == WhatsAppMessageStatus.Sent ? 2
        : e.Status == WhatsAppMessageStatus.Delivered ? 3
        : e.Status == WhatsAppMessageStatus.Read ? 4
        : e.Status == WhatsAppMessageStatus.Played ? 5
        : e.Status == WhatsAppMessageStatus.Failed || e.Status == WhatsAppMessageStatus.Deleted ? 6
        : 0);

    /// <summary>The first rule <paramref name="m"/> breaks, or null when it is a record the ledger may have written.</summary>
    public static Odd? Check(LedgerMessage m)
    {
        var problem = CheckFields(m);
        return problem is { } p ? new Odd(m.Id, m.IdempotencyKey, p.Field, p.Rule) : null;
    }

    /// <summary>The first rule the status report <paramref name="e"/> breaks, or null.</summary>
    public static Odd? Check(LedgerStatusEvent e) =>
        !Enum.IsDefined(e.Status) ? new Odd(e.Id, null, "Status", $"is {(int)e.Status}, which is no status", Report: true)
        : e.StatusRank != StatusRanks.Of(e.Status) ? new Odd(e.Id, null, "StatusRank", $"is {e.StatusRank}, which is not the rank of {e.Status} (a status stored as a word reads as Unknown)", Report: true)
        : e.ReceivedAt is < MinTime or > MaxTime || e.ProviderTime is < MinTime or > MaxTime ? new Odd(e.Id, null, "ReceivedAt", "or ProviderTime is a time no date can hold", Report: true)
        : null;

    /// <summary>
    /// Reads the rows <paramref name="query"/> selects, tracking none. A row <paramref name="check"/> finds odd is handed
    /// to <paramref name="odd"/> and left out; the others are returned.
    /// </summary>
    public static async Task<List<T>> ReadAsync<T>(LedgerDatabase database, Func<DbContext, IQueryable<T>> query, Func<T, Odd?> check, Func<Odd, Task> odd, CancellationToken cancellationToken)
        where T : class
    {
        var rows = await database.RunAsync(context => query(context).AsNoTracking().ToListAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        var sound = new List<T>(rows.Count);
        foreach (var row in rows)
        {
            if (check(row) is { } problem)
            {
                await odd(problem).ConfigureAwait(false);
            }
            else
            {
                sound.Add(row);
            }
        }

        return sound;
    }

    /// <summary>
    /// Sets an odd record aside: <see cref="LedgerOutcome.Unresolved"/> (a person must look), with the rule it breaks as its
    /// error, if it is still <paramref name="from"/>; and a warning. Never sent, never settled from evidence.
    /// </summary>
    public static async Task SetAsideAsync(LedgerDatabase database, Odd odd, LedgerOutcome from, long now, ILogger logger, CancellationToken cancellationToken)
    {
        var error = odd.Field + " " + odd.Rule;
        await database.RunAsync(
            context => context.Set<LedgerMessage>()
                .Where(m => m.Id == odd.Id && m.Outcome == from)
                .ExecuteUpdateAsync(
                    set => set
                        .SetProperty(m => m.Outcome, LedgerOutcome.Unresolved)
                        .SetProperty(m => m.SettledAt, now)
                        .SetProperty(m => m.NextAttemptAt, (long?)null)
                        .SetProperty(m => m.LeaseOwner, (string?)null)
                        .SetProperty(m => m.LeaseUntil, (long?)null)
                        .SetProperty(m => m.ErrorType, "InvalidRecord")
                        .SetProperty(m => m.ErrorMessage, error),
                    cancellationToken),
            cancellationToken).ConfigureAwait(false);
        LogOdd(logger, odd.Name, odd.Field, odd.Rule, "set aside as unresolved: it is not sent or settled; correct or delete the row");
    }

    /// <summary>Logs that <paramref name="odd"/> was left out of an answer.</summary>
    public static void LogLeftOut(ILogger logger, Odd odd) => LogOdd(logger, odd.Name, odd.Field, odd.Rule, "left out; correct or delete the row");

    /// <summary>The error details of a record of <paramref name="provider"/> (a gateway's stable name, or whatever the row holds).</summary>
    public static WhatsAppErrorDetails Details(string? provider)
    {
        try
        {
            return new WhatsAppErrorDetails(new WhatsAppProvider(provider!, provider!));
        }
        catch (ArgumentException)
        {
            return new WhatsAppErrorDetails(UnknownProvider);
        }
    }

    private static (string Field, string Rule)? CheckFields(LedgerMessage m)
    {
        if (m.Provider is not { Length: > 0 and <= 50 })
        {
            return ("Provider", "is empty or longer than 50 characters");
        }

        if (m.RegistrationName is not { Length: <= 100 })
        {
            return ("RegistrationName", "is NULL or longer than 100 characters");
        }

        if (m.Instance is not { Length: <= 200 })
        {
            return ("Instance", "is NULL or longer than 200 characters");
        }

        if (m.IdempotencyKey is not { Length: > 0 and <= SendOptions.MaxIdempotencyKeyLength })
        {
            return ("IdempotencyKey", $"is empty or longer than {SendOptions.MaxIdempotencyKeyLength} characters");
        }

        if (m.ChatId is not { Length: > 0 and <= 200 })
        {
            return ("ChatId", "is empty or longer than 200 characters");
        }

        if (m.ContentHash is not { Length: 64 } hash || !hash.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f')))
        {
            return ("ContentHash", "is not a SHA-256 in lowercase hex");
        }

        if (!Enum.IsDefined(m.Outcome))
        {
            return ("Outcome", $"is {(int)m.Outcome}, which is no outcome");
        }

        if (!Enum.IsDefined(m.Status))
        {
            return ("Status", $"is {(int)m.Status}, which is no status");
        }

        if (m.StatusRank != StatusRanks.Of(m.Status))
        {
            return ("Status", $"is {m.Status} at the rank {m.StatusRank} (StatusRank), which is not its rank (a status stored as a word reads as Unknown)");
        }

        if (m.Attempts < 0 || m.ReconcileAttempts < 0)
        {
            return (m.Attempts < 0 ? "Attempts" : "ReconcileAttempts", "is negative");
        }

        foreach (var (field, time) in new[] { ("CreatedAt", m.CreatedAt), ("AttemptedAt", m.AttemptedAt), ("SettledAt", m.SettledAt), ("StatusAt", m.StatusAt), ("LeaseUntil", m.LeaseUntil), ("NextAttemptAt", m.NextAttemptAt), ("StuckSince", m.StuckSince) })
        {
            if (time is < MinTime or > MaxTime)
            {
                return (field, string.Create(CultureInfo.InvariantCulture, $"is {time}, which no date can be (Unix milliseconds)"));
            }
        }

        if (m.MessageId is { } id && id.Length is 0 or > LedgerStatuses.MaxIdLength)
        {
            return ("MessageId", $"is empty or longer than {LedgerStatuses.MaxIdLength} characters");
        }

        return m.Outcome switch
        {
            LedgerOutcome.Sending when m.LeaseUntil is null =>
                ("Outcome", "is Sending (in flight) without a lease (LeaseUntil is NULL); an outcome stored as a word reads as Sending"),
            LedgerOutcome.Accepted when m.MessageId is null => ("MessageId", "is NULL, yet the record is Accepted"),
            not LedgerOutcome.Accepted when m.MessageId is not null => ("MessageId", $"is set, yet the record is {m.Outcome} (Outcome): only an accepted send has a message id"),
            LedgerOutcome.Queued when string.IsNullOrEmpty(m.Text) => ("Text", "is empty, yet the record is in the outbox (Queued): there is nothing to send"),
            _ => null,
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The ledger's {Row} cannot be trusted: {Field} {Rule}; {What}")]
    private static partial void LogOdd(ILogger logger, string row, string field, string rule, string what);

    /// <summary>A row that breaks a rule: which one, its field, and the rule.</summary>
    /// <param name="Id">The row's number.</param>
    /// <param name="Key">The record's key, when it could be read.</param>
    /// <param name="Field">The column, e.g. <c>Outcome</c>.</param>
    /// <param name="Rule">What it holds that the ledger never writes.</param>
    /// <param name="Report">True for a status report, false for a record.</param>
    public sealed record Odd(long Id, string? Key, string Field, string Rule, bool Report = false)
    {
        /// <summary>E.g. <c>record 17 (key 'order-42')</c>, or <c>status report 5</c>.</summary>
        public string Name => Report ? $"status report {Id}" : Key is null ? $"record {Id}" : $"record {Id} (key '{Shortened(Key)}')";
    }

    /// <summary>A key as messages quote it: its first 200 characters, and an ellipsis when there were more.</summary>
    public static string Shortened(string key) => key.Length > 200 ? key[..200] + "…" : key;
}
