using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Receiving;

/// <summary>
/// Seeded mutations of every recorded notification (<see cref="NotificationFuzzer"/>), POSTed one after the
/// other to a real Kestrel host with recording (no-op) handlers. Every answer must be 200 or 400 (never 500,
/// never an unhandled exception or an error logged), and must agree with the independent
/// <see cref="NotificationOracle"/>: accepted exactly when it accepts, and then the same model and exactly the
/// same updates. The seed is printed; set WHATSAPP_FUZZ_SEED to replay a run.
/// </summary>
[NonParallelizable]
public sealed class NotificationFuzzTests
{
    private const int Cases = 3000;
    private const string Token = "fuzz-green-token-0001";
    private const string Secret = "fuzz-maytapi-secret-0001";

    private static int Seed =>
        int.TryParse(Environment.GetEnvironmentVariable("WHATSAPP_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : 20261125;

    [TestCase("green-api")]
    [TestCase("maytapi")]
    public async Task Post_SeededMutationsOfTheRecordings_Only200Or400AndAgreeingWithTheOracle(string provider)
    {
        var seed = Seed;
        TestContext.Out.WriteLine($"{provider}: seed {seed} (replay with WHATSAPP_FUZZ_SEED={seed})");
        var other = provider == "green-api" ? "maytapi" : "green-api";
        var fuzzer = new NotificationFuzzer(
            seed + (provider == "green-api" ? 0 : 1),
            NotificationRecording.Of(provider).Select(r => r.Body).ToList(),
            NotificationRecording.Of(other).Select(r => r.Body).ToList());
        await using var host = await WebhookHost.StartAsync(services =>
        {
            services.AddGreenApiWebhook(o => o.WebhookToken = Token);
            services.AddMaytapiWebhook(o => o.WebhookSecret = Secret);
        });
        var disagreements = new List<string>();
        var statuses = new Dictionary<HttpStatusCode, int>();
        var (accepted, unknown, updatesCompared, withUpdates) = (0, 0, 0, 0);

        for (var i = 0; i < Cases; i++)
        {
            var (body, mutations) = fuzzer.Case(i);
            host.Received.Clear();
            var status = provider == "green-api"
                ? await host.StatusOfPostAsync("/whatsapp/green-api", body, "Bearer " + Token)
                : await host.StatusOfPostAsync("/whatsapp/maytapi?secret=" + Secret, body);
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var verdict = NotificationOracle.Judge(provider, body);
            var dispatched = host.Received.Dispatched;
            var updates = host.Received.Updates.Select(ExpectedUpdate.Of).ToList();

            var problem = (status, verdict.Accepted) switch
            {
                (HttpStatusCode.OK, true) when dispatched.Count != 1 => $"dispatched {dispatched.Count} times",
                (HttpStatusCode.OK, true) when dispatched[0].Notification.GetType().Name != verdict.Model => $"model {dispatched[0].Notification.GetType().Name}, oracle {verdict.Model}",
                (HttpStatusCode.OK, true) when !updates.SequenceEqual(verdict.Updates) => $"updates [{string.Join(", ", updates)}], oracle [{string.Join(", ", verdict.Updates)}]",
                (HttpStatusCode.OK, true) => null,
                (HttpStatusCode.BadRequest, false) when dispatched.Count > 0 || updates.Count > 0 => "dispatched although refused",
                (HttpStatusCode.BadRequest, false) => null,
                (HttpStatusCode.OK or HttpStatusCode.BadRequest, _) => $"answered {(int)status}, oracle {(verdict.Accepted ? "accepts" : "refuses")} ({verdict.Reason})",
                _ => $"answered {(int)status}",
            };
            if (problem is not null)
            {
                disagreements.Add($"case {i} [{mutations}]: {problem}; body {Show(body)}");
            }

            if (status == HttpStatusCode.OK && verdict.Accepted)
            {
                accepted++;
                unknown += verdict.Reason == "unknown type" ? 1 : 0;
                updatesCompared += verdict.Updates.Count;
                withUpdates += verdict.Updates.Count > 0 ? 1 : 0;
            }
        }

        var errors = host.Logs.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => e.ToString()).ToList();
        TestContext.Out.WriteLine(
            $"{provider}: {Cases} cases; answers {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(int)s.Key}: {s.Value}"))}; " +
            $"accepted {accepted} ({unknown} unknown types, {withUpdates} with updates, {updatesCompared} updates compared field by field); " +
            $"{disagreements.Count} disagreements; {errors.Count} errors logged");
        Assert.Multiple(() =>
        {
            Assert.That(disagreements, Is.Empty, $"seed {seed}");
            Assert.That(errors, Is.Empty, $"seed {seed}: nothing is an unhandled error");
            Assert.That(withUpdates, Is.GreaterThan(Cases / 10), "enough accepted bodies with updates for the comparison to mean something");
            Assert.That(statuses.GetValueOrDefault(HttpStatusCode.BadRequest), Is.GreaterThan(Cases / 10), "enough refused bodies");
        });
    }

    /// <summary>
    /// The same seeded bodies, POSTed to the webhook endpoint and served by receiveNotification to the poller (each
    /// in GREEN-API's envelope, byte for byte): the two channels must make the same decision (dispatched with the same
    /// model and updates, or not dispatched at all), the poller must delete every one of them so that none holds the
    /// queue back, and the webhook never answers anything but 200 or 400.
    /// </summary>
    [Test]
    public async Task PostAndPoll_SeededMutationsOfTheRecordings_SameDecisionOnBothChannelsAndNothingLeftInTheQueue()
    {
        var seed = Seed;
        TestContext.Out.WriteLine($"green-api, both channels: seed {seed} (replay with WHATSAPP_FUZZ_SEED={seed})");
        var fuzzer = new NotificationFuzzer(
            seed,
            NotificationRecording.Of("green-api").Select(r => r.Body).ToList(),
            NotificationRecording.Of("maytapi").Select(r => r.Body).ToList());
        await using var webhook = await WebhookHost.StartAsync(services => services.AddGreenApiWebhook(o => o.WebhookToken = Token));
        await using var queue = new FakeGreenApiNotifications(TestServices.GreenToken);
        await using var polling = PollingHost.Create(queue);
        var disagreements = new List<string>();
        var (dispatched, refused, withUpdates, ignoredWarnings) = (0, 0, 0, 0);

        for (var i = 0; i < Cases; i++)
        {
            var (body, mutations) = fuzzer.Case(i);
            webhook.Received.Clear();
            polling.Received.Clear();
            var warningsBefore = (Webhook: IgnoredWarnings(webhook.Logs), Polling: IgnoredWarnings(polling.Logs));
            var status = await webhook.StatusOfPostAsync("/whatsapp/green-api", body, "Bearer " + Token);
            queue.Enqueue(i + 1, body);
            await polling.Poller.PollOnceAsync(CancellationToken.None);

            var byWebhook = Decision(webhook.Received);
            var byPolling = Decision(polling.Received);
            var warnings = (Webhook: IgnoredWarnings(webhook.Logs) - warningsBefore.Webhook, Polling: IgnoredWarnings(polling.Logs) - warningsBefore.Polling);
            var problem = status is not (HttpStatusCode.OK or HttpStatusCode.BadRequest) ? $"webhook answered {(int)status}"
                : (status == HttpStatusCode.OK) != (byWebhook.Count > 0) ? $"webhook answered {(int)status} and dispatched {byWebhook.Count} notifications"
                : byWebhook.Count > 1 ? $"webhook dispatched {byWebhook.Count} times"
                : !byWebhook.SequenceEqual(byPolling) ? $"webhook [{string.Join(", ", byWebhook)}], polling [{string.Join(", ", byPolling)}]"
                : queue.Queued != 0 || !queue.Deleted.Contains(i + 1) ? "the poller left it in the queue"
                : warnings.Webhook != warnings.Polling ? $"ignored-report warnings: webhook {warnings.Webhook}, polling {warnings.Polling}"
                : null;
            if (problem is not null)
            {
                disagreements.Add($"case {i} [{mutations}]: {problem}; body {Show(body)}");
            }

            dispatched += byWebhook.Count;
            refused += status == HttpStatusCode.BadRequest ? 1 : 0;
            withUpdates += webhook.Received.Updates.Count > 0 ? 1 : 0;
            ignoredWarnings += warnings.Webhook;
        }

        var errors = webhook.Logs.Entries.Concat(polling.Logs.Entries).Where(e => e.Level >= LogLevel.Error).Select(e => e.ToString()).ToList();
        TestContext.Out.WriteLine(
            $"green-api, both channels: {Cases} cases; dispatched {dispatched}, refused {refused}, with updates {withUpdates}, " +
            $"ignored status reports warned {ignoredWarnings}; {disagreements.Count} disagreements; {errors.Count} errors logged");
        Assert.Multiple(() =>
        {
            Assert.That(disagreements, Is.Empty, $"seed {seed}");
            Assert.That(errors, Is.Empty, $"seed {seed}: nothing is an unhandled error");
            Assert.That(withUpdates, Is.GreaterThan(Cases / 10), "enough bodies with updates for the comparison to mean something");
            Assert.That(refused, Is.GreaterThan(Cases / 10), "enough refused bodies");
            Assert.That(ignoredWarnings, Is.GreaterThan(0), "some status reports without a usable id");
        });
    }

    /// <summary>What the handlers saw of one notification, as text to compare: each dispatch's model and its updates.</summary>
    private static List<string> Decision(ReceivedNotifications received) =>
        received.Dispatched
            .Select(d => d.Notification.GetType().Name + ": " + string.Join(", ", d.Context.Updates.Select(ExpectedUpdate.Of)))
            .ToList();

    private static int IgnoredWarnings(LogCapture logs) =>
        logs.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.StartsWith("Ignored status reports", StringComparison.Ordinal));

    [Test]
    public void Fuzzer_SameSeed_SameBodies()
    {
        var bodies = NotificationRecording.Of("maytapi").Select(r => r.Body).ToList();
        var first = new NotificationFuzzer(7, bodies, bodies);
        var second = new NotificationFuzzer(7, bodies, bodies);

        Assert.That(Enumerable.Range(0, 50).Select(i => first.Case(i).Body), Is.EqualTo(Enumerable.Range(0, 50).Select(i => second.Case(i).Body)));
    }

    private static string Show(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        return text.Length > 400 ? text[..400] + "…" : text;
    }
}
