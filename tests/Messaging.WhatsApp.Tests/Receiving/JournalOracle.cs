using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Numerics;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Messaging.WhatsApp.Tests.Receiving;

/// <summary>What a journal lookup must come to, as <see cref="JournalOracle"/> works it out.</summary>
/// <param name="Outcome">found, not found, or error.</param>
/// <param name="Conclusive">For a found or not-found answer.</param>
/// <param name="MessageId">For a found answer.</param>
/// <param name="Status">For a found answer.</param>
/// <param name="ProviderStatus">For a found answer.</param>
/// <param name="Time">For a found answer.</param>
/// <param name="HttpStatus">For an error: the status it must carry (null: no answer arrived).</param>
/// <param name="HttpStatusKnown">Whether <paramref name="HttpStatus"/> is checked.</param>
/// <param name="PlainError">For an error: exactly <see cref="WhatsAppException"/>, no subtype.</param>
/// <param name="SafeToRetry">For an error: the IsSafeToRetry it must have, or null for either.</param>
/// <param name="Reason">Why, for the failure message.</param>
public sealed record JournalExpectation(
    JournalOutcome Outcome,
    bool Conclusive = false,
    string? MessageId = null,
    WhatsAppMessageStatus Status = WhatsAppMessageStatus.Unknown,
    string? ProviderStatus = null,
    DateTimeOffset? Time = null,
    HttpStatusCode? HttpStatus = null,
    bool HttpStatusKnown = false,
    bool PlainError = false,
    bool? SafeToRetry = null,
    string Reason = "");

public enum JournalOutcome
{
    Found,
    NotFound,
    Error,
}

/// <summary>
/// Works out from a <see cref="JournalCase"/> alone (its JSON, status and delivery; nothing of the library) what
/// the lookup must answer, by the rule of issue 21: found only for a complete, valid entry that matches (an id
/// that is not blank, a time from the attempt less a minute to now plus a minute, exactly the chat id, all its
/// texts exactly the text, no kind or a text kind, not saying it is incoming or not sent by the API), the
/// earliest such and the first listed of equal times; not found and conclusive only when the 2 minutes have
/// passed and every entry was ruled out by another chat, another text or kind, or a valid time before the
/// window; a body not exactly the spec's, a getMessage answer about another message, another status or no
/// answer: an error.
/// </summary>
public static class JournalOracle
{
    private const long LastSecondOfYear9999 = 253_402_300_799;

    private static readonly string[] StringFields =
        ["type", "idMessage", "statusMessage", "typeMessage", "chatId", "senderId", "senderName", "textMessage", "caption", "downloadUrl", "fileName", "mimeType", "jpegThumbnail"];

    private static readonly string[] ExtendedStringFields = ["text", "description", "title", "previewType", "jpegThumbnail", "stanzaId", "participant"];

    /// <summary>Each chat id the fuzzer writes: the chat it denotes (canonical) and that chat's kind, or null for no chat.</summary>
    private static readonly Dictionary<string, (string Id, char Kind)?> ChatIds = new(StringComparer.Ordinal)
    {
        ["79001234567@c.us"] = ("79001234567@c.us", 'p'),
        ["79001234567"] = ("79001234567@c.us", 'p'),
        ["79001234567@C.US"] = ("79001234567@c.us", 'p'),
        ["+7 900 123-45-67"] = ("79001234567@c.us", 'p'),
        ["79001234568@c.us"] = ("79001234568@c.us", 'p'),
        ["+7 900 123-45-68"] = ("79001234568@c.us", 'p'),
        ["120363043968066561@g.us"] = ("120363043968066561@g.us", 'g'),
        ["120363043968066561@G.US"] = ("120363043968066561@g.us", 'g'),
        ["120363000000000001@g.us"] = ("120363000000000001@g.us", 'g'),
        ["123456789012345@lid"] = ("123456789012345@lid", 'l'),
        ["999999999999999@lid"] = ("999999999999999@lid", 'l'),
        ["120363025246125888@newsletter"] = ("120363025246125888@newsletter", 'n'),
        [string.Empty] = null,
        [" "] = null,
        ["status@broadcast"] = null,
        ["not a chat"] = null,
        ["0@c.us"] = null,
    };

    private enum Fact
    {
        Ours,
        NotOurs,
        CannotTell,
    }

    public static JournalExpectation Judge(JournalCase c)
    {
        if (c.Delivery is Delivery.CutShort or Delivery.Reset)
        {
            return Error(null, $"{c.Delivery}: no complete answer");
        }

        if (c.Delivery == Delivery.ShortContentLength)
        {
            return Error(HttpStatusCode.OK, "a truncated body is no JSON value of the spec's");
        }

        if (c.Oversized)
        {
            return new JournalExpectation(JournalOutcome.Error, Reason: "over the 4 MiB a response may have");
        }

        if (c.Status != 200)
        {
            return c.Method == JournalMethod.GetMessage && c.Status == 400 && c.Body is "ID message notfound" or "chatId not found"
                ? new JournalExpectation(JournalOutcome.NotFound, Conclusive: false, Reason: "getMessage's documented not found; the journal can lag")
                : Error((HttpStatusCode)c.Status, $"HTTP {c.Status}");
        }

        JToken root;
        try
        {
            if (c.NotJson)
            {
                return Error(HttpStatusCode.OK, "not JSON", plain: true);
            }

            // Strings stay strings (no date parsing); a property given twice or anything after the value is no JSON of the spec's.
            using var reader = new JsonTextReader(new StringReader(c.Body)) { DateParseHandling = DateParseHandling.None };
            root = JToken.ReadFrom(reader, new JsonLoadSettings { DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error });
            if (reader.Read())
            {
                return Error(HttpStatusCode.OK, "content after the JSON value", plain: true);
            }
        }
        catch (JsonReaderException e)
        {
            return Error(HttpStatusCode.OK, "not JSON as the spec has it: " + e.Message, plain: true);
        }

        return c.Method == JournalMethod.Find ? JudgeJournal(c, root) : JudgeMessage(c, root);
    }

    private static JournalExpectation JudgeJournal(JournalCase c, JToken root)
    {
        if (root is not JArray entries)
        {
            return Error(HttpStatusCode.OK, "lastOutgoingMessages answers an array", plain: true);
        }

        for (var i = 0; i < entries.Count; i++)
        {
            if (WhyNotAnEntry(entries[i]) is { } why)
            {
                return Error(HttpStatusCode.OK, $"entry {i}: {why}", plain: true);
            }
        }

        var earliest = c.SentAfter.AddMinutes(-1);
        var latest = c.Now.AddMinutes(1);
        JObject? best = null;
        var bestTime = DateTimeOffset.MaxValue;
        var doubts = new List<string>();
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = (JObject)entries[i];
            var chat = ChatFact(Text(entry, "chatId"), c.Chat);
            var text = TextFact(entry, c.Asked);
            var seconds = entry["timestamp"] is { } ts ? (long?)ts.Value<long>() : null;
            var time = seconds is >= 1 and <= LastSecondOfYear9999 ? DateTimeOffset.FromUnixTimeSeconds(seconds.Value) : (DateTimeOffset?)null;
            var before = time < earliest;
            var inWindow = time >= earliest && time <= latest;

            if (chat == Fact.NotOurs || text == Fact.NotOurs || before)
            {
                continue;
            }

            var id = Text(entry, "idMessage");
            var claimsOutgoingApi = Text(entry, "type") is null or "outgoing" && entry["sendByApi"]?.Value<bool>() != false;
            if (chat == Fact.Ours && text == Fact.Ours && inWindow && !string.IsNullOrWhiteSpace(id) && claimsOutgoingApi)
            {
                if (time!.Value < bestTime)
                {
                    best = entry;
                    bestTime = time.Value;
                }
            }
            else
            {
                doubts.Add($"entry {i} (chat {chat}, text {text}, time {(inWindow ? "in the window" : time is null ? "none" : "after now")}, id '{id}', outgoing API {claimsOutgoingApi})");
            }
        }

        if (best is not null)
        {
            var status = Text(best, "statusMessage");
            return new JournalExpectation(JournalOutcome.Found, true, Text(best, "idMessage"), StatusOf(status), status, bestTime, Reason: $"a complete match at {bestTime:O}; {doubts.Count} doubts beside it");
        }

        var delayPassed = c.Now - c.SentAfter >= TimeSpan.FromMinutes(2);
        return new JournalExpectation(
            JournalOutcome.NotFound,
            Conclusive: delayPassed && doubts.Count == 0,
            Reason: doubts.Count > 0 ? "doubts: " + string.Join("; ", doubts) : delayPassed ? "everything ruled out" : "the journal may still lag");
    }

    private static JournalExpectation JudgeMessage(JournalCase c, JToken root)
    {
        if (WhyNotAnEntry(root) is { } why)
        {
            return Error(HttpStatusCode.OK, why, plain: true);
        }

        var answer = (JObject)root;
        var id = Text(answer, "idMessage");
        var chat = Text(answer, "chatId");
        if (id != c.Asked || chat != c.Chat.Id)
        {
            return new JournalExpectation(
                JournalOutcome.Error, HttpStatus: HttpStatusCode.OK, HttpStatusKnown: true, PlainError: true, SafeToRetry: true,
                Reason: $"an answer about '{id}' in '{chat}', not the message asked");
        }

        var seconds = answer["timestamp"] is { } ts ? (long?)ts.Value<long>() : null;
        var status = Text(answer, "statusMessage");
        return new JournalExpectation(
            JournalOutcome.Found, true, c.Asked, StatusOf(status), status,
            seconds is >= 1 and <= LastSecondOfYear9999 ? DateTimeOffset.FromUnixTimeSeconds(seconds.Value) : null,
            Reason: "the message asked");
    }

    /// <summary>Why a JSON value is not a journal entry as the spec has it (the strict reader's rules), or null.</summary>
    private static string? WhyNotAnEntry(JToken token)
    {
        if (token is not JObject entry)
        {
            return $"not an object but {token.Type}";
        }

        foreach (var property in entry.Properties())
        {
            var value = property.Value;
            var fits = property.Name switch
            {
                "timestamp" => value.Type == JTokenType.Integer && value is JValue { Value: not BigInteger },
                "sendByApi" => value.Type == JTokenType.Boolean,
                "extendedTextMessage" => value is JObject extended && extended.Properties().All(p => !ExtendedStringFields.Contains(p.Name) || p.Value.Type == JTokenType.String),
                var name when StringFields.Contains(name) => value.Type == JTokenType.String,
                _ => true,
            };
            if (!fits)
            {
                return $"'{property.Name}' is {value.ToString(Formatting.None)}";
            }
        }

        return entry["idMessage"] is null ? "no idMessage" : null;
    }

    /// <summary>Exactly the chat id: ours. The chat looked up written otherwise, no chat id, a phone chat beside a linked id: cannot tell.</summary>
    private static Fact ChatFact(string? chatId, ChatAddress chat)
    {
        if (chatId == chat.Id)
        {
            return Fact.Ours;
        }

        if (chatId is null)
        {
            return Fact.CannotTell;
        }

        if (!ChatIds.TryGetValue(chatId, out var denoted))
        {
            throw new InvalidOperationException($"The oracle does not know the chat id '{chatId}'.");
        }

        var kind = chat.Kind switch { ChatAddressKind.Person => 'p', ChatAddressKind.Group => 'g', ChatAddressKind.LinkedId => 'l', _ => '?' };
        return denoted is not { } d || d.Id == chat.Id || (d.Kind, kind) is ('p', 'l') or ('l', 'p') ? Fact.CannotTell : Fact.NotOurs;
    }

    /// <summary>The entry's non-empty texts against the text looked for, and its kind.</summary>
    private static Fact TextFact(JObject entry, string text)
    {
        var texts = new[] { Text(entry, "textMessage"), entry["extendedTextMessage"]?["text"]?.Value<string>() }.Where(t => !string.IsNullOrEmpty(t)).ToList();
        var kind = Text(entry, "typeMessage");
        var textKind = string.IsNullOrEmpty(kind) || kind is "textMessage" or "extendedTextMessage" or "quotedMessage";
        if (texts.Count == 0)
        {
            return textKind ? Fact.CannotTell : Fact.NotOurs;
        }

        var same = texts.Count(t => t == text);
        return same == 0 ? Fact.NotOurs : same == texts.Count && textKind ? Fact.Ours : Fact.CannotTell;
    }

    private static string? Text(JObject entry, string name) => entry[name]?.Value<string>();

    private static WhatsAppMessageStatus StatusOf(string? status) => status switch
    {
        "pending" => WhatsAppMessageStatus.Queued,
        "sent" => WhatsAppMessageStatus.Sent,
        "delivered" => WhatsAppMessageStatus.Delivered,
        "read" => WhatsAppMessageStatus.Read,
        "failed" or "noAccount" or "notInGroup" or "yellowCard" => WhatsAppMessageStatus.Failed,
        _ => WhatsAppMessageStatus.Unknown,
    };

    private static JournalExpectation Error(HttpStatusCode? status, string reason, bool plain = false) =>
        new(JournalOutcome.Error, HttpStatus: status, HttpStatusKnown: true, PlainError: plain, Reason: reason);
}
