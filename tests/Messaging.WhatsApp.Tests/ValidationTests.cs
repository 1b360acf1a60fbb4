using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Messaging.WhatsApp.Tests.Infrastructure;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NUnit.Framework;
using GreenApi = Messaging.WhatsApp.GreenApi;
using Maytapi = Messaging.WhatsApp.Maytapi;

namespace Messaging.WhatsApp.Tests;

/// <summary>Bad input is refused before anything is sent: the error names the field and the rule, and WireMock sees nothing.</summary>
public sealed class ValidationTests
{
    private static readonly ChatAddress Person = ChatAddress.Parse("905301111111");

    [SetUp]
    public void ResetServer()
    {
        TestServices.Answer(TestServices.GreenPath, TestServices.Json(200, """{"idMessage":"3EB0C767D097B7C7C030"}"""));
        TestServices.Server.ResetLogEntries();
    }

    private static async Task AssertRefused(Func<Task> send, string field, string rule)
    {
        var error = Assert.ThrowsAsync<WhatsAppArgumentException>(async () => await send())!;

        Assert.Multiple(() =>
        {
            Assert.That(error.ParamName, Is.EqualTo(field), "field");
            Assert.That(error.Message, Does.StartWith(field + " "), "message names the field first");
            Assert.That(error.Message, Does.Contain(rule), "message states the rule");
            Assert.That(error, Is.InstanceOf<ArgumentException>());
            Assert.That(TestServices.RequestsReceived, Is.Zero, "nothing reaches the server");
        });
        await Task.CompletedTask;
    }

    /// <summary>Requests that each break one rule, with the field the caller set to break it, as the request's JSON names it.</summary>
    public static IEnumerable<TestCaseData> GreenApiRequestsBreakingARule()
    {
        static TestCaseData Case(string field, GreenApi.GreenApiSendMessageRequest request) => new TestCaseData(request, field).SetArgDisplayNames(field + ": " + JsonConvert.SerializeObject(request));
        GreenApi.GreenApiSendMessageRequest Valid() => new() { ChatId = Person.Id, Message = "hi" };
        var r = Valid(); r.ChatId = "120363023456789012@newsletter"; yield return Case("chatId", r);
        r = Valid(); r.ChatId = string.Empty; yield return Case("chatId", r);
        r = Valid(); r.ChatId = "+90 530 111 11 11"; yield return Case("chatId", r);
        r = Valid(); r.Message = string.Empty; yield return Case("message", r);
        r = Valid(); r.Message = new string('a', 20_001); yield return Case("message", r);
        r = Valid(); r.QuotedMessageId = "short"; yield return Case("quotedMessageId", r);
        r = Valid(); r.TypingTime = 5; yield return Case("typingTime", r);
        r = Valid(); r.TypePreview = (GreenApi.LinkPreviewSize)7; yield return Case("typePreview", r);
        r = Valid(); r.CustomPreview = new GreenApi.CustomPreview { Title = string.Empty }; yield return Case("customPreview.title", r);
        r = Valid(); r.CustomPreview = new GreenApi.CustomPreview { Title = "t", Description = new string('d', 301) }; yield return Case("customPreview.description", r);
        r = Valid(); r.CustomPreview = new GreenApi.CustomPreview { Title = "t", UrlFile = new Uri("/relative", UriKind.Relative) }; yield return Case("customPreview.urlFile", r);
    }

    public static IEnumerable<TestCaseData> MaytapiRequestsBreakingARule()
    {
        static TestCaseData Case(string field, Maytapi.MaytapiMessage message) => new TestCaseData(message, field).SetArgDisplayNames(field + ": " + JsonConvert.SerializeObject(message));
        yield return Case("to_number", new Maytapi.TextMessage { ToNumber = "not a number", Message = "hi" });
        yield return Case("to_number", new Maytapi.TextMessage { ToNumber = "90 530 111 11 11", Message = "hi" });
        yield return Case("message", new Maytapi.TextMessage { ToNumber = "905301111111", Message = string.Empty });
        yield return Case("latitude", new Maytapi.LocationMessage { ToNumber = "905301111111", Latitude = "north", Longitude = "29.0" });
        yield return Case("longitude", new Maytapi.LocationMessage { ToNumber = "905301111111", Latitude = "41.0", Longitude = "200.5" });
        yield return Case("message", new Maytapi.MediaMessage { ToNumber = "905301111111", Message = "ftp://example.com/a.pdf" });
        yield return Case("options[1]", new Maytapi.PollMessage { ToNumber = "905301111111", Message = "Lunch?", Options = ["Pizza", null!] });
    }

    [TestCaseSource(nameof(GreenApiRequestsBreakingARule))]
    public async Task GreenApi_SendAsyncWithARequestBreakingARule_ParamNameIsTheRequestFieldTheCallerSet(GreenApi.GreenApiSendMessageRequest request, string field)
    {
        using var services = TestServices.GreenApi();

        var error = Assert.ThrowsAsync<WhatsAppArgumentException>(async () => await services.GreenApiSender.SendAsync(request))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.ParamName, Is.EqualTo(field));
            Assert.That(JObject.Parse(JsonConvert.SerializeObject(request)).SelectToken(error.ParamName!), Is.Not.Null, "a field of the request as the caller set it");
            Assert.That(TestServices.RequestsReceived, Is.Zero, "nothing reaches the server");
        });
        await Task.CompletedTask;
    }

    [TestCaseSource(nameof(MaytapiRequestsBreakingARule))]
    public async Task Maytapi_SendAsyncWithAMessageBreakingARule_ParamNameIsTheMessageFieldTheCallerSet(Maytapi.MaytapiMessage message, string field)
    {
        using var services = TestServices.Maytapi();

        var error = Assert.ThrowsAsync<WhatsAppArgumentException>(async () => await services.MaytapiSender.SendAsync(message))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.ParamName, Is.EqualTo(field));
            Assert.That(JObject.Parse(JsonConvert.SerializeObject(message)).SelectToken(error.ParamName!), Is.Not.Null, "a field of the message as the caller set it");
            Assert.That(TestServices.RequestsReceived, Is.Zero, "nothing reaches the server");
        });
        await Task.CompletedTask;
    }

    [TestCaseSource(typeof(TestProvider), nameof(TestProvider.Names))]
    public async Task SendTextAsync_EmptyText_IsRefused(string provider)
    {
        using var services = TestServices.For(provider);

        await AssertRefused(() => services.Sender.SendTextAsync(Person, string.Empty), "text", "must not be empty");
    }

    [TestCaseSource(typeof(TestProvider), nameof(TestProvider.Names))]
    public async Task SendTextAsync_DefaultChat_IsRefused(string provider)
    {
        using var services = TestServices.For(provider);

        await AssertRefused(() => services.Sender.SendTextAsync(default, "hi"), "chat", "must be set");
    }

    [Test]
    public async Task GreenApi_TextOf20001Units_IsRefusedCountingUtf16()
    {
        using var services = TestServices.GreenApi();

        await AssertRefused(() => services.Sender.SendTextAsync(Person, new string('a', 20_001)), "text", "at most 20000 characters, counted in UTF-16 code units");
    }

    [Test]
    public async Task GreenApi_TenThousandAndOneEmoji_IsRefusedEachEmojiCountingTwo()
    {
        using var services = TestServices.GreenApi();
        var text = string.Concat(System.Linq.Enumerable.Repeat("😀", 10_001));

        await AssertRefused(() => services.Sender.SendTextAsync(Person, text), "text", "an emoji such as 😀 counts 2");
    }

    [Test]
    public async Task GreenApi_TextOfExactly20000Units_IsSent()
    {
        using var services = TestServices.GreenApi();
        var text = string.Concat(System.Linq.Enumerable.Repeat("😀", 10_000));

        var result = await services.Sender.SendTextAsync(Person, text);

        Assert.Multiple(() =>
        {
            Assert.That(result.MessageId, Is.EqualTo("3EB0C767D097B7C7C030"));
            Assert.That(TestServices.RequestsReceived, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task GreenApi_ShortReplyTo_IsRefused()
    {
        using var services = TestServices.GreenApi();

        await AssertRefused(() => services.Sender.SendTextAsync(Person, "hi", replyTo: "BAE5F4886F6F"), "replyTo", "at least 16 characters");
    }

    [Test]
    public async Task GreenApi_Channel_IsRefused()
    {
        using var services = TestServices.GreenApi();

        await AssertRefused(() => services.Sender.SendTextAsync(ChatAddress.Parse("120363025246125888@newsletter"), "hi"), "chat", "GREEN-API refuses channels");
    }

    [TestCase(999)]
    [TestCase(20_001)]
    public async Task GreenApi_TypingTimeOutOfRange_IsRefused(int typingTime)
    {
        using var services = TestServices.GreenApi();
        var request = new GreenApi.GreenApiSendMessageRequest { ChatId = Person.Id, Message = "hi", TypingTime = typingTime };

        await AssertRefused(() => services.GreenApiSender.SendAsync(request), "typingTime", "between 1000 and 20000 milliseconds");
    }

    [Test]
    public async Task GreenApi_ChatIdNotCanonical_IsRefusedWithTheAcceptedForms()
    {
        using var services = TestServices.GreenApi();
        var request = new GreenApi.GreenApiSendMessageRequest { ChatId = "+90 530 111 11 11", Message = "hi" };

        await AssertRefused(() => services.GreenApiSender.SendAsync(request), "chatId", "must be a chat id such as 905301111111@c.us");
    }

    [Test]
    public async Task GreenApi_CustomPreviewWithoutTitle_IsRefused()
    {
        using var services = TestServices.GreenApi();
        var request = new GreenApi.GreenApiSendMessageRequest { ChatId = Person.Id, Message = "hi", CustomPreview = new GreenApi.CustomPreview { Title = string.Empty } };

        await AssertRefused(() => services.GreenApiSender.SendAsync(request), "customPreview.title", "must not be empty");
    }

    [TestCase("title")]
    [TestCase("description")]
    [TestCase("link")]
    public async Task GreenApi_CustomPreviewFieldOver300_IsRefused(string field)
    {
        using var services = TestServices.GreenApi();
        var preview = new GreenApi.CustomPreview { Title = "t" };
        var tooLong = new string('x', 301);
        switch (field)
        {
            case "title": preview.Title = tooLong; break;
            case "description": preview.Description = tooLong; break;
            default: preview.Link = tooLong; break;
        }

        var request = new GreenApi.GreenApiSendMessageRequest { ChatId = Person.Id, Message = "hi", CustomPreview = preview };

        await AssertRefused(() => services.GreenApiSender.SendAsync(request), "customPreview." + field, "at most 300 characters");
    }

    [Test]
    public async Task GreenApi_CustomPreviewRelativeUrlFile_IsRefused()
    {
        using var services = TestServices.GreenApi();
        var request = new GreenApi.GreenApiSendMessageRequest
        {
            ChatId = Person.Id,
            Message = "hi",
            CustomPreview = new GreenApi.CustomPreview { Title = "t", UrlFile = new Uri("/img.png", UriKind.Relative) },
        };

        await AssertRefused(() => services.GreenApiSender.SendAsync(request), "customPreview.urlFile", "absolute http(s) URL");
    }

    [TestCase(90.5, 0, "latitude")]
    [TestCase(-91, 0, "latitude")]
    [TestCase(0, 180.01, "longitude")]
    [TestCase(double.NaN, 0, "latitude")]
    [TestCase(0, double.PositiveInfinity, "longitude")]
    public async Task Maytapi_LocationOutOfRange_IsRefused(double latitude, double longitude, string field)
    {
        using var services = TestServices.Maytapi();

        await AssertRefused(() => services.MaytapiSender.SendLocationAsync(Person, latitude, longitude), field, "must be a number between");
    }

    [TestCase("forty-one", "29.0", "latitude", "must be a decimal number written as a string")]
    [TestCase("41.09", "", "longitude", "must be a decimal number written as a string")]
    [TestCase("95.0", "29.0", "latitude", "must be a number between -90 and 90")]
    public async Task Maytapi_LocationMessageWithBadStrings_IsRefused(string latitude, string longitude, string field, string rule)
    {
        using var services = TestServices.Maytapi();
        var message = new Maytapi.LocationMessage { ToNumber = "905301111111", Latitude = latitude, Longitude = longitude };

        await AssertRefused(() => services.MaytapiSender.SendAsync(message), field, rule);
    }

    [TestCase("+90 530 111 11 11")]
    [TestCase("not a number")]
    public async Task Maytapi_ToNumberNotInMaytapiForm_IsRefused(string toNumber)
    {
        using var services = TestServices.Maytapi();
        var message = new Maytapi.TextMessage { ToNumber = toNumber, Message = "hi" };

        await AssertRefused(() => services.MaytapiSender.SendAsync(message), "to_number", "must be a phone number with country code");
    }

    [Test]
    public async Task Maytapi_MediaWithoutUrl_IsRefusedByTheSpecsAnnotations()
    {
        using var services = TestServices.Maytapi();
        var message = new Maytapi.MediaMessage { ToNumber = "905301111111", Message = "not a url" };

        await AssertRefused(() => services.MaytapiSender.SendAsync(message), "message", "breaks the spec");
    }

    [Test]
    public async Task GreenApi_ShortQuotedMessageIdInRequest_IsRefusedUnderItsJsonName()
    {
        using var services = TestServices.GreenApi();
        var request = new GreenApi.GreenApiSendMessageRequest { ChatId = Person.Id, Message = "hi", QuotedMessageId = "BAE5F4886F6F" };

        await AssertRefused(() => services.GreenApiSender.SendAsync(request), "quotedMessageId", "at least 16 characters");
    }

    [Test]
    public async Task Maytapi_VcardWithoutDisplayName_IsRefusedNamingTheNestedField()
    {
        using var services = TestServices.Maytapi();
        var message = new Maytapi.VcardMessage
        {
            ToNumber = "905301111111",
            Message = new Maytapi.VcardContent { DisplayName = null!, Vcard = "BEGIN:VCARD\nVERSION:3.0\nFN:Ayşe\nEND:VCARD" },
        };

        await AssertRefused(() => services.MaytapiSender.SendAsync(message), "message.displayName", "breaks the spec");
    }

    [Test]
    public async Task Maytapi_ButtonWithoutId_IsRefusedNamingTheListItem()
    {
        using var services = TestServices.Maytapi();
        var message = new Maytapi.ButtonsMessage
        {
            ToNumber = "905301111111",
            Message = "Pick one",
            Buttons = [new Maytapi.MessageButton { Id = "yes", Text = "Yes" }, new Maytapi.MessageButton { Id = null!, Text = "No" }],
        };

        await AssertRefused(() => services.MaytapiSender.SendAsync(message), "buttons[1].id", "breaks the spec");
    }

    [Test]
    public async Task Maytapi_EmptyReplyTo_IsRefused()
    {
        using var services = TestServices.Maytapi();

        await AssertRefused(() => services.Sender.SendTextAsync(Person, "hi", replyTo: string.Empty), "replyTo", "must be null or a message id");
    }
}
