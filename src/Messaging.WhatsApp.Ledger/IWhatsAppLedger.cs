using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp.Ledger;

/// <summary>What became of the messages the app sent: the message ledger's questions (<c>AddWhatsAppLedger</c>).</summary>
public interface IWhatsAppLedger
{
    /// <summary>The record of the send with <paramref name="idempotencyKey"/>, or null.</summary>
    /// <param name="idempotencyKey">The key the send carried (or the generated one of a record).</param>
    /// <param name="registrationName">The sender's registration name: "" for the default one.</param>
    /// <param name="provider">The gateway's stable name, needed only when two gateways share the registration name.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <exception cref="InvalidOperationException">Two gateways have a record under the key and no provider was named.</exception>
    Task<LedgerRecord?> FindByKeyAsync(string idempotencyKey, string registrationName = "", string? provider = null, CancellationToken cancellationToken = default);

    /// <summary>The record of the message the gateway named <paramref name="messageId"/>, or null.</summary>
    /// <param name="provider">The gateway's stable name.</param>
    /// <param name="messageId">Its message id.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<LedgerRecord?> FindByMessageIdAsync(string provider, string messageId, CancellationToken cancellationToken = default);

    /// <summary>The records that meet <paramref name="query"/>, newest first.</summary>
    /// <param name="query">What to list.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<LedgerRecord>> ListAsync(LedgerQuery query, CancellationToken cancellationToken = default);

    /// <summary>How many messages recorded in [<paramref name="since"/>, <paramref name="until"/>) have each status, per provider: for a dashboard.</summary>
    /// <param name="since">The range's start.</param>
    /// <param name="until">The range's end (excluded).</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<LedgerStatusCount>> CountByStatusAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>Every step of <paramref name="record"/>'s way, in order: its send, how it ended, each status report.</summary>
    /// <param name="record">The record.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<LedgerTimelineEntry>> GetTimelineAsync(LedgerRecord record, CancellationToken cancellationToken = default);
}
