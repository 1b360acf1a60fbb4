using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Messaging.WhatsApp.Tests.Infrastructure;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Health;

/// <summary>
/// Every recorded answer of the state operations (GREEN-API getStateInstance, Maytapi listPhones) replayed through the
/// senders' <c>GetInstanceStateAsync</c>: each documented state becomes its neutral state with the gateway's word, an
/// unknown word becomes Unknown, and each failure the typed error its recording's outcome names, never a state.
/// </summary>
public sealed class InstanceStateMappingTests
{
    /// <summary>The neutral state each recorded success stands for, and the phone it is about (Maytapi).</summary>
    private static readonly Dictionary<string, (WhatsAppInstanceState State, string? Word, string PhoneId)> Expected = new(StringComparer.Ordinal)
    {
        ["green-api/get-state-instance-authorized-success"] = (WhatsAppInstanceState.Ready, "authorized", ""),
        ["green-api/get-state-instance-not-authorized-success"] = (WhatsAppInstanceState.NeedsLogin, "notAuthorized", ""),
        ["green-api/get-state-instance-blocked-success"] = (WhatsAppInstanceState.Blocked, "blocked", ""),
        ["green-api/get-state-instance-starting-success"] = (WhatsAppInstanceState.Starting, "starting", ""),
        ["green-api/get-state-instance-yellow-card-success"] = (WhatsAppInstanceState.Restricted, "yellowCard", ""),
        ["green-api/get-state-instance-suspended-success"] = (WhatsAppInstanceState.Restricted, "suspended", ""),
        ["green-api/get-state-instance-sleep-mode-success"] = (WhatsAppInstanceState.Disconnected, "sleepMode", ""),
        ["green-api/get-state-instance-pending-password-success"] = (WhatsAppInstanceState.Unknown, "pendingPassword", ""),
        ["green-api/get-state-instance-creating-null-success"] = (WhatsAppInstanceState.Starting, null, ""),
        ["maytapi/list-phones-active-success"] = (WhatsAppInstanceState.Ready, "active", "12"),
        ["maytapi/list-phones-glific-success"] = (WhatsAppInstanceState.Ready, "active", "45976"),
        ["maytapi/list-phones-qr-code-success"] = (WhatsAppInstanceState.NeedsLogin, "qr-code", "12"),
        ["maytapi/list-phones-qr-screen-success"] = (WhatsAppInstanceState.NeedsLogin, "qr-screen", "12"),
        ["maytapi/list-phones-idle-success"] = (WhatsAppInstanceState.NeedsLogin, "idle", "12"),
        ["maytapi/list-phones-loading-success"] = (WhatsAppInstanceState.Starting, "loading", "12"),
        ["maytapi/list-phones-phone-error-success"] = (WhatsAppInstanceState.Disconnected, "phone-error", "12"),
        ["maytapi/list-phones-disabled-success"] = (WhatsAppInstanceState.Disabled, "disabled", "12"),
        ["maytapi/list-phones-no-status-success"] = (WhatsAppInstanceState.Unknown, null, "12"),
    };

    private static string RecordingsDirectory => Path.Combine(AppContext.BaseDirectory, "Recordings");

    /// <summary>Every recording of a state operation, as <c>provider/name</c>.</summary>
    public static IEnumerable<string> Recordings() =>
        Directory.EnumerateFiles(RecordingsDirectory, "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RecordingsDirectory, f).Replace('\\', '/')[..^".json".Length])
            .Where(r => (string?)Load(r)["operation"] is "GetStateInstance" or "ListPhones")
            .Order(StringComparer.Ordinal);

    [Test]
    public void Recordings_EverySuccess_HasAnExpectedState()
    {
        var successes = Recordings().Where(r => (string?)Load(r)["outcome"] == "success").ToList();

        Assert.Multiple(() =>
        {
            Assert.That(successes, Has.Count.EqualTo(Expected.Count), "the recordings were copied to the output folder");
            Assert.That(successes, Is.EquivalentTo(Expected.Keys), "a new state recording needs its expected state here");
        });
    }

    [TestCaseSource(nameof(Recordings))]
    public async Task GetInstanceState_RecordedAnswer_BecomesItsStateOrItsTypedError(string recording)
    {
        var root = Load(recording);
        var provider = recording[..recording.IndexOf('/', StringComparison.Ordinal)];
        var outcome = (string)root["outcome"]!;
        var phoneId = Expected.TryGetValue(recording, out var expected) ? expected.PhoneId : "12";
        await using var server = RawHttpServer.Answering(Response((JObject)root["response"]!));
        using var sender = Sender(provider, server.Url, phoneId);
        var before = DateTimeOffset.UtcNow;

        if (outcome == "success")
        {
            var status = await sender.Ask();
            Assert.Multiple(() =>
            {
                Assert.That(status.State, Is.EqualTo(expected.State), status.ToString());
                Assert.That(status.ProviderState, Is.EqualTo(expected.Word));
                Assert.That(status.Source, Is.EqualTo(WhatsAppInstanceStateSource.Query));
                Assert.That(status.LearnedAt, Is.GreaterThanOrEqualTo(before));
                Assert.That(sender.Known, Is.EqualTo(status), "the answer is what the sender knows now");
                Assert.That(status.CanSend, Is.EqualTo(expected.State == WhatsAppInstanceState.Ready));
            });
            return;
        }

        var error = Assert.CatchAsync<WhatsAppException>(sender.Ask)!;
        Assert.Multiple(() =>
        {
            Assert.That(WhatsAppTelemetry.Outcome(error), Is.EqualTo(outcome), $"{error.GetType().Name}: {error.Message}");
            Assert.That(error.HttpStatus, Is.EqualTo((System.Net.HttpStatusCode)(int)root["response"]!["status"]!));
            Assert.That(sender.Known.LearnedAt, Is.Null, "a failure is never a state");
            Assert.That(SecretEncodings.Find(TestServices.GreenToken, [error.Message, error.ResponseBody ?? string.Empty, error.ToString()]), Is.Empty);
            Assert.That(server.Requests, Has.Count.EqualTo(1), "an ask is one request");
        });
    }

    [TestCase("green-api", """{"stateInstance":"somethingNew"}""", "somethingNew")]
    [TestCase("maytapi", """[{"id":12,"number":"905301234567","status":"banned"}]""", "banned")]
    [TestCase("maytapi", """[{"id":7,"status":"qr-code"},{"id":12,"status":"somethingNew"}]""", "somethingNew")]
    public async Task GetInstanceState_UnknownWord_IsUnknownWithTheWordKept(string provider, string body, string? word)
    {
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(200, "application/json", body));
        using var sender = Sender(provider, server.Url, "12");

        var status = await sender.Ask();

        Assert.Multiple(() =>
        {
            Assert.That(status.State, Is.EqualTo(WhatsAppInstanceState.Unknown));
            Assert.That(status.ProviderState, Is.EqualTo(word));
            Assert.That(status.CanSend, Is.False);
        });
    }

    [TestCase("""[{"id":7,"status":"active"}]""")]
    [TestCase("""[]""")]
    public async Task GetInstanceState_MaytapiListWithoutThePhone_IsAnErrorNotAState(string body)
    {
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(200, "application/json", body));
        using var sender = Sender("maytapi", server.Url, "12");

        var error = Assert.CatchAsync<WhatsAppException>(sender.Ask)!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain("does not list phone 12"));
            Assert.That(sender.Known.State, Is.EqualTo(WhatsAppInstanceState.Unknown));
            Assert.That(sender.Known.LearnedAt, Is.Null);
        });
    }

    [TestCase("""{"stateInstance":5}""")]
    [TestCase("""{"stateInstance":"authorized"} trailing""")]
    [TestCase("""<html>maintenance</html>""")]
    [TestCase("""{"stateInstance":"authorized","stateInstance":"blocked"}""")]
    public async Task GetInstanceState_GreenApiAnswerNotTheSpecs_IsAnErrorNotAState(string body)
    {
        await using var server = RawHttpServer.Answering(RawHttpServer.Response(200, "application/json", body));
        using var sender = Sender("green-api", server.Url, "12");

        var error = Assert.CatchAsync<WhatsAppException>(sender.Ask)!;

        Assert.Multiple(() =>
        {
            Assert.That(error.GetType(), Is.EqualTo(typeof(WhatsAppException)), error.Message);
            Assert.That(error.Message, Does.Contain("getStateInstance"));
            Assert.That(sender.Known.LearnedAt, Is.Null);
        });
    }

    [Test]
    public async Task Ask_TwoAsksInARow_AreAtLeastASecondApart()
    {
        var time = new SteppedTimeProvider(new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero));
        using var monitor = new InstanceStateMonitor(GreenApiOptions.Provider, "", "1", TimeSpan.FromMinutes(5), failFast: false, time, logger: null);
        var asks = 0;
        Task<(WhatsAppInstanceState, string?)> Ask(System.Threading.CancellationToken _)
        {
            asks++;
            return Task.FromResult((WhatsAppInstanceState.Ready, (string?)"authorized"));
        }

        await monitor.AskAsync(Ask, default);
        var second = monitor.AskAsync(Ask, default);
        var waited = await time.NextDelayAsync();
        await second;

        Assert.Multiple(() =>
        {
            Assert.That(asks, Is.EqualTo(2));
            Assert.That(waited, Is.EqualTo(InstanceStateMonitor.MinAskInterval), "the second ask waited out the second since the first");
            Assert.That(monitor.Current.LearnedAt, Is.EqualTo(new DateTimeOffset(2026, 1, 1, 10, 0, 1, TimeSpan.Zero)));
        });
    }

    private static JObject Load(string recording) =>
        JObject.Parse(File.ReadAllText(Path.Combine(RecordingsDirectory, recording + ".json")));

    private static byte[] Response(JObject response)
    {
        var headers = ((JObject?)response["headers"])?.Properties().Select(p => (p.Name, (string)p.Value!)).ToList() ?? [];
        var contentType = headers.FirstOrDefault(h => h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Item2;
        var body = response.Property("body") is { } json ? json.Value.ToString(Formatting.None) : (string?)response["text"] ?? string.Empty;
        return RawHttpServer.Response((int)response["status"]!, contentType, body, headers.Where(h => !h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).ToArray());
    }

    /// <summary>A standalone sender of <paramref name="provider"/> against <paramref name="root"/>, as its state operation sees it.</summary>
    private static StateSender Sender(string provider, Uri root, string phoneId)
    {
        if (provider == "green-api")
        {
            var green = new GreenApiSender(new GreenApiOptions { ApiUrl = root, IdInstance = TestServices.GreenInstance, ApiTokenInstance = TestServices.GreenToken, Timeout = TimeSpan.FromSeconds(10) });
            return new StateSender(green, () => green.GetInstanceStateAsync(), () => green.InstanceStatus);
        }

        var maytapi = new MaytapiSender(new MaytapiOptions
        {
            ApiUrl = new Uri(root, "api/"), ProductId = TestServices.ProductId, PhoneId = phoneId, ApiKey = TestServices.MaytapiKey, Timeout = TimeSpan.FromSeconds(10),
        });
        return new StateSender(maytapi, () => maytapi.GetInstanceStateAsync(), () => maytapi.InstanceStatus);
    }

    private sealed class StateSender(IDisposable sender, Func<Task<WhatsAppInstanceStatus>> ask, Func<WhatsAppInstanceStatus> known) : IDisposable
    {
        public WhatsAppInstanceStatus Known => known();

        public Task<WhatsAppInstanceStatus> Ask() => ask();

        public void Dispose() => sender.Dispose();
    }
}
