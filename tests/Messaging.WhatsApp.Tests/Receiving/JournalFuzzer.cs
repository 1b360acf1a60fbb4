using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Messaging.WhatsApp.Tests.Infrastructure;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Messaging.WhatsApp.Tests.Receiving;

/// <summary>The journal method a fuzz case calls.</summary>
public enum JournalMethod
{
    /// <summary><c>FindSentMessageAsync</c> over lastOutgoingMessages.</summary>
    Find,

    /// <summary><c>GetMessageStatusAsync</c> over getMessage.</summary>
    GetMessage,
}

/// <summary>How the server hands a fuzz case's answer over.</summary>
public enum Delivery
{
    /// <summary>The whole response, then the connection is closed.</summary>
    Whole,

    /// <summary>A Content-Length of <see cref="JournalCase.Cut"/> and that many bytes of the body: a truncated body.</summary>
    ShortContentLength,

    /// <summary>The whole body's Content-Length, <see cref="JournalCase.Cut"/> bytes of it, then the connection is closed.</summary>
    CutShort,

    /// <summary><see cref="JournalCase.Cut"/> bytes of the whole response, then a reset.</summary>
    Reset,
}

/// <summary>
/// One journal answer and the call it answers. <see cref="Body"/> is what the server sends as the body (when
/// <see cref="NotJson"/> is false it is JSON, possibly with a property repeated); the rest says how.
/// </summary>
public sealed record JournalCase(
    int Index,
    JournalMethod Method,
    ChatAddress Chat,
    string Asked,
    DateTimeOffset SentAfter,
    DateTimeOffset Now,
    int Status,
    string? ContentType,
    (string Name, string Value)[] Headers,
    string Body,
    bool NotJson,
    Delivery Delivery,
    int Cut,
    bool Oversized,
    string Description)
{
    public byte[] BodyBytes => Encoding.UTF8.GetBytes(Body);

    /// <summary>The bytes the server writes for this case.</summary>
    public byte[] Response()
    {
        var body = BodyBytes;
        return Delivery switch
        {
            Delivery.ShortContentLength => RawHttpServer.Response(Status, ContentType, body[..Cut], Headers),
            Delivery.CutShort => RawHttpServer.Response(Status, ContentType, body, Headers)[..^(body.Length - Cut)],
            Delivery.Reset => RawHttpServer.Response(Status, ContentType, body, Headers)[..Cut],
            _ => RawHttpServer.Response(Status, ContentType, body, Headers),
        };
    }

    public override string ToString()
    {
        var body = Body.Length > 600 ? Body[..600] + $"… ({Body.Length} chars)" : Body;
        return $"case {Index} {Method} chat {Chat.Id} asked '{Asked}' sentAfter {SentAfter:O} now {Now:O} -> {Status} {Delivery}/{Cut} [{Description}] body {body}";
    }
}

/// <summary>
/// Seeded journal answers for <see cref="JournalFuzzTests"/>: lastOutgoingMessages arrays of entries that are the
/// message, nearly the message (one field missing, empty, odd or contradicting), or other messages; getMessage
/// answers about the message asked or about another one; wrong JSON types, nulls, repeated properties, bodies
/// that are not JSON, huge arrays, other statuses, truncated bodies and resets. Case <c>i</c> of a seed is always
/// the same case.
/// </summary>
public sealed class JournalFuzzer
{
    public static readonly DateTimeOffset SentAfter = new(2024, 3, 11, 5, 26, 51, TimeSpan.Zero);

    /// <summary>The chats looked up: a person, a group, a linked id.</summary>
    public static readonly ChatAddress[] Chats =
    [
        ChatAddress.Parse("79001234567@c.us"),
        ChatAddress.Parse("120363043968066561@g.us"),
        ChatAddress.Parse("123456789012345@lid"),
    ];

    /// <summary>Chat ids an entry or answer may give: every chat above, written exactly and otherwise, other chats, and text that is no chat id.</summary>
    public static readonly string[] ChatIds =
    [
        "79001234567@c.us", "79001234567", "79001234567@C.US", "+7 900 123-45-67",
        "79001234568@c.us", "+7 900 123-45-68",
        "120363043968066561@g.us", "120363043968066561@G.US", "120363000000000001@g.us",
        "123456789012345@lid", "999999999999999@lid",
        "120363025246125888@newsletter",
        "", " ", "status@broadcast", "not a chat", "0@c.us",
    ];

    public static readonly string[] Texts = ["Hello", "Привет, мир 😀", "line one\nline two", "\"quoted\" <b>&amp;</b>", " padded "];

    public static readonly string[] MessageIds = ["BAE5F4886F6F2D05", "3EB0BDDC94BFDFB3D4FA"];

    private static readonly string[] Statuses = ["pending", "sent", "delivered", "read", "failed", "noAccount", "notInGroup", "yellowCard", "somethingNew", ""];

    private static readonly string[] Kinds = ["textMessage", "extendedTextMessage", "quotedMessage", "imageMessage", "locationMessage", "fooMessage", ""];

    private static readonly string[] MediaKinds = ["imageMessage", "locationMessage", "documentMessage", "fooMessage"];

    private static readonly string[] Types = ["outgoing", "incoming", "", "status", "OUTGOING"];

    private static readonly string?[] ContentTypes = ["application/json", "application/json", "application/json; charset=utf8mb4", "text/plain", null];

    /// <summary>The fields <see cref="Mutate"/> changes; the times, chats and texts twice as often. <c>IdMessage</c> is the name in another letter case.</summary>
    private static readonly string[] MutatedFields =
        ["type", "idMessage", "timestamp", "timestamp", "statusMessage", "typeMessage", "chatId", "chatId", "textMessage", "textMessage", "extendedTextMessage", "sendByApi", "caption", "IdMessage"];

    private static readonly string[] OddIds = [string.Empty, " ", "\t", "ID-OTHER", "bae5f4886f6f2d05", "BAE5F4886F6F2D05 ", "BAE5F4886F6F2D05", "3EB0BDDC94BFDFB3D4FA", TestServices.GreenToken];

    private static readonly string[] RepeatedProperties = ["\"idMessage\":\"ID-TWICE\",", "\"chatId\":\"79001234567@c.us\",", "\"timestamp\":1710134820,", "\"textMessage\":\"Hello\","];

    private static readonly TimeSpan[] SinceTheAttempt =
        [TimeSpan.FromSeconds(-30), TimeSpan.Zero, TimeSpan.FromSeconds(59), TimeSpan.FromSeconds(119), TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(121), TimeSpan.FromMinutes(5), TimeSpan.FromHours(1)];

    /// <summary>Strings and numbers that are no JSON value of a field's type, for the wrong-type mutation.</summary>
    private static readonly Func<Random, JToken>[] WrongValues =
    [
        _ => JValue.CreateNull(),
        r => new JValue(r.Next(-5, 5)),
        _ => new JValue(1.5),
        _ => new JValue(true),
        _ => new JValue("1710134813"),
        _ => new JArray("Hello"),
        _ => new JObject { ["text"] = "Hello" },
        _ => new JValue(TestServices.GreenToken),
        _ => new JValue(System.Numerics.BigInteger.Parse("99999999999999999999", System.Globalization.CultureInfo.InvariantCulture)),
    ];

    private readonly int _seed;

    public JournalFuzzer(int seed) => _seed = seed;

    public JournalCase Case(int index)
    {
        var random = new Random(unchecked((_seed * 1_000_003) + index));
        var method = random.Next(3) == 0 ? JournalMethod.GetMessage : JournalMethod.Find;
        var chat = Pick(random, Chats);
        var asked = method == JournalMethod.Find ? Pick(random, Texts) : Pick(random, MessageIds);
        var now = SentAfter + Pick(random, SinceTheAttempt);
        var what = new List<string>();

        // Other statuses and broken transfers, a quarter of the cases; the rest are 200 with a body.
        var roll = random.Next(100);
        if (roll < 12)
        {
            return StatusCase(random, index, method, chat, asked, now);
        }

        string body;
        var notJson = false;
        var oversized = false;
        if (roll < 16)
        {
            (body, notJson) = Pick(random, UnreadableBodies(method));
            what.Add(notJson ? "not JSON" : "another shape");
        }
        else if (method == JournalMethod.Find)
        {
            var count = random.Next(100) switch
            {
                < 10 => 0,
                < 80 => random.Next(1, 5),
                < 97 => random.Next(5, 30),
                < 99 => random.Next(2_000, 12_000),
                _ => -1,
            };
            oversized = count < 0;
            var entries = oversized ? HugeArray(random, chat, asked, now, 25_000) : Entries(random, chat, asked, now, count, what);
            body = entries.ToString(Formatting.None);
            what.Add($"{entries.Count} entries");
        }
        else
        {
            var answer = Entry(random, method, chat, asked, now, aboutTheAsked: true);
            Mutate(random, answer, what, wrongTypes: random.Next(4) == 0);
            body = answer.ToString(Formatting.None);
        }

        if (!notJson && random.Next(25) == 0)
        {
            body = RepeatAProperty(random, body, what);
        }

        var delivery = Delivery.Whole;
        var cut = 0;
        var contentType = Pick(random, ContentTypes);
        if (!oversized && random.Next(100) < 8)
        {
            delivery = (Delivery)random.Next(1, 4);
            var bytes = Encoding.UTF8.GetByteCount(body);
            var total = RawHttpServer.Response(200, contentType, Encoding.UTF8.GetBytes(body)).Length;
            cut = delivery == Delivery.Reset ? random.Next(0, total) : random.Next(0, bytes);
            what.Add($"{delivery} at {cut}");
        }

        return new JournalCase(index, method, chat, asked, SentAfter, now, 200, contentType, [], body, notJson, delivery, cut, oversized, string.Join("; ", what));
    }

    private static JournalCase StatusCase(Random random, int index, JournalMethod method, ChatAddress chat, string asked, DateTimeOffset now)
    {
        var path = $"/waInstance{TestServices.GreenInstance}/{(method == JournalMethod.Find ? "lastOutgoingMessages" : "getMessage")}/{TestServices.GreenToken}";
        var (status, contentType, body) = Pick(random, new (int, string?, string)[]
        {
            (400, "text/plain", "instance in starting process try later"),
            (400, null, "instance account not authorized"),
            (400, "text/plain", "ID message notfound"),
            (400, "text/plain", "chatId not found"),
            (400, "application/json", $$"""{"statusCode":400,"timestamp":"2024-01-01T00:00:00.000Z","path":"{{path}}","message":"Validation failed"}"""),
            (401, null, string.Empty),
            (403, "text/html", "<html><body>403 Forbidden</body></html>"),
            (429, null, string.Empty),
            (466, "application/json", """{"invokeStatus":{"method":"getMessage","used":201,"total":200,"status":"QUOTE_ALLOWED_METHODS_EXCEEDED","description":"Monthly quota has been exceeded"}}"""),
            (500, "text/plain", "Internal Server Error " + path),
            (502, "text/html", "<html><body>502 Bad Gateway</body></html>"),
            (503, null, string.Empty),
            (504, "text/plain", "Gateway Timeout"),
            (201, "application/json", "[]"),
            (204, null, string.Empty),
            (302, null, string.Empty),
            (404, "text/plain", "Not Found"),
        });
        (string, string)[] headers = status == 302 ? [("Location", "https://elsewhere.example" + path)] : [];
        return new JournalCase(index, method, chat, asked, SentAfter, now, status, contentType, headers, body, NotJson: true, Delivery.Whole, 0, false, $"HTTP {status}");
    }

    private static (string Body, bool NotJson)[] UnreadableBodies(JournalMethod method) =>
    [
        ("null", false),
        ("\"[]\"", false),
        ("42", false),
        (method == JournalMethod.Find ? "{}" : "[]", false),
        (method == JournalMethod.Find ? "{\"idMessage\":\"A\"}" : "[{\"idMessage\":\"A\"}]", false),
        ("[[]]", false),
        ("[null]", false),
        ("not json", true),
        ("<html><body>OK</body></html>", true),
        ("[{\"idMessage\":\"" + TestServices.GreenToken, true),
        (string.Empty, true),
    ];

    private static JArray Entries(Random random, ChatAddress chat, string text, DateTimeOffset now, int count, List<string> what)
    {
        // Wrong JSON types in a fifth of the journals only: one makes the whole answer unreadable.
        var wrongTypes = random.Next(5) == 0;
        var entries = new JArray();
        for (var i = 0; i < count; i++)
        {
            JObject entry;
            if (i > 0 && random.Next(6) == 0)
            {
                // Several candidates: a copy of an earlier entry under another id, at the same time or another.
                entry = (JObject)entries[random.Next(i)].DeepClone();
                entry["idMessage"] = $"ID-COPY-{i}";
                what.Add($"entry {i} copies another");
            }
            else
            {
                entry = Entry(random, JournalMethod.Find, chat, text, now, aboutTheAsked: random.Next(100) < 60);
            }

            Mutate(random, entry, what, wrongTypes);
            entries.Add(entry);
        }

        return entries;
    }

    /// <summary>A huge journal: other chats' messages, with a few that may be the message scattered in.</summary>
    private static JArray HugeArray(Random random, ChatAddress chat, string text, DateTimeOffset now, int count)
    {
        var entries = new JArray();
        for (var i = 0; i < count; i++)
        {
            entries.Add(Entry(random, JournalMethod.Find, chat, text, now, aboutTheAsked: random.Next(2_000) == 0));
        }

        return entries;
    }

    /// <summary>
    /// A well-formed entry: for the message asked (the chat asked, the text or id asked, a time in the window,
    /// an id), or for another (each of those drawn from everything).
    /// </summary>
    private static JObject Entry(Random random, JournalMethod method, ChatAddress chat, string asked, DateTimeOffset now, bool aboutTheAsked)
    {
        var find = method == JournalMethod.Find;
        var entry = new JObject();
        if (random.Next(10) < 7)
        {
            entry["type"] = "outgoing";
        }

        entry["idMessage"] = find ? $"ID-{random.Next(1_000_000):D6}" : aboutTheAsked ? asked : Pick(random, MessageIds);
        var window = (long)(now - SentAfter).TotalSeconds + 120;
        entry["timestamp"] = aboutTheAsked || random.Next(2) == 0
            ? SentAfter.AddSeconds(-60 + random.NextInt64(window + 1)).ToUnixTimeSeconds()
            : SentAfter.AddSeconds(-random.Next(61, 86_400)).ToUnixTimeSeconds();
        entry["statusMessage"] = Pick(random, Statuses[..^1]);
        var kind = random.Next(20) switch { < 11 => "textMessage", < 15 => "extendedTextMessage", < 18 => "quotedMessage", _ => Pick(random, MediaKinds) };
        entry["typeMessage"] = kind;
        entry["chatId"] = aboutTheAsked ? chat.Id : Pick(random, ChatIds);
        var text = find && aboutTheAsked ? asked : Pick(random, Texts);
        if (MediaKinds.Contains(kind))
        {
            // Another kind of message, without text; a caption is no text message.
            entry["caption"] = text;
        }
        else if (kind == "textMessage" || random.Next(2) == 0)
        {
            entry["textMessage"] = text;
        }

        if (kind is "extendedTextMessage" or "quotedMessage")
        {
            entry["extendedTextMessage"] = new JObject { ["text"] = text, ["title"] = "A title", ["stanzaId"] = "3EB0BDDC94BFDFB3D4FA" };
        }

        if (random.Next(10) < 6)
        {
            entry["sendByApi"] = true;
        }

        if (random.Next(10) == 0)
        {
            entry["location"] = new JObject { ["latitude"] = 55.75, ["nameLocation"] = null };
        }

        return entry;
    }

    /// <summary>Changes no field, one, or a few: a value of the same type but another meaning, a removal, or a wrong JSON type.</summary>
    private static void Mutate(Random random, JObject entry, List<string> what, bool wrongTypes)
    {
        var changes = random.Next(100) switch { < 45 => 0, < 85 => 1, _ => random.Next(2, 4) };
        for (var c = 0; c < changes; c++)
        {
            var field = Pick(random, MutatedFields);
            if (wrongTypes && random.Next(6) == 0)
            {
                var wrong = Pick(random, WrongValues)(random);
                if (wrong.Type == JTokenType.String && field is not ("timestamp" or "sendByApi" or "extendedTextMessage"))
                {
                    // A string is no wrong type for a string field.
                    wrong = new JValue(7);
                }

                if (field == "IdMessage")
                {
                    // The name in another letter case: an unknown property, and no idMessage.
                    entry.Remove("idMessage");
                    entry["IdMessage"] = "ID-CASE";
                }
                else
                {
                    entry[field] = wrong;
                }

                what.Add($"{field} := {wrong.ToString(Formatting.None)}");
                continue;
            }

            if (random.Next(8) == 0 && field != "idMessage")
            {
                entry.Remove(field);
                what.Add($"-{field}");
                continue;
            }

            JToken value = field switch
            {
                "type" => Pick(random, Types),
                "idMessage" => Pick(random, OddIds),
                "timestamp" => OddTimestamp(random),
                "statusMessage" => Pick(random, Statuses),
                "typeMessage" => Pick(random, Kinds),
                "chatId" => Pick(random, ChatIds),
                "textMessage" => Pick(random, Texts.Append(string.Empty).Append("hello").Append("Hello ").ToArray()),
                "extendedTextMessage" => Pick(random, new JToken[]
                {
                    new JObject(), new JObject { ["text"] = string.Empty }, new JObject { ["title"] = "t" },
                    new JObject { ["text"] = Pick(random, Texts) }, new JObject { ["text"] = Pick(random, Texts), ["x"] = new JArray(1, JValue.CreateNull()) },
                }),
                "sendByApi" => random.Next(3) == 0,
                "caption" => Pick(random, Texts),
                _ => "ID-CASE",
            };
            entry[field] = value;
            what.Add($"{field} = {value.ToString(Formatting.None)}");
        }
    }

    /// <summary>A timestamp around the window's edges or out of any sane range.</summary>
    private static long OddTimestamp(Random random)
    {
        var attempt = SentAfter.ToUnixTimeSeconds();
        return random.Next(14) switch
        {
            0 => attempt - 60,
            1 => attempt - 61,
            2 => attempt + 3_600,
            3 => attempt + 86_400,
            4 => 0,
            5 => -1,
            6 => -attempt,
            7 => 253_402_300_799,
            8 => 253_402_300_800,
            9 => long.MaxValue,
            10 => long.MinValue,
            11 => attempt * 1000,
            12 => attempt + random.Next(-120, 400),
            _ => 1,
        };
    }

    /// <summary>The body with one known property of its first object written twice (a strict reader refuses that).</summary>
    private static string RepeatAProperty(Random random, string body, List<string> what)
    {
        var at = body.IndexOf('{', StringComparison.Ordinal);
        if (at < 0 || body[at + 1] == '}')
        {
            return body;
        }

        var repeated = Pick(random, RepeatedProperties);
        what.Add("repeated " + repeated);
        return body[..(at + 1)] + repeated + body[(at + 1)..];
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
