using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Receiving;

/// <summary>
/// What the endpoint does with bodies and clients that are not what a gateway sends: 400 for what a redelivery
/// would not change (not one JSON object in UTF-8, a known type that breaks its schema, over 1 MiB), 200 for what
/// it may ignore (unknown types and fields, null optional fields), 500 when a handler throws so that the gateway
/// delivers it again; and a client that stalls, disconnects or aborts leaves nothing dispatched and the server
/// healthy.
/// </summary>
public sealed class WebhookRobustnessTests
{
    private const string Token = "robust-green-token-0001";
    private const string Secret = "robust-maytapi-secret-0001";
    private const string GreenPath = "/whatsapp/green-api";
    private const string MaytapiPath = "/whatsapp/maytapi?secret=" + Secret;

    private const string GreenStatus = """{"typeWebhook":"outgoingMessageStatus","chatId":"71231234567@c.us","instanceData":{"idInstance":1101000002,"wid":"71234567890@c.us","typeInstance":"whatsapp"},"timestamp":1705901090,"idMessage":"ECE6BBEA514B66872790C3D9D52C5C19","status":"sent","sendByApi":true}""";
    private const string MaytapiAck = """{"type":"ack","product_id":"3fa22108-f464-41e5-81d9-d8a298854430","phone_id":47309,"data":[{"msgId":"a3ff8460-c710-11ee-a8e7-5fbaaf152c1d","chatId":"120363238104@g.us","ackType":"delivered","ackCode":1,"time":1710342107}]}""";

    private WebhookHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() =>
        _host = await WebhookHost.StartAsync(services =>
        {
            services.AddGreenApiWebhook(o => o.WebhookToken = Token);
            services.AddMaytapiWebhook(o => o.WebhookSecret = Secret);
        });

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [SetUp]
    public void Clear()
    {
        _host.Received.Clear();
        _host.Logs.Clear();
    }

    /// <summary>Bodies no redelivery can fix, each named, for each provider.</summary>
    public static IEnumerable<TestCaseData> Unreadable()
    {
        var cases = new List<(string Provider, string Name, byte[] Body)>();
        foreach (var (provider, valid, typeName) in new[] { ("green-api", GreenStatus, "typeWebhook"), ("maytapi", MaytapiAck, "type") })
        {
            void Add(string name, byte[] body) => cases.Add((provider, name, body));
            void AddText(string name, string body) => Add(name, Encoding.UTF8.GetBytes(body));

            AddText("TruncatedJson", valid[..^1]);
            AddText("OpenObject", "{\"" + typeName + "\":");
            AddText("SingleQuotes", valid.Replace('"', '\''));
            AddText("UnquotedName", valid.Replace("\"" + typeName + "\"", typeName, StringComparison.Ordinal));
            AddText("Comment", "/*c*/" + valid);
            AddText("TrailingComma", valid[..^1] + ",}");
            AddText("NaN", valid[..^1] + ",\"x\":NaN}");
            AddText("LeadingZero", valid[..^1] + ",\"x\":01}");
            AddText("ControlCharacterInString", valid[..^1] + ",\"x\":\"a\u0001b\"}");
            AddText("LoneSurrogateEscape", valid[..^1] + ",\"x\":\"\\ud800\"}");
            AddText("Array", "[" + valid + "]");
            AddText("String", "\"" + typeName + "\"");
            AddText("Number", "1");
            AddText("Null", "null");
            AddText("True", "true");
            AddText("Empty", string.Empty);
            AddText("WhiteSpaceOnly", " \r\n\t ");
            Add("InvalidUtf8InString", [.. Encoding.UTF8.GetBytes(valid[..^1] + ",\"x\":\""), 0xC3, 0x28, .. "\"}"u8]);
            Add("OverlongUtf8", [.. Encoding.UTF8.GetBytes(valid[..^1] + ",\"x\":\""), 0xC0, 0xAF, .. "\"}"u8]);
            Add("ByteFF", [.. Encoding.UTF8.GetBytes(valid[..^1] + ",\"x\":\""), 0xFF, .. "\"}"u8]);
            Add("Utf16", Encoding.Unicode.GetBytes(valid));
            Add("ByteOrderMark", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(valid)]);
            AddText("TrailingText", valid + "x");
            AddText("TrailingObject", valid + "{}");
            Add("TrailingNul", [.. Encoding.UTF8.GetBytes(valid), 0]);
            AddText("TypeTwiceSameValue", valid[..^1] + ",\"" + typeName + "\":" + (provider == "green-api" ? "\"outgoingMessageStatus\"" : "\"ack\"") + "}");
            AddText("UnknownFieldTwice", valid[..^1] + ",\"extra\":1,\"extra\":1}");
            AddText("NestedUnknownFieldTwice", valid[..^1] + ",\"extra\":{\"a\":1,\"a\":2}}");
            AddText("FieldTwiceInAnArray", valid[..^1] + ",\"extra\":[{\"a\":1,\"a\":1}]}");
            AddText("Depth1000", valid[..^1] + ",\"x\":" + new string('[', 1000) + new string(']', 1000) + "}");
            AddText("TypeMissing", valid.Replace("\"" + typeName + "\"", "\"kind\"", StringComparison.Ordinal));
            AddText("TypeNull", valid.Replace("\"" + typeName + "\":\"" + (provider == "green-api" ? "outgoingMessageStatus" : "ack") + "\"", "\"" + typeName + "\":null", StringComparison.Ordinal));
            AddText("TypeNumber", "{\"" + typeName + "\":1}");
            AddText("TypeObject", "{\"" + typeName + "\":{\"a\":1}}");
        }

        AddGreen("IdMessageTwice", GreenStatus[..^1] + ",\"idMessage\":\"ECE6BBEA514B66872790C3D9D52C5C19\"}");
        AddGreen("IdInstanceTwice", GreenStatus.Replace("\"idInstance\":1101000002", "\"idInstance\":1,\"idInstance\":2", StringComparison.Ordinal));
        AddGreen("StatusNumber", GreenStatus.Replace("\"status\":\"sent\"", "\"status\":2", StringComparison.Ordinal));
        AddGreen("IdMessageNumber", GreenStatus.Replace("\"idMessage\":\"ECE6BBEA514B66872790C3D9D52C5C19\"", "\"idMessage\":123", StringComparison.Ordinal));
        AddGreen("IdInstanceString", GreenStatus.Replace("\"idInstance\":1101000002", "\"idInstance\":\"1101000002\"", StringComparison.Ordinal));
        AddGreen("IdInstanceFloat", GreenStatus.Replace("\"idInstance\":1101000002", "\"idInstance\":1101000002.0", StringComparison.Ordinal));
        AddGreen("TimestampString", GreenStatus.Replace("\"timestamp\":1705901090", "\"timestamp\":\"1705901090\"", StringComparison.Ordinal));
        AddGreen("TimestampBeyondInt64", GreenStatus.Replace("\"timestamp\":1705901090", "\"timestamp\":99999999999999999999", StringComparison.Ordinal));
        AddGreen("SendByApiString", GreenStatus.Replace("\"sendByApi\":true", "\"sendByApi\":\"true\"", StringComparison.Ordinal));
        AddGreen("InstanceDataArray", GreenStatus.Replace("\"instanceData\":{\"idInstance\":1101000002,\"wid\":\"71234567890@c.us\",\"typeInstance\":\"whatsapp\"}", "\"instanceData\":[]", StringComparison.Ordinal));
        AddGreen("StatusMissing", GreenStatus.Replace(",\"status\":\"sent\"", string.Empty, StringComparison.Ordinal));
        AddGreen("IdMessageMissing", GreenStatus.Replace(",\"idMessage\":\"ECE6BBEA514B66872790C3D9D52C5C19\"", string.Empty, StringComparison.Ordinal));
        AddGreen("IdMessageNull", GreenStatus.Replace("\"idMessage\":\"ECE6BBEA514B66872790C3D9D52C5C19\"", "\"idMessage\":null", StringComparison.Ordinal));
        AddGreen("StateInstanceMissing", """{"typeWebhook":"stateInstanceChanged","instanceData":{"idInstance":1},"timestamp":1586700690}""");
        AddGreen("EchoIdMessageMissing", """{"typeWebhook":"outgoingAPIMessageReceived","instanceData":{"idInstance":1},"senderData":{"chatId":"1@c.us"}}""");
        AddGreen("EchoSenderDataString", """{"typeWebhook":"outgoingAPIMessageReceived","idMessage":"X","senderData":"1@c.us"}""");
        AddGreen("QuotaDataString", """{"typeWebhook":"quotaExceeded","quotaData":"exceeded"}""");
        AddMaytapi("DataMissing", """{"type":"ack","phone_id":1}""");
        AddMaytapi("DataNull", """{"type":"ack","data":null}""");
        AddMaytapi("DataObject", """{"type":"ack","data":{"msgId":"m","ackCode":1}}""");
        AddMaytapi("DataItemNull", """{"type":"ack","data":[null]}""");
        AddMaytapi("DataItemNumber", """{"type":"ack","data":[1]}""");
        AddMaytapi("AckCodeString", MaytapiAck.Replace("\"ackCode\":1", "\"ackCode\":\"1\"", StringComparison.Ordinal));
        AddMaytapi("AckCodeFloat", MaytapiAck.Replace("\"ackCode\":1", "\"ackCode\":1.0", StringComparison.Ordinal));
        AddMaytapi("AckCodeBeyondInt32", MaytapiAck.Replace("\"ackCode\":1", "\"ackCode\":2147483648", StringComparison.Ordinal));
        AddMaytapi("TimeString", MaytapiAck.Replace("\"time\":1710342107", "\"time\":\"1710342107\"", StringComparison.Ordinal));
        AddMaytapi("MsgIdNumber", MaytapiAck.Replace("\"msgId\":\"a3ff8460-c710-11ee-a8e7-5fbaaf152c1d\"", "\"msgId\":5", StringComparison.Ordinal));
        AddMaytapi("AckCodeTwice", MaytapiAck.Replace("\"ackCode\":1", "\"ackCode\":1,\"ackCode\":1", StringComparison.Ordinal));
        AddMaytapi("ErrorDataIdNumber", """{"type":"error","code":"F04","message":"m","data":{"id":5}}""");
        AddMaytapi("ErrorDataArray", """{"type":"error","code":"F04","data":[]}""");
        AddMaytapi("ErrorCodeNumber", """{"type":"error","code":4,"data":{"id":"m"}}""");
        AddMaytapi("StatusMissing", """{"type":"status","phone_id":12}""");
        AddMaytapi("StatusNumber", """{"type":"status","status":1}""");
        AddMaytapi("ProductIdNumber", MaytapiAck.Replace("\"product_id\":\"3fa22108-f464-41e5-81d9-d8a298854430\"", "\"product_id\":5", StringComparison.Ordinal));
        AddMaytapi("GreenApiBody", GreenStatus);
        AddGreen("MaytapiBody", MaytapiAck);

        return cases.Select(c => new TestCaseData(c.Provider, c.Body).SetArgDisplayNames(c.Provider, c.Name));

        void AddGreen(string name, string body) => cases.Add(("green-api", name, Encoding.UTF8.GetBytes(body)));
        void AddMaytapi(string name, string body) => cases.Add(("maytapi", name, Encoding.UTF8.GetBytes(body)));
    }

    [TestCaseSource(nameof(Unreadable))]
    public async Task Post_UnreadableBody_400NothingDispatchedReasonLogged(string provider, byte[] body)
    {
        var status = await PostAsync(provider, body);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(_host.Received.Notifications, Is.Empty, "no notification handler called");
            Assert.That(_host.Received.Updates, Is.Empty, "no update handler called");
            Assert.That(_host.Logs.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("cannot be read", StringComparison.Ordinal)), Is.EqualTo(1), "one warning with the reason");
            Assert.That(_host.Logs.Entries.Where(e => e.Level >= LogLevel.Error), Is.Empty, "not an error of the app");
        });
    }

    [Test]
    public async Task Post_GreenApiNullOptionalFields_200UpdateWithThoseFieldsAbsent()
    {
        const string body = """{"typeWebhook":"outgoingMessageStatus","chatId":null,"instanceData":null,"timestamp":null,"idMessage":"ID1","status":"failed","description":null,"sendByApi":null}""";

        var status = await PostAsync("green-api", Encoding.UTF8.GetBytes(body));

        var update = _host.Received.Updates.Single();
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(update.MessageId, Is.EqualTo("ID1"));
            Assert.That(update.ChatId, Is.Null);
            Assert.That(update.Instance, Is.Null);
            Assert.That(update.Time, Is.Null);
            Assert.That(update.Status, Is.EqualTo(WhatsAppMessageStatus.Failed));
            Assert.That(update.Error, Is.EqualTo("failed"), "no description: the status is the error");
        });
    }

    [Test]
    public async Task Post_MaytapiNullOptionalFields_200UpdatesFromWhatIsThere()
    {
        const string body = """{"type":"ack","product_id":null,"phone_id":null,"phoneId":"77","data":[{"msgId":"M1","chatId":null,"ackType":null,"ackCode":3,"time":null,"rxid":null,"options":null}]}""";

        var status = await PostAsync("maytapi", Encoding.UTF8.GetBytes(body));

        var update = _host.Received.Updates.Single();
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(update.MessageId, Is.EqualTo("M1"));
            Assert.That(update.ChatId, Is.Null);
            Assert.That(update.Time, Is.Null);
            Assert.That(update.Instance, Is.EqualTo("77"), "phoneId when phone_id is null");
            Assert.That(update.Status, Is.EqualTo(WhatsAppMessageStatus.Read));
            Assert.That(update.ProviderStatus, Is.EqualTo("3"), "the code when there is no ackType");
        });
    }

    [TestCase("green-api", """{"typeWebhook":"incomingCall","instanceData":{"idInstance":1234,"wid":"1@c.us","typeInstance":"whatsapp"},"timestamp":1,"from":"2@c.us","status":"offer"}""", typeof(GreenApiNotification), TestName = "Post_GreenApiUnknownType_200BaseNotificationNoUpdate")]
    [TestCase("green-api", """{"typeWebhook":"incomingCall","instanceData":"not an object","timestamp":"yesterday"}""", typeof(GreenApiNotification), TestName = "Post_GreenApiUnknownTypeWithOddBaseFields_200BaseNotificationNoUpdate")]
    [TestCase("green-api", """{"typeWebhook":""}""", typeof(GreenApiNotification), TestName = "Post_GreenApiEmptyType_200BaseNotificationNoUpdate")]
    [TestCase("green-api", """{"typeWebhook":"OutgoingMessageStatus","idMessage":5}""", typeof(GreenApiNotification), TestName = "Post_GreenApiKnownTypeInOtherCase_200TreatedAsUnknown")]
    [TestCase("green-api", """{"typeWebhook":"ack","data":[{"msgId":"m","ackCode":1}]}""", typeof(GreenApiNotification), TestName = "Post_GreenApiMaytapiTypeName_200TreatedAsUnknown")]
    [TestCase("maytapi", """{"type":"live_event","product_id":"p","phone_id":1,"data":{"event":"x"}}""", typeof(MaytapiNotification), TestName = "Post_MaytapiUnknownType_200BaseNotificationNoUpdate")]
    [TestCase("maytapi", """{"type":"message","product_id":{"odd":true},"phone_id":[1]}""", typeof(MaytapiNotification), TestName = "Post_MaytapiUnknownTypeWithOddBaseFields_200BaseNotificationNoUpdate")]
    [TestCase("maytapi", """{"type":"outgoingMessageStatus","idMessage":"x","status":"sent"}""", typeof(MaytapiNotification), TestName = "Post_MaytapiGreenApiTypeName_200TreatedAsUnknown")]
    public async Task Post_UnknownType_200BaseNotificationToBaseAndObjectHandlersNoUpdate(string provider, string body, Type baseType)
    {
        var status = await PostAsync(provider, Encoding.UTF8.GetBytes(body));

        var calls = _host.Received.Notifications;
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(_host.Received.Updates, Is.Empty);
            Assert.That(calls.Select(c => c.HandlerType).OrderBy(t => t.Name), Is.EqualTo(new[] { baseType, typeof(object) }.OrderBy(t => t.Name)));
            Assert.That(calls.Select(c => c.Notification.GetType()), Has.All.EqualTo(baseType));
            Assert.That(calls.Select(c => c.Context.Updates.Count), Has.All.EqualTo(0));
        });
    }

    [Test]
    public async Task Post_UnknownTypeWithOddBaseFields_FieldsKeptForTheHandler()
    {
        await PostAsync("green-api", Encoding.UTF8.GetBytes("""{"typeWebhook":"deviceInfo","instanceData":"odd","deviceData":{"platform":"android"}}"""));

        var notification = (GreenApiNotification)_host.Received.Dispatched.Single().Notification;
        Assert.Multiple(() =>
        {
            Assert.That(notification.TypeWebhook, Is.EqualTo("deviceInfo"));
            Assert.That(notification.AdditionalProperties.Keys, Does.Contain("instanceData").And.Contain("deviceData"));
        });
    }

    [Test]
    public async Task Post_KnownTypeWithUnknownFieldsAndValues_200AndFieldsKept()
    {
        const string body = """{"typeWebhook":"outgoingMessageStatus","idMessage":"ID2","status":"queuedSomewhereNew","newField":{"deep":[1,2,{"x":null}]},"instanceData":{"idInstance":7,"region":"eu"}}""";

        var status = await PostAsync("green-api", Encoding.UTF8.GetBytes(body));

        var notification = (GreenApiOutgoingMessageStatusNotification)_host.Received.Dispatched.Single().Notification;
        var update = _host.Received.Updates.Single();
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(update.Status, Is.EqualTo(WhatsAppMessageStatus.Unknown), "a status the library does not know");
            Assert.That(update.ProviderStatus, Is.EqualTo("queuedSomewhereNew"));
            Assert.That(update.Error, Is.Null, "unknown is not failed");
            Assert.That(notification.AdditionalProperties.Keys, Does.Contain("newField"));
            Assert.That(notification.InstanceData!.AdditionalProperties.Keys, Does.Contain("region"));
        });
    }

    [TestCase(63, HttpStatusCode.OK, TestName = "Post_Nesting64Levels_200")]
    [TestCase(64, HttpStatusCode.BadRequest, TestName = "Post_Nesting65Levels_400")]
    public async Task Post_NestingAtTheLimit_64LevelsReadMoreRefused(int inner, HttpStatusCode expected)
    {
        // The body's object is level 1; `inner` arrays inside it make 1 + inner levels.
        foreach (var (provider, valid) in new[] { ("green-api", GreenStatus), ("maytapi", MaytapiAck), ("green-api", """{"typeWebhook":"unknownType","a":1}"""), ("maytapi", """{"type":"unknownType","a":1}""") })
        {
            _host.Received.Clear();
            var body = valid[..^1] + ",\"deep\":" + new string('[', inner) + new string(']', inner) + "}";

            var status = await PostAsync(provider, Encoding.UTF8.GetBytes(body));

            Assert.Multiple(() =>
            {
                Assert.That(status, Is.EqualTo(expected), provider + " " + valid[..20]);
                Assert.That(_host.Received.Dispatched, Has.Count.EqualTo(expected == HttpStatusCode.OK ? 1 : 0));
            });
        }
    }

    [Test]
    public async Task Post_NoContentType_200ContentTypeNotRelied()
    {
        using var request = new System.Net.Http.HttpRequestMessage(System.Net.Http.HttpMethod.Post, GreenPath.TrimStart('/')) { Content = new System.Net.Http.ByteArrayContent(Encoding.UTF8.GetBytes(GreenStatus)) };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Token);

        using var response = await _host.Client.SendAsync(request);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(_host.Received.Updates, Has.Count.EqualTo(1));
        });
    }

    [TestCase("green-api", false, TestName = "Post_GreenApiBodyOfExactly1MiBByContentLength_200")]
    [TestCase("green-api", true, TestName = "Post_GreenApiBodyOfExactly1MiBChunked_200")]
    [TestCase("maytapi", false, TestName = "Post_MaytapiBodyOfExactly1MiBByContentLength_200")]
    [TestCase("maytapi", true, TestName = "Post_MaytapiBodyOfExactly1MiBChunked_200")]
    public async Task Post_BodyOfExactlyTheLimit_200(string provider, bool chunked)
    {
        var body = Padded(provider, WebhookReceiver.MaxBodyBytes);

        var response = await PostRawAsync(provider, body, chunked);

        Assert.Multiple(() =>
        {
            Assert.That(response?.Status, Is.EqualTo(200));
            Assert.That(_host.Received.Updates, Has.Count.EqualTo(1));
        });
    }

    [TestCase("green-api", false, TestName = "Post_GreenApiBodyOneByteOver1MiBByContentLength_400")]
    [TestCase("green-api", true, TestName = "Post_GreenApiBodyOneByteOver1MiBChunked_400")]
    [TestCase("maytapi", false, TestName = "Post_MaytapiBodyOneByteOver1MiBByContentLength_400")]
    [TestCase("maytapi", true, TestName = "Post_MaytapiBodyOneByteOver1MiBChunked_400")]
    public async Task Post_BodyOneByteOverTheLimit_400NothingDispatched(string provider, bool chunked)
    {
        var body = Padded(provider, WebhookReceiver.MaxBodyBytes + 1);

        var response = await PostRawAsync(provider, body, chunked);

        Assert.Multiple(() =>
        {
            Assert.That(response?.Status, Is.EqualTo(400));
            Assert.That(_host.Received.Notifications, Is.Empty);
        });
    }

    [TestCase("green-api")]
    [TestCase("maytapi")]
    public async Task Post_ContentLengthOverTheLimitBodyNeverSent_400WithoutReadingIt(string provider)
    {
        await using var client = await RawHttpClient.ConnectAsync(_host.BaseUrl);
        await client.WriteAsync(Head(provider, ("Content-Length", "50000000")));

        var response = await client.ReadResponseAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response?.Status, Is.EqualTo(400));
            Assert.That(_host.Received.Notifications, Is.Empty);
        });
    }

    [TestCase("green-api")]
    [TestCase("maytapi")]
    public async Task Post_ClientStallsMidBody_OthersServedAndNothingDispatchedForIt(string provider)
    {
        var body = Encoding.UTF8.GetBytes(provider == "green-api" ? GreenStatus : MaytapiAck);
        await using var stalled = await RawHttpClient.ConnectAsync(_host.BaseUrl);
        await stalled.WriteAsync(Head(provider, ("Content-Length", body.Length.ToString(CultureInfo.InvariantCulture))));
        await stalled.WriteAsync(body[..(body.Length / 2)]);

        var whileStalled = await PostAsync(provider, body);
        var dispatchedWhileStalled = _host.Received.Dispatched.Count;
        stalled.Reset();
        var afterwards = await PostAsync(provider, body);

        Assert.Multiple(() =>
        {
            Assert.That(whileStalled, Is.EqualTo(HttpStatusCode.OK), "served while another request stalls");
            Assert.That(dispatchedWhileStalled, Is.EqualTo(1), "only the complete request");
            Assert.That(afterwards, Is.EqualTo(HttpStatusCode.OK), "served after the stalled client went away");
            Assert.That(_host.Received.Dispatched, Has.Count.EqualTo(2), "the half body never dispatched");
        });
    }

    [TestCase("green-api", false)]
    [TestCase("green-api", true)]
    [TestCase("maytapi", false)]
    [TestCase("maytapi", true)]
    public async Task Post_ClientDisconnectsMidBody_NothingDispatchedServerHealthy(string provider, bool reset)
    {
        var body = Encoding.UTF8.GetBytes(provider == "green-api" ? GreenStatus : MaytapiAck);
        await using (var client = await RawHttpClient.ConnectAsync(_host.BaseUrl))
        {
            await client.WriteAsync(Head(provider, ("Content-Length", body.Length.ToString(CultureInfo.InvariantCulture))));
            await client.WriteAsync(body[..(body.Length - 1)]);
            if (reset)
            {
                client.Reset();
            }
            else
            {
                client.FinishSending();
                Assert.That(await client.ReadResponseAsync(), Is.Null.Or.Property(nameof(RawResponse.Status)).EqualTo(400), "no success for a cut body");
            }
        }

        var afterwards = await PostAsync(provider, body);

        Assert.Multiple(() =>
        {
            Assert.That(afterwards, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(_host.Received.Dispatched, Has.Count.EqualTo(1), "only the complete request");
        });
    }

    [TestCase("green-api")]
    [TestCase("maytapi")]
    public async Task Post_HandlerThrowsThenRedelivered_500Then200AndTheSameUpdateHandledAgain(string provider)
    {
        var body = Encoding.UTF8.GetBytes(provider == "green-api" ? GreenStatus : MaytapiAck);
        var attempts = 0;
        _host.Received.OnUpdate = (_, _) => Interlocked.Increment(ref attempts) == 1 ? throw new InvalidOperationException("database down") : Task.CompletedTask;

        var first = await PostAsync(provider, body);
        var recordedAfterFirst = _host.Received.Updates.Count;
        var redelivered = await PostAsync(provider, body);

        var calls = _host.Received.Dispatched;
        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(HttpStatusCode.InternalServerError), "so that the gateway delivers it again");
            Assert.That(recordedAfterFirst, Is.EqualTo(0), "the failing handler recorded nothing");
            Assert.That(redelivered, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(attempts, Is.EqualTo(2), "the update handler ran for both deliveries");
            Assert.That(calls, Has.Count.EqualTo(2), "the notification handlers ran for both deliveries");
            Assert.That(calls[0].Context.Updates.Single().DeduplicationKey, Is.EqualTo(calls[1].Context.Updates.Single().DeduplicationKey), "the same key both times");
            Assert.That(_host.Logs.Entries.Count(e => e.Level == LogLevel.Error && e.Exception?.Contains("database down", StringComparison.Ordinal) == true), Is.EqualTo(1), "the failure logged with its exception");
        });
    }

    [Test]
    public async Task Post_NotificationHandlerThrows_500AndUpdateHandlersNotCalled()
    {
        _host.Received.OnNotification = (_, _) => throw new InvalidOperationException("typed handler failed");

        var status = await PostAsync("green-api", Encoding.UTF8.GetBytes(GreenStatus));

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.InternalServerError));
            Assert.That(_host.Received.Updates, Is.Empty);
        });
    }

    [Test]
    public async Task Post_HandlerThrowsOperationCanceledOfItsOwn_500NotTakenForAnAbortedRequest()
    {
        _host.Received.OnUpdate = (_, _) => throw new TaskCanceledException("a call of the handler's own timed out");

        var status = await PostAsync("maytapi", Encoding.UTF8.GetBytes(MaytapiAck));

        Assert.That(status, Is.EqualTo(HttpStatusCode.InternalServerError), "the request was not aborted: the gateway must deliver it again");
    }

    [TestCase("green-api")]
    [TestCase("maytapi")]
    public async Task Post_ClientAbortsWhileHandlerRuns_HandlersTokenCancelledServerHealthy(string provider)
    {
        var body = Encoding.UTF8.GetBytes(provider == "green-api" ? GreenStatus : MaytapiAck);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _host.Received.OnNotification = async (_, token) =>
        {
            running.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, token);
            }
            catch (OperationCanceledException)
            {
                cancelled.TrySetResult();
                throw;
            }
        };
        await using (var client = await RawHttpClient.ConnectAsync(_host.BaseUrl))
        {
            await client.WriteAsync(Head(provider, ("Content-Length", body.Length.ToString(CultureInfo.InvariantCulture))));
            await client.WriteAsync(body);
            await running.Task.WaitAsync(RawHttpClient.AnswerBound);
            client.Reset();
        }

        await cancelled.Task.WaitAsync(RawHttpClient.AnswerBound);
        _host.Received.OnNotification = null;
        var afterwards = await PostAsync(provider, body);

        Assert.Multiple(() =>
        {
            Assert.That(cancelled.Task.IsCompletedSuccessfully, Is.True, "the handler saw the abort");
            Assert.That(afterwards, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(_host.Received.Updates, Has.Count.EqualTo(1), "only the request that completed reached the update handler");
            Assert.That(_host.Logs.Entries.Where(e => e.Category == "Messaging.WhatsApp.Receiving" && e.Level >= LogLevel.Error), Is.Empty, "an abort is not a handler failure");
        });
    }

    [Test]
    public async Task Post_ManyConcurrentNotifications_EachAnswered200AndDispatchedOnce()
    {
        const int count = 300;
        var bodies = Enumerable.Range(0, count).Select(i => (
            Provider: i % 2 == 0 ? "green-api" : "maytapi",
            Body: Encoding.UTF8.GetBytes(i % 2 == 0
                ? GreenStatus.Replace("ECE6BBEA514B66872790C3D9D52C5C19", "G" + i.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                : MaytapiAck.Replace("a3ff8460-c710-11ee-a8e7-5fbaaf152c1d", "M" + i.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)))).ToList();
        using var gate = new SemaphoreSlim(16);

        var statuses = await Task.WhenAll(bodies.Select(async b =>
        {
            await gate.WaitAsync();
            try
            {
                return await PostAsync(b.Provider, b.Body);
            }
            finally
            {
                gate.Release();
            }
        }));

        var ids = _host.Received.Updates.Select(u => u.MessageId).OrderBy(id => id, StringComparer.Ordinal).ToList();
        var expected = Enumerable.Range(0, count).Select(i => (i % 2 == 0 ? "G" : "M") + i.ToString(CultureInfo.InvariantCulture)).OrderBy(id => id, StringComparer.Ordinal).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(statuses, Has.All.EqualTo(HttpStatusCode.OK));
            Assert.That(ids, Is.EqualTo(expected), "each update once");
            Assert.That(_host.Received.Dispatched, Has.Count.EqualTo(count));
        });
    }

    private Task<HttpStatusCode> PostAsync(string provider, byte[] body) =>
        provider == "green-api" ? _host.StatusOfPostAsync(GreenPath, body, "Bearer " + Token) : _host.StatusOfPostAsync(MaytapiPath, body);

    private static string Head(string provider, params (string Name, string Value)[] headers) =>
        provider == "green-api"
            ? RawHttpClient.Head("POST", GreenPath, [("Authorization", "Bearer " + Token), ("Content-Type", "application/json"), .. headers])
            : RawHttpClient.Head("POST", MaytapiPath, [("Content-Type", "application/json"), .. headers]);

    /// <summary>A valid notification padded with white space inside its object to exactly <paramref name="length"/> bytes.</summary>
    private static byte[] Padded(string provider, int length)
    {
        var valid = provider == "green-api" ? GreenStatus : MaytapiAck;
        var body = valid[..^1] + new string(' ', length - Encoding.UTF8.GetByteCount(valid)) + "}";
        return Encoding.UTF8.GetBytes(body);
    }

    private async Task<RawResponse?> PostRawAsync(string provider, byte[] body, bool chunked)
    {
        await using var client = await RawHttpClient.ConnectAsync(_host.BaseUrl);
        await client.WriteAsync(chunked
            ? Head(provider, ("Transfer-Encoding", "chunked"))
            : Head(provider, ("Content-Length", body.Length.ToString(CultureInfo.InvariantCulture))));
        var writing = Task.Run(async () =>
        {
            if (!chunked)
            {
                return await client.TryWriteAsync(body);
            }

            for (var at = 0; at < body.Length; at += 60_000)
            {
                if (!await client.TryWriteAsync(RawHttpClient.Chunk(body.AsSpan(at, Math.Min(60_000, body.Length - at)))))
                {
                    return false;
                }
            }

            return await client.TryWriteAsync(RawHttpClient.Chunk([]));
        });
        var response = await client.ReadResponseAsync();
        await writing;
        return response;
    }
}
