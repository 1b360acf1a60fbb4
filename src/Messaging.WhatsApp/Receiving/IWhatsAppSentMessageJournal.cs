using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp;

/// <summary>
/// A gateway's journal of the messages an instance sent, asked about many messages at once: what settles an unknown
/// outcome (the message ledger's reconciler asks it for every unknown record of an instance in one call). GREEN-API's
/// sender implements it (lastOutgoingMessages); Maytapi keeps no journal.
/// </summary>
public interface IWhatsAppSentMessageJournal
{
    /// <summary>
    /// Looks every query up in one read of the journal: for each, the entries that are the message (complete, valid
    /// and matching, earliest first), and whether "not found" is conclusive.
    /// </summary>
    /// <param name="queries">The messages looked for; at least one.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>One search per query, in the same order.</returns>
    /// <exception cref="WhatsAppArgumentException">A query breaks a rule (an empty text, a time in the future).</exception>
    /// <exception cref="WhatsAppException">The journal could not be read; asking again is safe.</exception>
    Task<IReadOnlyList<SentMessageSearch>> FindSentMessagesAsync(IReadOnlyList<SentMessageQuery> queries, CancellationToken cancellationToken = default);
}

/// <summary>A message looked for in a journal: sent to <paramref name="Chat"/>, exactly <paramref name="Text"/>, at or after <paramref name="SentAfter"/>.</summary>
/// <param name="Chat">The chat it was sent to.</param>
/// <param name="Text">Its text, exactly as sent.</param>
/// <param name="SentAfter">When its send started.</param>
public sealed record SentMessageQuery(ChatAddress Chat, string Text, DateTimeOffset SentAfter);

/// <summary>What a journal says of one <see cref="SentMessageQuery"/>.</summary>
public sealed class SentMessageSearch
{
    /// <summary>Creates the search's result.</summary>
    /// <param name="matches">The entries that are the message, earliest first (each <see cref="SentMessageLookup.Found"/>).</param>
    /// <param name="conclusive">With no match: whether every entry that could be the message was ruled out and the journal's delay has passed.</param>
    public SentMessageSearch(IReadOnlyList<SentMessageLookup> matches, bool conclusive)
    {
        Matches = Guard.NotNull(matches);
        Conclusive = matches.Count > 0 || conclusive;
    }

    /// <summary>The entries that are the message, earliest first: several when the same text went to the chat more than once.</summary>
    public IReadOnlyList<SentMessageLookup> Matches { get; }

    /// <summary>Whether the answer can be trusted: always with a match; without one, only when the message certainly was not sent.</summary>
    public bool Conclusive { get; }

    /// <summary>The earliest match, or a not-found result: what a lookup of one message answers.</summary>
    public SentMessageLookup First => Matches.Count > 0 ? Matches[0] : SentMessageLookup.Absent(Conclusive);
}
