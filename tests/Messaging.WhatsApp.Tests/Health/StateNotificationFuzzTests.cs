using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Messaging.WhatsApp.Tests.Infrastructure;
using Messaging.WhatsApp.Tests.Receiving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Health;

/// <summary>
/// Issue 25: seeded state notifications (<see cref="StateNotificationFuzzer"/>) received as an app receives them: POSTed
/// to the real webhook endpoints of an app with a GREEN-API and a Maytapi sender, and served by receiveNotification to
/// the GREEN-API notification poller, with a clock the test sets to each arrival. After each one, what each sender knows
/// must be what the independent <see cref="StateNotificationOracle"/> and <see cref="KnownStateModel"/> say (another
/// instance's, a malformed one, a time that is no time or far ahead, an older one redelivered: nothing changes), and
/// fail-fast must refuse exactly when the known state is fresh and needs someone to act. No secret reaches the logs, the
/// status or the refusal. The seed is printed; set WHATSAPP_FUZZ_SEED to replay one.
/// </summary>
[NonParallelizable]
public sealed class StateNotificationFuzzTests
{
    /// <summary>Notifications per seed through the webhooks, about half of them Maytapi's.</summary>
    private const int WebhookCases = 1500;

    /// <summary>GREEN-API notifications per seed through the poller (each a receive and a delete).</summary>
    private const int PollingCases = 500;

    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(60);

    private static readonly string[] Providers = ["green-api", "maytapi"];

    /// <summary>The names a refusal must give the states that need action, written here so that a wrong name fails.</summary>
    private static readonly Dictionary<WhatsAppInstanceState, string> RefusedStateNames = new()
    {
        [WhatsAppInstanceState.NeedsLogin] = "needs_login",
        [WhatsAppInstanceState.Restricted] = "restricted",
        [WhatsAppInstanceState.Blocked] = "blocked",
        [WhatsAppInstanceState.Disabled] = "disabled",
    };

    [TestCase(20260325)]
    [TestCase(20260326)]
    [TestCase(20260327)]
    public async Task Webhook_SeededStateNotifications_KnownStateAgreesWithTheOracle(int defaultSeed)
    {
        var seed = Seed(defaultSeed);
        TestContext.Out.WriteLine($"webhooks: seed {seed} (replay with WHATSAPP_FUZZ_SEED={seed})");
        var fuzzer = new StateNotificationFuzzer(seed);
        var clock = new SettableClock(StateNotificationFuzzer.Start);
        await using var host = await StateNotificationHostileTests.StartAsync(clock);
        var green = (IInstanceStateSource)host.Services.GetRequiredService<IGreenApiSender>();
        var maytapi = (IInstanceStateSource)host.Services.GetRequiredService<IMaytapiSender>();
        var (greenModel, maytapiModel) = (new KnownStateModel(), new KnownStateModel());
        var disagreements = new List<string>();
        var tally = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var run = 0;

        for (var i = 0; i < WebhookCases; i++)
        {
            var c = fuzzer.Next();
            clock.Set(c.Arrival);
            var (stated, reason) = StateNotificationOracle.Judge(c);
            var taken = stated is not null && (c.Maytapi ? maytapiModel : greenModel).Take(stated);
            var status = await (c.Maytapi
                ? host.StatusOfPostAsync("whatsapp/maytapi?secret=" + StateNotificationHostileTests.MaytapiWebhookSecret, c.Body)
                : host.StatusOfPostAsync("whatsapp/green-api", c.Body, "Bearer " + StateNotificationHostileTests.GreenWebhookToken)).WaitAsync(HangBound);
            run++;

            var problem = status is not (HttpStatusCode.OK or HttpStatusCode.BadRequest) ? $"the webhook answered {(int)status}"
                : stated is not null && status != HttpStatusCode.OK ? $"the webhook refused ({(int)status}) a notification that states {stated.State}"
                : Disagreement("green-api", green, greenModel, clock.GetUtcNow()) ?? Disagreement("maytapi", maytapi, maytapiModel, clock.GetUtcNow());
            if (problem is not null)
            {
                disagreements.Add($"seed {seed} {c}: {problem} (oracle: {reason})");
            }

            Count(tally, $"{c.Provider}: {(stated is null ? "states nothing" : taken ? "taken" : "older, ignored")}");
            Count(tally, $"{c.Provider}: {(Refuses(c.Maytapi ? maytapiModel : greenModel, clock.GetUtcNow()) ? "refused" : KnowsNeedsAction(c.Maytapi ? maytapiModel : greenModel) ? "needs action, stale: sent" : "sent")}");
        }

        var leaks = Leaks(host.Logs.Entries.SelectMany(e => e.Everything));
        var errors = host.Logs.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => e.ToString()).ToList();
        Report(seed, run, tally, disagreements);
        Assert.Multiple(() =>
        {
            Assert.That(disagreements, Is.Empty, $"seed {seed}: {disagreements.Count} disagreements, the first: {disagreements.FirstOrDefault()}");
            Assert.That(leaks, Is.Empty, $"seed {seed}: a secret in the logs");
            Assert.That(errors, Is.Empty, $"seed {seed}: nothing is an unhandled error");
            Assert.That(run, Is.EqualTo(WebhookCases));
            foreach (var provider in Providers)
            {
                Assert.That(tally.GetValueOrDefault($"{provider}: taken"), Is.GreaterThanOrEqualTo(WebhookCases / 10), $"seed {seed}: enough {provider} notifications taken");
                Assert.That(tally.GetValueOrDefault($"{provider}: states nothing"), Is.GreaterThanOrEqualTo(WebhookCases / 10), $"seed {seed}: enough {provider} notifications that state nothing");
                Assert.That(tally.GetValueOrDefault($"{provider}: refused"), Is.GreaterThan(0), $"seed {seed}: {provider} sends refused on a fresh state");
                Assert.That(tally.GetValueOrDefault($"{provider}: needs action, stale: sent"), Is.GreaterThan(0), $"seed {seed}: {provider} sends not refused on a stale state");
            }

            Assert.That(tally.GetValueOrDefault("green-api: older, ignored"), Is.GreaterThan(0), $"seed {seed}: GREEN-API news older than what is known");
        });
    }

    [TestCase(20260325)]
    [TestCase(20260326)]
    public async Task Polling_SeededStateNotifications_KnownStateAgreesWithTheOracle(int defaultSeed)
    {
        var seed = Seed(defaultSeed);
        TestContext.Out.WriteLine($"polling: seed {seed} (replay with WHATSAPP_FUZZ_SEED={seed})");
        var fuzzer = new StateNotificationFuzzer(seed);
        var clock = new SettableClock(StateNotificationFuzzer.Start);
        await using var queue = new FakeGreenApiNotifications(TestServices.GreenToken);
        await using var polling = PollingHost.Create(
            queue,
            configure: o => o.FailFastWhenUnableToSend = true,
            sender: b =>
            {
                b.AddInstanceStateMonitoring(o => o.PollInterval = TimeSpan.Zero);
                b.Services.AddSingleton<TimeProvider>(clock);
            });
        var green = (IInstanceStateSource)polling.Services.GetRequiredService<IGreenApiSender>();
        var model = new KnownStateModel();
        var disagreements = new List<string>();
        var tally = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var run = 0;

        for (var i = 0; i < PollingCases; i++)
        {
            var c = fuzzer.Next(maytapiShare: 0);
            clock.Set(c.Arrival);
            var (stated, reason) = StateNotificationOracle.Judge(c);
            var taken = stated is not null && model.Take(stated);
            queue.Enqueue(i + 1, c.Body);
            await polling.Poller.PollOnceAsync(CancellationToken.None).WaitAsync(HangBound);
            run++;

            var problem = queue.Queued != 0 || !queue.Deleted.Contains(i + 1) ? "the poller left it in the queue"
                : Disagreement("green-api", green, model, clock.GetUtcNow());
            if (problem is not null)
            {
                disagreements.Add($"seed {seed} {c}: {problem} (oracle: {reason})");
            }

            Count(tally, $"{c.Provider}: {(stated is null ? "states nothing" : taken ? "taken" : "older, ignored")}");
        }

        var leaks = Leaks(polling.Logs.Entries.SelectMany(e => e.Everything));
        var errors = polling.Logs.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => e.ToString()).ToList();
        Report(seed, run, tally, disagreements);
        Assert.Multiple(() =>
        {
            Assert.That(disagreements, Is.Empty, $"seed {seed}: {disagreements.Count} disagreements, the first: {disagreements.FirstOrDefault()}");
            Assert.That(leaks, Is.Empty, $"seed {seed}: a secret in the logs");
            Assert.That(errors, Is.Empty, $"seed {seed}: nothing is an unhandled error");
            Assert.That(run, Is.EqualTo(PollingCases));
            Assert.That(tally.GetValueOrDefault("green-api: taken"), Is.GreaterThanOrEqualTo(PollingCases / 5), $"seed {seed}: enough notifications taken");
            Assert.That(tally.GetValueOrDefault("green-api: states nothing"), Is.GreaterThanOrEqualTo(PollingCases / 10), $"seed {seed}: enough notifications that state nothing");
            Assert.That(tally.GetValueOrDefault("green-api: older, ignored"), Is.GreaterThan(0), $"seed {seed}: news older than what is known");
        });
    }

    [Test]
    public void Fuzzer_SameSeed_SameNotifications()
    {
        var first = new StateNotificationFuzzer(7);
        var second = new StateNotificationFuzzer(7);

        Assert.That(Enumerable.Range(0, 300).Select(_ => first.Next().ToString()), Is.EqualTo(Enumerable.Range(0, 300).Select(_ => second.Next().ToString())));
    }

    /// <summary>What is wrong with what <paramref name="source"/> knows and refuses, against <paramref name="model"/>, or null.</summary>
    private static string? Disagreement(string provider, IInstanceStateSource source, KnownStateModel model, DateTimeOffset now)
    {
        var status = source.InstanceState.Current;
        if (model.Disagreement(status) is { } wrong)
        {
            return $"{provider} {wrong}";
        }

        var refusal = source.InstanceState.Refusal();
        var refuses = Refuses(model, now);
        return refuses != (refusal is not null) ? $"{provider} {(refusal is null ? "sends" : "refuses")} on {status.State} learned {status.LearnedAt:O} at {now:O}, must {(refuses ? "refuse" : "send")}"
            : Leaks([status.ToString(), refusal?.Message ?? string.Empty]).FirstOrDefault() is { } leak ? $"{provider}: a secret in the status or refusal: {leak}"
            : refusal is not null && !(RefusedStateNames.TryGetValue(status.State, out var name) && refusal.Message.Contains(name, StringComparison.Ordinal)) ? $"{provider}: the refusal does not name the state: {refusal.Message}"
            : null;
    }

    /// <summary>Fail-fast (on in both apps) refuses when what must be known needs action and is within the default trust window.</summary>
    private static bool Refuses(KnownStateModel model, DateTimeOffset now) =>
        KnowsNeedsAction(model) && now - model.Known!.At <= TimeSpan.FromMinutes(5);

    private static bool KnowsNeedsAction(KnownStateModel model) =>
        model.Known is { State: WhatsAppInstanceState.NeedsLogin or WhatsAppInstanceState.Restricted or WhatsAppInstanceState.Blocked or WhatsAppInstanceState.Disabled };

    private static List<string> Leaks(IEnumerable<string> texts)
    {
        var all = texts.ToList();
        return SecretEncodings.Find(TestServices.GreenToken, all).Concat(SecretEncodings.Find(TestServices.MaytapiKey, all)).ToList();
    }

    private static void Report(int seed, int run, SortedDictionary<string, int> tally, List<string> disagreements)
    {
        foreach (var disagreement in disagreements.Take(50))
        {
            TestContext.Out.WriteLine(disagreement);
        }

        TestContext.Out.WriteLine($"seed {seed}: {run} cases; {string.Join("; ", tally.Select(t => $"{t.Key} {t.Value}"))}; {disagreements.Count} disagreements");
    }

    private static int Seed(int defaultSeed) =>
        int.TryParse(Environment.GetEnvironmentVariable("WHATSAPP_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var replay) ? replay : defaultSeed;

    private static void Count(SortedDictionary<string, int> tally, string key) => tally[key] = tally.GetValueOrDefault(key) + 1;
}
