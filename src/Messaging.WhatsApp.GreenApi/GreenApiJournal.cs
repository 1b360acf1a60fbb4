using System;
using System.Net;

namespace Messaging.WhatsApp.GreenApi;

/// <summary>
/// How the lookups read GREEN-API's journal entries. An entry is the message looked for only when it is
/// complete, valid and matches; it is ruled out only when something it states clearly is not the message;
/// anything between is a doubt, which keeps "not found" from being conclusive: a resend after a wrong
/// "conclusive" duplicates the message.
/// </summary>
internal static class GreenApiJournal
{
    /// <summary>What one lastOutgoingMessages entry is to the message looked for.</summary>
    internal enum Verdict
    {
        /// <summary>Clearly another message: another chat, another text or kind, or recorded before the attempt.</summary>
        RuledOut,

        /// <summary>May be the message, but is not a complete, valid match.</summary>
        Doubtful,

        /// <summary>The message: same chat and text, recorded in the window, with an id.</summary>
        Match,
    }

    /// <summary>Whether something an entry states is the message's: yes, no, or it cannot be told.</summary>
    private enum Likeness
    {
        No,
        Maybe,
        Yes,
    }

    /// <summary>The kinds (typeMessage) of what sendMessage sends: a text, a text with a link preview, a reply.</summary>
    private static readonly string[] TextKinds = ["textMessage", "extendedTextMessage", "quotedMessage"];

    /// <summary>
    /// Judges one lastOutgoingMessages entry. A match needs all of: a usable id (not empty or white space), a
    /// time in the window [<paramref name="earliest"/>, <paramref name="latest"/>], exactly the chat id, every
    /// text it gives exactly the text (under no kind or a text kind), and nothing saying it is not an outgoing
    /// API message (<c>type</c> other than <c>outgoing</c>, <c>sendByApi</c> false). Ruled out by any of:
    /// a chat id that names another chat, texts none of which is the text (or no text under another kind), a
    /// valid time before the window.
    /// </summary>
    public static Verdict Judge(GreenApiJournalMessage? entry, ChatAddress chat, string text, DateTimeOffset earliest, DateTimeOffset latest, out DateTimeOffset time)
    {
        time = default;
        if (entry is null)
        {
            // The strict reader refuses a null entry; should one get here, it may still be the message.
            return Verdict.Doubtful;
        }

        var chatLikeness = ChatLikeness(entry.ChatId, chat);
        var textLikeness = TextLikeness(entry, text);
        var timeLikeness = TimeLikeness(entry.Timestamp, earliest, latest, out time);
        if (chatLikeness == Likeness.No || textLikeness == Likeness.No || timeLikeness == Likeness.No)
        {
            return Verdict.RuledOut;
        }

        var complete = chatLikeness == Likeness.Yes && textLikeness == Likeness.Yes && timeLikeness == Likeness.Yes
            && !string.IsNullOrWhiteSpace(entry.IdMessage)
            && entry.Type is null or "outgoing"
            && entry.SendByApi != false;
        return complete ? Verdict.Match : Verdict.Doubtful;
    }

    /// <summary>
    /// Unix seconds as a time, or null when absent or outside 1970-01-01T00:00:01 to 9999-12-31T23:59:59: zero
    /// and negative values are not times GREEN-API records, milliseconds land past the year 9999.
    /// </summary>
    public static DateTimeOffset? TimeOf(long? seconds) =>
        seconds > 0 ? NotificationJson.FromUnixSeconds(seconds) : null;

    /// <summary>
    /// Null when a getMessage answer is about the message asked (exactly its id and chat id); otherwise the
    /// error to throw: an answer about another message, or one that does not say which, is not its status.
    /// Safe to retry: getMessage changes nothing.
    /// </summary>
    public static WhatsAppException? NotTheMessageAsked(GreenApiJournalMessage answer, ChatAddress chat, string messageId)
    {
        var what =
            string.IsNullOrEmpty(answer.IdMessage) || string.IsNullOrEmpty(answer.ChatId) ? "without saying which message it is (no idMessage or chatId)"
            : !string.Equals(answer.IdMessage, messageId, StringComparison.Ordinal) ? "about another message (its idMessage is not the one asked)"
            : !string.Equals(answer.ChatId, chat.Id, StringComparison.Ordinal) ? "about the message in another chat (its chatId is not the one asked)"
            : null;
        if (what is null)
        {
            return null;
        }

        var details = new WhatsAppErrorDetails(GreenApiOptions.Provider, HttpStatusCode.OK);
        return new WhatsAppException(
            details.Describe($"GREEN-API answered getMessage {what}; that is not the status of the message asked, asking again is safe"),
            details,
            isSafeToRetry: true);
    }

    /// <summary>
    /// Exactly the chat id: yes. A chat id that names another chat: no; but a person's phone chat and a linked
    /// id (<c>@lid</c>) may be the same person, so those two never rule each other out. No chat id, one that is
    /// not a chat id, or the same chat written otherwise (no suffix, upper case): cannot be told.
    /// </summary>
    private static Likeness ChatLikeness(string? chatId, ChatAddress chat)
    {
        if (string.Equals(chatId, chat.Id, StringComparison.Ordinal))
        {
            return Likeness.Yes;
        }

        if (!ChatAddress.TryParse(chatId, out var other) || other.Id == chat.Id)
        {
            return Likeness.Maybe;
        }

        var personAndLinkedId = (other.Kind, chat.Kind) is (ChatAddressKind.Person, ChatAddressKind.LinkedId) or (ChatAddressKind.LinkedId, ChatAddressKind.Person);
        return personAndLinkedId ? Likeness.Maybe : Likeness.No;
    }

    /// <summary>
    /// The texts an entry gives (<c>textMessage</c>, <c>extendedTextMessage.text</c>; an empty one counts as
    /// none): all exactly the text, under no kind or a text kind, yes; none of them the text, no; no text under
    /// another kind (an image, a location...), no. No text under a text kind or none, texts that disagree, or
    /// the text under another kind: cannot be told.
    /// </summary>
    private static Likeness TextLikeness(GreenApiJournalMessage entry, string text)
    {
        var plain = entry.TextMessage is { Length: > 0 } t ? t : null;
        var extended = entry.ExtendedTextMessage?.Text is { Length: > 0 } e ? e : null;
        var textKind = string.IsNullOrEmpty(entry.TypeMessage) || Array.IndexOf(TextKinds, entry.TypeMessage) >= 0;
        if (plain is null && extended is null)
        {
            return textKind ? Likeness.Maybe : Likeness.No;
        }

        var plainIs = plain is null ? (bool?)null : string.Equals(plain, text, StringComparison.Ordinal);
        var extendedIs = extended is null ? (bool?)null : string.Equals(extended, text, StringComparison.Ordinal);
        if (plainIs != true && extendedIs != true)
        {
            return Likeness.No;
        }

        return plainIs != false && extendedIs != false && textKind ? Likeness.Yes : Likeness.Maybe;
    }

    /// <summary>
    /// A valid time (<see cref="TimeOf"/>) in the window: yes; before it: no (the attempt came later). No time,
    /// one out of range, or one after <paramref name="latest"/> (a journal cannot record the future): cannot be
    /// told.
    /// </summary>
    private static Likeness TimeLikeness(long? seconds, DateTimeOffset earliest, DateTimeOffset latest, out DateTimeOffset time)
    {
        time = default;
        if (TimeOf(seconds) is not { } t)
        {
            return Likeness.Maybe;
        }

        time = t;
        return t < earliest ? Likeness.No : t > latest ? Likeness.Maybe : Likeness.Yes;
    }
}
