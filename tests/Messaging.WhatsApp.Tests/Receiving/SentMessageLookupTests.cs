using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Receiving;

/// <summary>
/// Resolving an unknown outcome with GREEN-API's journals: <see cref="IGreenApiSender.FindSentMessageAsync"/>
/// (lastOutgoingMessages: found only for a complete, valid entry with the same chat and exactly the text, from the
/// attempt less a minute to now plus a minute, the earliest; not found conclusive only once the journal's 2
/// minutes have passed, on a clock the test sets, and no entry may be the message) and
/// <see cref="IGreenApiSender.GetMessageStatusAsync"/> (getMessage: only an answer about the message asked), against
/// a raw server: what is asked, what is found, and every failure a typed error without the token.
/// </summary>
public sealed class SentMessageLookupTests
{
    private static readonly DateTimeOffset SentAt = new(2024, 3, 11, 5, 26, 51, TimeSpan.Zero);
    private static readonly ChatAddress Chat = ChatAddress.Parse("79001234567");
    private static readonly ChatAddress OtherChat = ChatAddress.Parse("79001234568");

    [Test]
    public async Task Find_TextInTheJournal_FoundWithIdStatusAndTime()
    {
        var result = await FindAsync("Hello", SentAt.AddSeconds(30), Journal(Entry("ID-1", Chat, "Hello", SentAt.AddSeconds(2), "delivered")));

        Assert.Multiple(() =>
        {
            Assert.That(result.Found, Is.True);
            Assert.That(result.Conclusive, Is.True);
            Assert.That(result.MessageId, Is.EqualTo("ID-1"));
            Assert.That(result.Status, Is.EqualTo(WhatsAppMessageStatus.Delivered));
            Assert.That(result.ProviderStatus, Is.EqualTo("delivered"));
            Assert.That(result.Time, Is.EqualTo(SentAt.AddSeconds(2)));
        });
    }

    [Test]
    public async Task Find_ExtendedTextInTheJournal_Found()
    {
        var entry = new JObject
        {
            ["idMessage"] = "ID-EXT",
            ["timestamp"] = SentAt.AddSeconds(1).ToUnixTimeSeconds(),
            ["statusMessage"] = "sent",
            ["typeMessage"] = "extendedTextMessage",
            ["chatId"] = Chat.Id,
            ["extendedTextMessage"] = new JObject { ["text"] = "See https://green-api.com", ["title"] = "GREEN-API" },
        };

        var result = await FindAsync("See https://green-api.com", SentAt.AddSeconds(30), Journal(entry));

        Assert.Multiple(() =>
        {
            Assert.That(result.Found, Is.True);
            Assert.That(result.MessageId, Is.EqualTo("ID-EXT"));
            Assert.That(result.Status, Is.EqualTo(WhatsAppMessageStatus.Sent));
        });
    }

    [Test]
    public async Task Find_SeveralMatches_TheEarliestWhateverTheOrder()
    {
        var journal = Journal(
            Entry("LATER", Chat, "Hello", SentAt.AddSeconds(20), "read"),
            Entry("EARLIEST", Chat, "Hello", SentAt.AddSeconds(3), "delivered"),
            Entry("MIDDLE", Chat, "Hello", SentAt.AddSeconds(10), "sent"));

        var result = await FindAsync("Hello", SentAt.AddSeconds(40), journal);

        Assert.That(result.MessageId, Is.EqualTo("EARLIEST"), "a later one may be a deliberate second send");
    }

    [Test]
    public async Task Find_OnlyOtherChatsOtherTextsOrOlderMessages_NotFound()
    {
        var journal = Journal(
            Entry("OTHER-CHAT", OtherChat, "Hello", SentAt.AddSeconds(2), "sent"),
            Entry("OTHER-CASE", Chat, "hello", SentAt.AddSeconds(2), "sent"),
            Entry("TRAILING-SPACE", Chat, "Hello ", SentAt.AddSeconds(2), "sent"),
            Entry("TOO-OLD", Chat, "Hello", SentAt.AddSeconds(-61), "sent"));

        var result = await FindAsync("Hello", SentAt.AddMinutes(5), journal);

        Assert.Multiple(() =>
        {
            Assert.That(result.Found, Is.False);
            Assert.That(result.MessageId, Is.Null);
            Assert.That(result.Conclusive, Is.True, "five minutes after the attempt");
        });
    }

    [Test]
    public async Task Find_MatchWithinTheClockTolerance_Found()
    {
        var result = await FindAsync("Hello", SentAt.AddSeconds(30), Journal(Entry("SKEWED", Chat, "Hello", SentAt.AddSeconds(-59), "sent")));

        Assert.That(result.MessageId, Is.EqualTo("SKEWED"), "GREEN-API's clock may be up to a minute behind");
    }

    /// <summary>Five minutes after the attempt: long past the journal's delay, so only a doubt keeps "not found" from being conclusive.</summary>
    private static DateTimeOffset Later => SentAt.AddMinutes(5);

    [TestCase(-1L, TestName = "Find_SameChatAndTextWithATimestampOutOfRange_NotFoundNotConclusive(negative)")]
    [TestCase(-1710134811L, TestName = "Find_SameChatAndTextWithATimestampOutOfRange_NotFoundNotConclusive(negative, the attempt's seconds)")]
    [TestCase(0L, TestName = "Find_SameChatAndTextWithATimestampOutOfRange_NotFoundNotConclusive(zero)")]
    [TestCase(253402300800L, TestName = "Find_SameChatAndTextWithATimestampOutOfRange_NotFoundNotConclusive(year 10000)")]
    [TestCase(long.MaxValue, TestName = "Find_SameChatAndTextWithATimestampOutOfRange_NotFoundNotConclusive(long.MaxValue)")]
    [TestCase(1710134813000L, TestName = "Find_SameChatAndTextWithATimestampOutOfRange_NotFoundNotConclusive(milliseconds)")]
    [TestCase(1710135131L + 3600, TestName = "Find_SameChatAndTextWithATimestampOutOfRange_NotFoundNotConclusive(an hour after now)")]
    public async Task Find_SameChatAndTextWithATimestampOutOfRange_NotFoundNotConclusive(long timestamp)
    {
        var entry = Entry("ID-ODD-TIME", Chat, "Hello", SentAt, "sent");
        entry["timestamp"] = timestamp;

        var result = await FindAsync("Hello", Later, Journal(entry));

        AssertDoubtful(result, $"timestamp {timestamp} cannot place the entry before the attempt");
    }

    [Test]
    public async Task Find_SameChatAndTextWithoutATimestamp_NotFoundNotConclusive()
    {
        var entry = Entry("ID-NO-TIME", Chat, "Hello", SentAt, "sent");
        entry.Remove("timestamp");

        var result = await FindAsync("Hello", Later, Journal(entry));

        AssertDoubtful(result, "an entry without a time may be the message");
    }

    [TestCase("", TestName = "Find_SameChatAndTextWithoutAUsableId_NotFoundNotConclusive(empty)")]
    [TestCase(" ", TestName = "Find_SameChatAndTextWithoutAUsableId_NotFoundNotConclusive(space)")]
    [TestCase("\t\n", TestName = "Find_SameChatAndTextWithoutAUsableId_NotFoundNotConclusive(white space)")]
    public async Task Find_SameChatAndTextWithoutAUsableId_NotFoundNotConclusive(string id)
    {
        var entry = Entry(id, Chat, "Hello", SentAt.AddSeconds(2), "sent");

        var result = await FindAsync("Hello", Later, Journal(entry));

        AssertDoubtful(result, "the message may be there without an id to return: resending would duplicate it");
    }

    /// <summary>Entries that may be the message but are not complete, valid matches: each makes "not found" not conclusive.</summary>
    public static IEnumerable<TestCaseData> DoubtfulEntries()
    {
        TestCaseData Case(string name, Action<JObject> change)
        {
            var entry = Entry("ID-DOUBT", Chat, "Hello", SentAt.AddSeconds(2), "sent");
            change(entry);
            return new TestCaseData(entry.ToString(Formatting.None)).SetArgDisplayNames(name);
        }

        yield return Case("no chatId", e => e.Remove("chatId"));
        yield return Case("empty chatId", e => e["chatId"] = string.Empty);
        yield return Case("unreadable chatId", e => e["chatId"] = "status@broadcast");
        yield return Case("the same chat written differently", e => e["chatId"] = "79001234567");
        yield return Case("the same chat in upper case", e => e["chatId"] = "79001234567@C.US");
        yield return Case("a linked id (may be the same person)", e => e["chatId"] = "123456789012345@lid");
        yield return Case("a text message without text", e => e.Remove("textMessage"));
        yield return Case("an empty text", e => e["textMessage"] = string.Empty);
        yield return Case("no kind and no text", e =>
        {
            e.Remove("textMessage");
            e.Remove("typeMessage");
        });
        yield return Case("an extended text without text", e =>
        {
            e.Remove("textMessage");
            e["typeMessage"] = "extendedTextMessage";
            e["extendedTextMessage"] = new JObject { ["title"] = "t" };
        });
        yield return Case("texts that disagree", e => e["extendedTextMessage"] = new JObject { ["text"] = "Bye" });
        yield return Case("another kind with the text", e => e["typeMessage"] = "imageMessage");
        yield return Case("type incoming", e => e["type"] = "incoming");
        yield return Case("type empty", e => e["type"] = string.Empty);
        yield return Case("type unknown", e => e["type"] = "status");
        yield return Case("not sent by the API", e => e["sendByApi"] = false);
    }

    [TestCaseSource(nameof(DoubtfulEntries))]
    public async Task Find_EntryThatMayBeTheMessage_NotFoundNotConclusive(string entry)
    {
        var result = await FindAsync("Hello", Later, "[" + entry + "]");

        AssertDoubtful(result, entry);
    }

    [Test]
    public async Task Find_EntriesClearlyNotTheMessage_ConclusiveNotFound()
    {
        var noId = Entry(string.Empty, OtherChat, "Hello", SentAt.AddSeconds(2), "sent");
        var noTime = Entry("NO-TIME-OTHER-TEXT", Chat, "Bye", SentAt, "sent");
        noTime.Remove("timestamp");
        var oldWithoutId = Entry(" ", Chat, "Hello", SentAt.AddMinutes(-2), "sent");
        var image = Entry("IMAGE", Chat, "Hello", SentAt.AddSeconds(2), "sent");
        image.Remove("textMessage");
        image["typeMessage"] = "imageMessage";
        image["caption"] = "Hello";
        var group = Entry("GROUP", ChatAddress.Parse("120363043968066561@g.us"), "Hello", SentAt.AddSeconds(2), "sent");
        var otherNumberTyped = Entry("OTHER-TYPED", Chat, "Hello", SentAt.AddSeconds(2), "sent");
        otherNumberTyped["chatId"] = "+7 900 123-45-68";
        var incomingOld = Entry("INCOMING-OLD", Chat, "Hello", SentAt.AddHours(-1), "sent");
        incomingOld["type"] = "incoming";

        var result = await FindAsync("Hello", Later, Journal(noId, noTime, oldWithoutId, image, group, otherNumberTyped, incomingOld));

        Assert.Multiple(() =>
        {
            Assert.That(result.Found, Is.False);
            Assert.That(result.Conclusive, Is.True, "another chat, another text, another kind, or recorded before the attempt: all ruled out");
        });
    }

    [Test]
    public async Task Find_CompleteMatchBesideDoubtfulEntries_FoundTheCompleteOne()
    {
        var earlierWithoutId = Entry(string.Empty, Chat, "Hello", SentAt.AddSeconds(1), "sent");
        var withoutTime = Entry("NO-TIME", Chat, "Hello", SentAt, "sent");
        withoutTime.Remove("timestamp");
        var incoming = Entry("INCOMING", Chat, "Hello", SentAt.AddSeconds(2), "read");
        incoming["type"] = "incoming";

        var result = await FindAsync("Hello", Later, Journal(earlierWithoutId, withoutTime, incoming, Entry("COMPLETE", Chat, "Hello", SentAt.AddSeconds(9), "delivered")));

        Assert.Multiple(() =>
        {
            Assert.That(result.Found, Is.True, "a message with this text went out after the attempt: resending is not safe either way");
            Assert.That(result.MessageId, Is.EqualTo("COMPLETE"));
            Assert.That(result.Time, Is.EqualTo(SentAt.AddSeconds(9)));
        });
    }

    [Test]
    public async Task Find_MatchesAtTheSameSecond_TheFirstListed()
    {
        var result = await FindAsync("Hello", Later, Journal(
            Entry("LATER", Chat, "Hello", SentAt.AddSeconds(8), "read"),
            Entry("FIRST-LISTED", Chat, "Hello", SentAt.AddSeconds(4), "sent"),
            Entry("SECOND-LISTED", Chat, "Hello", SentAt.AddSeconds(4), "delivered")));

        Assert.That(result.MessageId, Is.EqualTo("FIRST-LISTED"));
    }

    [TestCase("[null]", TestName = "Find_UnreadableJournal_TypedErrorNeverNotFound(null entry)")]
    [TestCase("[1]", TestName = "Find_UnreadableJournal_TypedErrorNeverNotFound(number entry)")]
    [TestCase("{}", TestName = "Find_UnreadableJournal_TypedErrorNeverNotFound(object)")]
    [TestCase("[{\"timestamp\":1710134813}]", TestName = "Find_UnreadableJournal_TypedErrorNeverNotFound(no idMessage)")]
    [TestCase("[{\"idMessage\":7}]", TestName = "Find_UnreadableJournal_TypedErrorNeverNotFound(numeric idMessage)")]
    [TestCase("[{\"idMessage\":\"A\",\"timestamp\":\"1710134813\"}]", TestName = "Find_UnreadableJournal_TypedErrorNeverNotFound(timestamp as text)")]
    [TestCase("[{\"idMessage\":\"A\",\"timestamp\":1710134813.5}]", TestName = "Find_UnreadableJournal_TypedErrorNeverNotFound(fractional timestamp)")]
    [TestCase("[{\"idMessage\":\"A\",\"timestamp\":99999999999999999999}]", TestName = "Find_UnreadableJournal_TypedErrorNeverNotFound(timestamp over 64 bits)")]
    [TestCase("[{\"idMessage\":\"A\",\"chatId\":null}]", TestName = "Find_UnreadableJournal_TypedErrorNeverNotFound(null chatId)")]
    [TestCase("[{\"idMessage\":\"A\",\"textMessage\":[\"Hello\"]}]", TestName = "Find_UnreadableJournal_TypedErrorNeverNotFound(text as array)")]
    [TestCase("[{\"idMessage\":\"A\",\"extendedTextMessage\":\"Hello\"}]", TestName = "Find_UnreadableJournal_TypedErrorNeverNotFound(extended text as string)")]
    [TestCase("[{\"idMessage\":\"A\",\"idMessage\":\"B\"}]", TestName = "Find_UnreadableJournal_TypedErrorNeverNotFound(idMessage twice)")]
    [TestCase("[{\"idMessage\":\"A\"}", TestName = "Find_UnreadableJournal_TypedErrorNeverNotFound(truncated)")]
    public async Task Find_UnreadableJournal_TypedErrorNeverNotFound(string journal)
    {
        await using var server = JournalServer(journal);
        using var services = Services(server, Later);

        var error = Assert.CatchAsync<Exception>(() => services.GreenApiSender.FindSentMessageAsync(Chat, "Hello", SentAt))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.GetType(), Is.EqualTo(typeof(WhatsAppException)), error.ToString());
            Assert.That(((WhatsAppException)error).HttpStatus, Is.EqualTo(System.Net.HttpStatusCode.OK));
        });
    }

    [TestCase(0, false)]
    [TestCase(60, false)]
    [TestCase(119, false)]
    [TestCase(120, true)]
    [TestCase(121, true)]
    [TestCase(3600, true)]
    public async Task Find_NotFound_ConclusiveOnlyOnceTheJournalDelayHasPassed(int secondsSinceTheAttempt, bool conclusive)
    {
        var result = await FindAsync("Hello", SentAt.AddSeconds(secondsSinceTheAttempt), Journal());

        Assert.Multiple(() =>
        {
            Assert.That(result.Found, Is.False);
            Assert.That(result.Conclusive, Is.EqualTo(conclusive));
            Assert.That(result.ToString(), Is.EqualTo(conclusive ? "not found" : "not found (not conclusive yet)"));
        });
    }

    [TestCase(0, 1)]
    [TestCase(30, 2)]
    [TestCase(60, 2)]
    [TestCase(61, 3)]
    [TestCase(600, 11)]
    [TestCase(-30, 1)]
    public async Task Find_AnyAttemptTime_AsksForTheMinutesBackToItPlusAMinute(int secondsSinceTheAttempt, int minutes)
    {
        await using var server = JournalServer(Journal());
        using var services = Services(server, SentAt.AddSeconds(secondsSinceTheAttempt));

        await services.GreenApiSender.FindSentMessageAsync(Chat, "Hello", SentAt);

        var request = server.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(request.Method, Is.EqualTo("GET"));
            Assert.That(request.Target, Is.EqualTo($"/waInstance{TestServices.GreenInstance}/lastOutgoingMessages/{TestServices.GreenToken}?minutes={minutes}"));
        });
    }

    [Test]
    public async Task Find_AttemptInTheFuture_ArgumentErrorNamingSentAfterNothingAsked()
    {
        await using var server = JournalServer(Journal());
        using var services = Services(server, SentAt);

        var error = Assert.ThrowsAsync<WhatsAppArgumentException>(() => services.GreenApiSender.FindSentMessageAsync(Chat, "Hello", SentAt.AddMinutes(2)))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.ParamName, Is.EqualTo("sentAfter"));
            Assert.That(server.Requests, Is.Empty);
        });
    }

    public static IEnumerable<TestCaseData> BadFindArguments()
    {
        yield return new TestCaseData(default(ChatAddress), "Hello", "chat").SetArgDisplayNames("default chat");
        yield return new TestCaseData(ChatAddress.Parse("120363039326117111@newsletter"), "Hello", "chat").SetArgDisplayNames("channel");
        yield return new TestCaseData(Chat, string.Empty, "text").SetArgDisplayNames("empty text");
        yield return new TestCaseData(Chat, null, "text").SetArgDisplayNames("null text");
        yield return new TestCaseData(Chat, new string('x', 20_001), "text").SetArgDisplayNames("text over 20,000");
    }

    [TestCaseSource(nameof(BadFindArguments))]
    public async Task Find_BadArgument_ErrorNamesTheFieldAndNothingIsAsked(ChatAddress chat, string? text, string field)
    {
        await using var server = JournalServer(Journal());
        using var services = Services(server, SentAt);

        var error = Assert.ThrowsAsync<WhatsAppArgumentException>(() => services.GreenApiSender.FindSentMessageAsync(chat, text!, SentAt))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.ParamName, Is.EqualTo(field));
            Assert.That(error.Message, Does.StartWith(field + " "));
            Assert.That(server.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task GetStatus_OutgoingMessageInTheJournal_FoundWithStatusMappedAndTheRequestAsSpecified()
    {
        var recording = OperationRecording.Of("get-message-outgoing-success");
        await using var server = RawHttpServer.Answering(recording.Response());
        using var services = Services(server, SentAt);
        var chat = ChatAddress.Parse("120363043968066561@g.us");

        var result = await services.GreenApiSender.GetMessageStatusAsync(chat, "BAE5F4886F6F2D05");

        var request = server.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(result.Found, Is.True);
            Assert.That(result.Conclusive, Is.True);
            Assert.That(result.MessageId, Is.EqualTo("BAE5F4886F6F2D05"));
            Assert.That(result.Status, Is.EqualTo(WhatsAppMessageStatus.Read));
            Assert.That(result.ProviderStatus, Is.EqualTo("read"));
            Assert.That(result.Time, Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1710134811)));
            Assert.That(request.Method, Is.EqualTo("POST"));
            Assert.That(request.Target, Is.EqualTo($"/waInstance{TestServices.GreenInstance}/getMessage/{TestServices.GreenToken}"));
            Assert.That(JToken.DeepEquals(JObject.Parse(request.BodyText), new JObject { ["chatId"] = chat.Id, ["idMessage"] = "BAE5F4886F6F2D05" }), Is.True, request.BodyText);
        });
    }

    [TestCase("pending", WhatsAppMessageStatus.Queued)]
    [TestCase("sent", WhatsAppMessageStatus.Sent)]
    [TestCase("delivered", WhatsAppMessageStatus.Delivered)]
    [TestCase("read", WhatsAppMessageStatus.Read)]
    [TestCase("failed", WhatsAppMessageStatus.Failed)]
    [TestCase("noAccount", WhatsAppMessageStatus.Failed)]
    [TestCase("notInGroup", WhatsAppMessageStatus.Failed)]
    [TestCase("yellowCard", WhatsAppMessageStatus.Failed)]
    [TestCase("somethingNew", WhatsAppMessageStatus.Unknown)]
    public async Task GetStatus_EachJournalStatus_MappedToTheNeutralStatus(string statusMessage, WhatsAppMessageStatus expected)
    {
        var body = new JObject { ["type"] = "outgoing", ["idMessage"] = "ID", ["timestamp"] = 1710134811, ["statusMessage"] = statusMessage, ["chatId"] = Chat.Id };
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(200, "application/json", body.ToString(Formatting.None)));
        using var services = Services(server, SentAt);

        var result = await services.GreenApiSender.GetMessageStatusAsync(Chat, "ID");

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(expected));
            Assert.That(result.ProviderStatus, Is.EqualTo(statusMessage));
        });
    }

    /// <summary>getMessage answers that are not about the message asked (BAE5F4886F6F2D05 in <see cref="Chat"/>).</summary>
    public static IEnumerable<TestCaseData> AnswersAboutAnotherMessage()
    {
        TestCaseData Case(string name, Action<JObject> change)
        {
            var body = new JObject { ["type"] = "outgoing", ["idMessage"] = "BAE5F4886F6F2D05", ["timestamp"] = 1710134811, ["statusMessage"] = "read", ["typeMessage"] = "textMessage", ["chatId"] = Chat.Id, ["textMessage"] = "Hello" };
            change(body);
            return new TestCaseData(body.ToString(Formatting.None)).SetArgDisplayNames(name);
        }

        yield return Case("another id", b => b["idMessage"] = "3EB0BDDC94BFDFB3D4FA");
        yield return Case("the id in another letter case", b => b["idMessage"] = "bae5f4886f6f2d05");
        yield return Case("the id with a space", b => b["idMessage"] = "BAE5F4886F6F2D05 ");
        yield return Case("an empty id", b => b["idMessage"] = string.Empty);
        yield return Case("the token as id", b => b["idMessage"] = TestServices.GreenToken);
        yield return Case("another chat", b => b["chatId"] = OtherChat.Id);
        yield return Case("a group", b => b["chatId"] = "120363043968066561@g.us");
        yield return Case("the chat written differently", b => b["chatId"] = "79001234567");
        yield return Case("no chatId", b => b.Remove("chatId"));
        yield return Case("an empty chatId", b => b["chatId"] = string.Empty);
        yield return Case("another id and chat", b =>
        {
            b["idMessage"] = "3EB0BDDC94BFDFB3D4FA";
            b["chatId"] = OtherChat.Id;
        });
    }

    [TestCaseSource(nameof(AnswersAboutAnotherMessage))]
    public async Task GetStatus_AnswerNotAboutTheMessageAsked_TypedErrorNeverAStatus(string body)
    {
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(200, "application/json", body));
        using var services = Services(server, SentAt);

        var error = Assert.CatchAsync<Exception>(() => services.GreenApiSender.GetMessageStatusAsync(Chat, "BAE5F4886F6F2D05"))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.GetType(), Is.EqualTo(typeof(WhatsAppException)), error.ToString());
            var typed = (WhatsAppException)error;
            Assert.That(typed.HttpStatus, Is.EqualTo(System.Net.HttpStatusCode.OK));
            Assert.That(typed.IsSafeToRetry, Is.True, "getMessage changes nothing");
            Assert.That(typed.Message, Does.Contain("getMessage"));
            Assert.That(SecretEncodings.Find(TestServices.GreenToken, Texts(typed, services)), Is.Empty);
        });
    }

    [TestCase(-5L)]
    [TestCase(0L)]
    [TestCase(253402300800L)]
    [TestCase(long.MaxValue)]
    public async Task GetStatus_TimestampOutOfRange_FoundWithoutATime(long timestamp)
    {
        var body = new JObject { ["idMessage"] = "ID", ["timestamp"] = timestamp, ["statusMessage"] = "sent", ["chatId"] = Chat.Id };
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(200, "application/json", body.ToString(Formatting.None)));
        using var services = Services(server, SentAt);

        var result = await services.GreenApiSender.GetMessageStatusAsync(Chat, "ID");

        Assert.Multiple(() =>
        {
            Assert.That(result.Found, Is.True);
            Assert.That(result.Status, Is.EqualTo(WhatsAppMessageStatus.Sent));
            Assert.That(result.Time, Is.Null, "no time rather than a wrong one");
        });
    }

    [TestCase("ID message notfound", TestName = "GetStatus_400MessageNotFound_NotFoundNotConclusive")]
    [TestCase("chatId not found", TestName = "GetStatus_400ChatNotFound_NotFoundNotConclusive")]
    public async Task GetStatus_400NotFound_NotFoundNotConclusive(string text)
    {
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(400, "text/plain", text));
        using var services = Services(server, SentAt);

        var result = await services.GreenApiSender.GetMessageStatusAsync(Chat, "BAE5F4886F6F2D05");

        Assert.Multiple(() =>
        {
            Assert.That(result.Found, Is.False);
            Assert.That(result.Conclusive, Is.False, "the journal can lag two minutes");
        });
    }

    [Test]
    public async Task GetStatus_400ValidationError_RequestRejected()
    {
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(400, "application/json", """{"statusCode":400,"timestamp":"2024-01-01T00:00:00.000Z","path":"/waInstance1101000001/getMessage/x","message":"Validation failed. Details: 'idMessage' is required"}"""));
        using var services = Services(server, SentAt);

        Assert.ThrowsAsync<WhatsAppRequestRejectedException>(() => services.GreenApiSender.GetMessageStatusAsync(Chat, "BAE5F4886F6F2D05"));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public async Task GetStatus_NoMessageId_ErrorNamesMessageIdNothingAsked(string? messageId)
    {
        await using var server = JournalServer(Journal());
        using var services = Services(server, SentAt);

        var error = Assert.ThrowsAsync<WhatsAppArgumentException>(() => services.GreenApiSender.GetMessageStatusAsync(Chat, messageId!))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.ParamName, Is.EqualTo("messageId"));
            Assert.That(server.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task GetStatus_DefaultChat_ErrorNamesChatNothingAsked()
    {
        await using var server = JournalServer(Journal());
        using var services = Services(server, SentAt);

        var error = Assert.ThrowsAsync<WhatsAppArgumentException>(() => services.GreenApiSender.GetMessageStatusAsync(default, "ID"))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.ParamName, Is.EqualTo("chat"));
            Assert.That(server.Requests, Is.Empty);
        });
    }

    /// <summary>Every recorded failure of both journal methods, with the error a read becomes (nothing can have been sent).</summary>
    public static IEnumerable<TestCaseData> RecordedFailures() =>
        OperationRecording.All()
            .Where(r => r.Operation is "GetMessage" or "LastOutgoingMessages" && r.Status != 200)
            .Select(r => new TestCaseData(r).SetArgDisplayNames(r.Name));

    [TestCaseSource(nameof(RecordedFailures))]
    public async Task Lookup_RecordedFailure_TypedErrorWithoutTheToken(OperationRecording recording)
    {
        await using var server = RawHttpServer.Answering(recording.Response());
        using var services = Services(server, SentAt.AddSeconds(30));

        var error = Assert.CatchAsync<WhatsAppException>(() => recording.Operation == "GetMessage"
            ? services.GreenApiSender.GetMessageStatusAsync(Chat, "BAE5F4886F6F2D05")
            : services.GreenApiSender.FindSentMessageAsync(Chat, "Hello", SentAt))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.GetType(), Is.EqualTo(ReadErrorFor(recording.Status, recording.Text)), $"{recording.Status}");
            Assert.That(error.HttpStatus, Is.EqualTo((System.Net.HttpStatusCode)recording.Status));
            Assert.That(SecretEncodings.Find(TestServices.GreenToken, Texts(error, services)), Is.Empty);
        });
    }

    [TestCase("GetMessage")]
    [TestCase("LastOutgoingMessages")]
    public async Task Lookup_GatewayEchoesTheToken_TokenInNoErrorOrLog(string operation)
    {
        var token = TestServices.GreenToken;
        var echo = $$"""{"statusCode":400,"path":"/waInstance{{TestServices.GreenInstance}}/x/{{token}}","message":"Validation failed for {{Uri.EscapeDataString(token)}} {{Convert.ToBase64String(Encoding.UTF8.GetBytes(token))}}"}""";
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(400, "application/json", echo));
        using var services = Services(server, SentAt.AddSeconds(30));

        var error = Assert.CatchAsync<WhatsAppException>(() => operation == "GetMessage"
            ? services.GreenApiSender.GetMessageStatusAsync(Chat, "BAE5F4886F6F2D05")
            : services.GreenApiSender.FindSentMessageAsync(Chat, "Hello", SentAt))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.ResponseBody, Does.Contain("***"), "masked, not dropped");
            Assert.That(SecretEncodings.Find(token, Texts(error, services)), Is.Empty);
        });
    }

    [TestCase("GetMessage")]
    [TestCase("LastOutgoingMessages")]
    public async Task Lookup_200WithJsonNull_TypedError(string operation)
    {
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(200, "application/json", "null"));
        using var services = Services(server, SentAt.AddSeconds(30));

        var error = Assert.CatchAsync<Exception>(() => operation == "GetMessage"
            ? services.GreenApiSender.GetMessageStatusAsync(Chat, "BAE5F4886F6F2D05")
            : services.GreenApiSender.FindSentMessageAsync(Chat, "Hello", SentAt))!;

        Assert.That(error, Is.InstanceOf<WhatsAppException>(), error.ToString());
    }

    [TestCase("GetMessage")]
    [TestCase("LastOutgoingMessages")]
    public async Task Lookup_NothingListens_ConnectionFailedWithoutTheToken(string operation)
    {
        var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var services = TestServices.With(s =>
        {
            s.AddGreenApi(o =>
            {
                TestServices.ConfigureGreenApi(o);
                o.ApiUrl = new Uri($"http://127.0.0.1:{port}/");
            });
            s.AddSingleton<TimeProvider>(new ManualClock(SentAt.AddSeconds(30)));
        });
        using (services)
        {
            var error = Assert.CatchAsync<Exception>(() => operation == "GetMessage"
                ? services.GreenApiSender.GetMessageStatusAsync(Chat, "BAE5F4886F6F2D05")
                : services.GreenApiSender.FindSentMessageAsync(Chat, "Hello", SentAt))!;

            Assert.Multiple(() =>
            {
                Assert.That(error, Is.InstanceOf<WhatsAppConnectionFailedException>(), error.GetType().FullName);
                Assert.That(SecretEncodings.Find(TestServices.GreenToken, [error.ToString()]), Is.Empty);
            });
        }
    }

    [TestCase("GetMessage")]
    [TestCase("LastOutgoingMessages")]
    public async Task Lookup_NoAnswerWithinTheTimeout_TypedErrorNotACancellation(string operation)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new RawHttpServer((_, _) => release.Task);
        try
        {
            using var services = TestServices.With(s =>
            {
                s.AddGreenApi(o =>
                {
                    TestServices.ConfigureGreenApi(o);
                    o.ApiUrl = server.Url;
                    o.Timeout = TimeSpan.FromMilliseconds(300);
                });
                s.AddSingleton<TimeProvider>(new ManualClock(SentAt.AddSeconds(30)));
            });

            var error = Assert.CatchAsync<Exception>(() => operation == "GetMessage"
                ? services.GreenApiSender.GetMessageStatusAsync(Chat, "BAE5F4886F6F2D05")
                : services.GreenApiSender.FindSentMessageAsync(Chat, "Hello", SentAt))!;

            Assert.That(error, Is.InstanceOf<WhatsAppException>(), "a caller catching WhatsAppException must see a timeout: " + error.GetType().FullName);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Test]
    public void ToString_Results_ShowIdAndStatusOnly()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SentMessageLookup.Present("BAE5", WhatsAppMessageStatus.Delivered, "delivered", null).ToString(), Is.EqualTo("found BAE5 (delivered)"));
            Assert.That(SentMessageLookup.Present("BAE5", WhatsAppMessageStatus.Queued, null, null).ToString(), Is.EqualTo("found BAE5 (Queued)"));
            Assert.That(SentMessageLookup.Absent(conclusive: true).ToString(), Is.EqualTo("not found"));
            Assert.That(() => SentMessageLookup.Present(string.Empty, WhatsAppMessageStatus.Sent, "sent", null), Throws.InstanceOf<ArgumentException>());
        });
    }

    /// <summary>The error a read (a lookup, receiveNotification) becomes, per GreenApiErrorMap.Map's table for reads.</summary>
    private static Type ReadErrorFor(int status, string? text) => status switch
    {
        400 when text?.Contains("starting", StringComparison.OrdinalIgnoreCase) == true || text?.Contains("not authorized", StringComparison.OrdinalIgnoreCase) == true => typeof(WhatsAppInstanceNotReadyException),
        400 => typeof(WhatsAppRequestRejectedException),
        401 or 403 => typeof(WhatsAppAuthenticationException),
        429 => typeof(WhatsAppRateLimitedException),
        466 => typeof(WhatsAppQuotaExceededException),
        _ => typeof(WhatsAppException),
    };

    private static IEnumerable<string> Texts(WhatsAppException error, TestServices services) =>
        new[] { error.Message, error.ToString(), error.ResponseBody ?? string.Empty, error.ProviderMessage ?? string.Empty }
            .Concat(error.Data.Cast<DictionaryEntry>().Select(d => $"{d.Key}={d.Value}"))
            .Concat(services.Logs.Lines);

    private static void AssertDoubtful(SentMessageLookup result, string why) =>
        Assert.Multiple(() =>
        {
            Assert.That(result.Found, Is.False, why);
            Assert.That(result.MessageId, Is.Null, why);
            Assert.That(result.Conclusive, Is.False, why);
        });

    private static async Task<SentMessageLookup> FindAsync(string text, DateTimeOffset now, string journal)
    {
        await using var server = JournalServer(journal);
        using var services = Services(server, now);
        return await services.GreenApiSender.FindSentMessageAsync(Chat, text, SentAt);
    }

    private static TestServices Services(RawHttpServer server, DateTimeOffset now) =>
        TestServices.With(s =>
        {
            s.AddGreenApi(o =>
            {
                TestServices.ConfigureGreenApi(o);
                o.ApiUrl = server.Url;
            });
            s.AddSingleton<TimeProvider>(new ManualClock(now));
        });

    private static RawHttpServer JournalServer(string journal) =>
        RawHttpServer.Answering(RawHttpServer.Response(200, "application/json", journal));

    private static string Journal(params JObject[] entries) => new JArray(entries.Cast<object>().ToArray()).ToString(Formatting.None);

    private static JObject Entry(string id, ChatAddress chat, string text, DateTimeOffset time, string status) => new()
    {
        ["type"] = "outgoing",
        ["idMessage"] = id,
        ["timestamp"] = time.ToUnixTimeSeconds(),
        ["statusMessage"] = status,
        ["typeMessage"] = "textMessage",
        ["chatId"] = chat.Id,
        ["textMessage"] = text,
        ["sendByApi"] = true,
    };

    /// <summary>A recorded exchange of a GREEN-API method (specs/recordings/green-api), replayed as its raw response.</summary>
    public sealed class OperationRecording
    {
        private readonly JObject _response;

        private OperationRecording(string file, JObject root)
        {
            Name = Path.GetFileNameWithoutExtension(file);
            Operation = (string?)root["operation"] ?? string.Empty;
            _response = (JObject)root["response"]!;
            Status = (int)_response["status"]!;
            Text = (string?)_response["text"];
        }

        public string Name { get; }

        public string Operation { get; }

        public int Status { get; }

        public string? Text { get; }

        public static IEnumerable<OperationRecording> All() =>
            Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Recordings", "green-api"), "*.json")
                .OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => new OperationRecording(f, JObject.Parse(File.ReadAllText(f))));

        public static OperationRecording Of(string name) => All().Single(r => r.Name == name);

        public byte[] Response()
        {
            var headers = ((JObject?)_response["headers"])?.Properties().Select(p => (p.Name, (string)p.Value!)).ToList() ?? [];
            var contentType = headers.FirstOrDefault(h => h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Item2;
            var body = _response["body"] is { } json ? json.ToString(Formatting.None) : Text ?? string.Empty;
            return RawHttpServer.Response(Status, contentType, body, headers.Where(h => !h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).ToArray());
        }

        public override string ToString() => Name;
    }
}
