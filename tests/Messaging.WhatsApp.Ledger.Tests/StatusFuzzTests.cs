using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Messaging.WhatsApp.Ledger.Tests;

/// <summary>
/// Seeded model-based fuzzing of status application, for each gateway. Each case sends one to four messages through
/// that gateway's sender (some answered only after reports for them arrived; with GREEN-API some with an unknown outcome
/// that the reconciler settles from the journal), and delivers a random stream of reports: every status of the gateway
/// (Unknown and Failed included), duplicates under one deduplication key (some with another status or time than the
/// first copy), reports before the request and before its id returned, reports for ids the ledger never knows (in the
/// messages' chat or another), the other gateway's reports naming a message's id, and reports
/// delivered concurrently. An oracle written here says what the ledger must hold: each deduplication key stored once
/// (the first copy), the current status the furthest one stated (<see cref="WhatsAppMessageStatusExtensions.IsAfter"/>:
/// the first stored of the highest rank; Queued from the acceptance when no report is further), the timeline every
/// stored report of that message once, in time order.
/// </summary>
public sealed class StatusFuzzTests
{
    private const int CasesPerSeed = 20;

    private static readonly int[] Seeds = [11, 23, 37, 41, 59];

    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static readonly (WhatsAppMessageStatus Status, string Word)[] GreenApiWords =
    [
        (WhatsAppMessageStatus.Unknown, "brandNewWord"),
        (WhatsAppMessageStatus.Queued, "pending"),
        (WhatsAppMessageStatus.Sent, "sent"),
        (WhatsAppMessageStatus.Delivered, "delivered"),
        (WhatsAppMessageStatus.Read, "read"),
        (WhatsAppMessageStatus.Played, "played"),
        (WhatsAppMessageStatus.Failed, "noAccount"),
        (WhatsAppMessageStatus.Failed, "failed"),
        (WhatsAppMessageStatus.Deleted, "deleted"),
    ];

    private static readonly (WhatsAppMessageStatus Status, string Word)[] MaytapiWords =
    [
        (WhatsAppMessageStatus.Sent, "delivered"),
        (WhatsAppMessageStatus.Delivered, "reached"),
        (WhatsAppMessageStatus.Read, "seen"),
        (WhatsAppMessageStatus.Failed, "F04"),
        (WhatsAppMessageStatus.Unknown, "mystery"),
    ];

    /// <summary>The sends go through <paramref name="provider"/>'s sender; the other gateway's reports name their ids too.</summary>
    [TestCase("green-api")]
    [TestCase("maytapi")]
    public async Task Statuses_RandomReportStreams_MatchTheOracle(string provider)
    {
        var maytapi = provider == "maytapi";
        var failures = new List<string>();
        var cases = 0;
        var reports = 0;
        await using var host = await FuzzHost.StartAsync(maytapi: maytapi);
        foreach (var seed in Seeds)
        {
            var random = new Random(seed);
            for (var n = 0; n < CasesPerSeed; n++)
            {
                var scenario = Scenario.Generate(random, seed, n, host.Gateway.Count, maytapi);
                try
                {
                    reports += await scenario.RunAsync(host);
                    failures.AddRange((await scenario.CheckAsync(host)).Select(f => $"{provider}, seed {seed}, case {n}: {f}\n{scenario.Script}"));
                }
                catch (Exception e)
                {
                    failures.Add($"{provider}, seed {seed}, case {n}: threw {e}\n{scenario.Script}");
                }

                cases++;
                await host.ClearAsync();
            }
        }

        TestContext.Out.WriteLine($"status fuzz, {provider}: {cases} cases, {reports} report deliveries, seeds {string.Join(", ", Seeds)}, {failures.Count} failures");
        Assert.Multiple(() =>
        {
            Assert.That(cases, Is.EqualTo(Seeds.Length * CasesPerSeed));
            Assert.That(reports, Is.GreaterThan(cases * 3), "the cases deliver reports");
            Assert.That(failures, Is.Empty, string.Join("\n\n", failures.Take(5)));
        });
    }

    private sealed record Message(int Index, string Key, string Text, int Request, bool Unknown, bool Held)
    {
        public string Id => "ID-" + Request.ToString(CultureInfo.InvariantCulture);
    }

    private sealed record Report(bool Maytapi, string MessageId, WhatsAppMessageStatus Status, string Word, DateTimeOffset? Time, string Chat = "79001234567@c.us")
    {
        public string DeduplicationKey => Update().DeduplicationKey;

        public WhatsAppUpdate Update() => Maytapi
            ? FuzzHost.Maytapi(MessageId, Status, Word, Time, Chat)
            : FuzzHost.GreenApi(MessageId, Status, Word, Time, Chat);

        public override string ToString() =>
            $"{(Maytapi ? "maytapi" : "green-api")} {MessageId} in {Chat} {Status}/{Word} at {Time?.ToString("O", CultureInfo.InvariantCulture) ?? "-"}";
    }

    /// <summary>A step of a case: start a send, let its held answer go, or deliver reports (several at once when more than one).</summary>
    private sealed record Step(string Kind, Message? Message, IReadOnlyList<Report> Reports);

    private sealed class Scenario
    {
        private readonly List<Message> _messages = [];
        private readonly List<Step> _steps = [];
        private readonly Dictionary<string, (Report Report, int Step)> _stored = new(StringComparer.Ordinal);
        private bool _maytapi;

        public string Script { get; private set; } = string.Empty;

        private string Own => _maytapi ? "maytapi" : "green-api";

        private string Other => _maytapi ? "green-api" : "maytapi";

        public static Scenario Generate(Random random, int seed, int n, int requestsBefore, bool maytapi)
        {
            var scenario = new Scenario { _maytapi = maytapi };
            var count = random.Next(1, 5);
            for (var i = 0; i < count; i++)
            {
                // An unknown outcome only where a journal settles it (GREEN-API); Maytapi's evidence has tests of its own.
                var unknown = !maytapi && random.Next(5) == 0;
                scenario._messages.Add(new Message(i, $"st-{seed}-{n}-{i}", $"Status fuzz {seed} {n} {i}", requestsBefore + i + 1, unknown, !unknown && random.Next(2) == 0));
            }

            // The reports: for the messages, for ids the ledger never knows, and the other gateway's naming a message's id.
            var pool = new List<Report>();
            foreach (var message in scenario._messages)
            {
                for (var r = random.Next(0, 8); r > 0; r--)
                {
                    pool.Add(RandomReport(random, maytapi, message.Id));
                }
            }

            for (var r = random.Next(0, 3); r > 0; r--)
            {
                // Of the message's chat or another one.
                pool.Add(RandomReport(random, maytapi, $"NEVER-{seed}-{n}-{r}") with { Chat = random.Next(2) == 0 ? "79001234567@c.us" : "79009999999@c.us" });
            }

            for (var r = random.Next(0, 3); r > 0; r--)
            {
                pool.Add(RandomReport(random, !maytapi, scenario._messages[random.Next(count)].Id));
            }

            // Duplicates: the same report again, or one under the same key with another status or time (a gateway that
            // resends differently); the first copy stored is the one that counts.
            for (var d = random.Next(0, 4); d > 0 && pool.Count > 0; d--)
            {
                var original = pool[random.Next(pool.Count)];
                pool.Add(random.Next(2) == 0 ? original : original with { Status = RandomReport(random, original.Maytapi, original.MessageId).Status, Time = RandomTime(random) });
            }

            // Groups: one report alone, or delivered concurrently with copies of itself, or with others of other keys.
            var groups = new List<List<Report>>();
            foreach (var report in pool.OrderBy(_ => random.Next()))
            {
                var join = groups.Count > 0 && random.Next(4) == 0 ? groups[^1] : null;
                if (join is not null && join.All(j => j == report || j.DeduplicationKey != report.DeduplicationKey))
                {
                    join.Add(report);
                }
                else
                {
                    groups.Add(random.Next(6) == 0 ? Enumerable.Repeat(report, random.Next(2, 6)).ToList() : [report]);
                }
            }

            // The sends in order (their requests get the ids ID-n in that order), each release after its start, the
            // report groups anywhere: before a request, between it and its answer, after.
            var steps = scenario._messages.Select(m => new Step("start", m, [])).ToList();
            foreach (var message in scenario._messages.Where(m => m.Held))
            {
                var start = steps.FindIndex(s => s.Kind == "start" && s.Message == message);
                steps.Insert(random.Next(start + 1, steps.Count + 1), new Step("release", message, []));
            }

            foreach (var group in groups)
            {
                steps.Insert(random.Next(steps.Count + 1), new Step("deliver", null, group));
            }

            scenario._steps.AddRange(steps);
            var script = new StringBuilder();
            foreach (var step in steps)
            {
                script.Append("  ").Append(step.Kind);
                if (step.Message is { } m)
                {
                    script.Append(' ').Append(m.Key).Append(" -> ").Append(m.Id).Append(m.Unknown ? " (unknown outcome)" : m.Held ? " (held)" : string.Empty);
                }

                foreach (var report in step.Reports)
                {
                    script.Append(step.Reports.Count > 1 ? "\n    | " : " ").Append(report);
                }

                script.Append('\n');
            }

            scenario.Script = script.ToString();
            return scenario;
        }

        /// <summary>Runs the steps, then the reconciler (which settles the unknown sends from the journal); how many reports it delivered.</summary>
        public async Task<int> RunAsync(FuzzHost host)
        {
            var unknown = _messages.Where(m => m.Unknown).Select(m => m.Request).ToHashSet();
            host.Answer = n => unknown.Contains(n) ? ScriptedGateway.Json(502, "Bad Gateway") : ScriptedGateway.Success("ID-" + n.ToString(CultureInfo.InvariantCulture));
            var sends = new Dictionary<Message, Task>();
            var delivered = 0;
            for (var i = 0; i < _steps.Count; i++)
            {
                var step = _steps[i];
                host.Clock.Advance(TimeSpan.FromMilliseconds(1));
                switch (step.Kind)
                {
                    case "start" when step.Message!.Held:
                        host.Hold(step.Message.Request);
                        sends[step.Message] = host.Sender.SendTextAsync(ChatAddress.Parse("79001234567"), step.Message.Text, null, new SendOptions { IdempotencyKey = step.Message.Key });
                        await host.ArrivedAsync(step.Message.Request);
                        break;
                    case "start" when step.Message!.Unknown:
                        try
                        {
                            await host.Sender.SendTextAsync(ChatAddress.Parse("79001234567"), step.Message.Text, null, new SendOptions { IdempotencyKey = step.Message.Key });
                            throw new InvalidOperationException($"{step.Message.Key}: the gateway answered 502, yet the send succeeded");
                        }
                        catch (WhatsAppOutcomeUnknownException)
                        {
                            // As scripted: the reconciler settles it from the journal.
                        }

                        break;
                    case "start":
                        await host.Sender.SendTextAsync(ChatAddress.Parse("79001234567"), step.Message!.Text, null, new SendOptions { IdempotencyKey = step.Message.Key });
                        break;
                    case "release":
                        host.Release(step.Message!.Request);
                        await sends[step.Message].WaitAsync(TimeSpan.FromMinutes(1));
                        break;
                    default:
                        foreach (var report in step.Reports)
                        {
                            _stored.TryAdd(report.DeduplicationKey, (report, i));
                        }

                        if (step.Reports.Count == 1)
                        {
                            await host.ReceiveAsync(step.Reports[0].Update());
                        }
                        else
                        {
                            await Task.WhenAll(step.Reports.Select(r => Task.Run(() => host.ReceiveAsync(r.Update())))).WaitAsync(TimeSpan.FromMinutes(1));
                        }

                        delivered += step.Reports.Count;
                        break;
                }
            }

            await host.Reconciler.RunOnceAsync(CancellationToken.None);
            return delivered;
        }

        public async Task<List<string>> CheckAsync(FuzzHost host)
        {
            var failures = new List<string>();
            foreach (var message in _messages)
            {
                var record = await host.Ledger.FindByKeyAsync(message.Key);
                if (record is null || record.Outcome != LedgerOutcome.Accepted || record.MessageId != message.Id || record.Provider != Own)
                {
                    failures.Add($"{message.Key}: expected accepted by {Own} as {message.Id}, the ledger has {record?.ToString() ?? "no record"} ({record?.Provider})");
                    continue;
                }

                var stated = _stored.Values.Where(s => s.Report.Maytapi == _maytapi && s.Report.MessageId == message.Id).ToList();
                var furthest = stated.Count == 0 ? 0 : stated.Max(s => Rank(s.Report.Status));
                if (furthest <= 1)
                {
                    if (record.Status != WhatsAppMessageStatus.Queued)
                    {
                        failures.Add($"{message.Key}: no report is further than queued, yet the record says {record.Status}");
                    }
                }
                else
                {
                    var firstStep = stated.Where(s => Rank(s.Report.Status) == furthest).Min(s => s.Step);
                    var winners = stated.Where(s => Rank(s.Report.Status) == furthest && s.Step == firstStep).Select(s => s.Report).ToList();
                    if (!winners.Any(w => w.Status == record.Status))
                    {
                        failures.Add($"{message.Key}: expected {string.Join(" or ", winners.Select(w => w.Status).Distinct())}, the record says {record.Status}");
                    }
                    else if (winners.Count == 1 && winners[0].Time is { } time && record.StatusAt != time)
                    {
                        failures.Add($"{message.Key}: StatusAt {record.StatusAt:O}, expected the report's time {time:O}");
                    }
                }

                var timeline = await host.Ledger.GetTimelineAsync(record);
                var entries = timeline.Where(e => e.Kind == "status").ToList();
                var expected = stated.Select(s => $"{s.Report.Status}/{s.Report.Word}").OrderBy(s => s, StringComparer.Ordinal).ToList();
                var actual = entries.Select(e => $"{e.Status}/{e.ProviderStatus}").OrderBy(s => s, StringComparer.Ordinal).ToList();
                if (!expected.SequenceEqual(actual))
                {
                    failures.Add($"{message.Key}: timeline reports [{string.Join(", ", actual)}], expected each stored report once: [{string.Join(", ", expected)}]");
                }

                if (!timeline.Take(2).Select(e => e.Kind).SequenceEqual(["recorded", "accepted"]))
                {
                    failures.Add($"{message.Key}: the timeline does not begin with the send's own steps: {string.Join(", ", timeline.Select(e => e.Kind))}");
                }

                for (var i = 1; i < entries.Count; i++)
                {
                    if (entries[i].At < entries[i - 1].At)
                    {
                        failures.Add($"{message.Key}: the timeline's reports are not in time order: {entries[i - 1].At:O} before {entries[i].At:O}");
                    }
                }

                if (await host.Ledger.FindByMessageIdAsync(Other, message.Id) is { } other)
                {
                    failures.Add($"{message.Key}: a {Other} report made a record for a {Own} id: {other}");
                }
            }

            foreach (var never in _stored.Values.Select(s => s.Report).Where(r => r.MessageId.StartsWith("NEVER-", StringComparison.Ordinal)).Select(r => r.MessageId).Distinct())
            {
                if (await host.Ledger.FindByMessageIdAsync(Own, never) is { } record)
                {
                    failures.Add($"{never}: no send has this id, yet the ledger has {record}");
                }
            }

            var rows = Convert.ToInt32(await host.ScalarAsync("SELECT COUNT(*) FROM whatsapp_status_events"), CultureInfo.InvariantCulture);
            if (rows != _stored.Count)
            {
                failures.Add($"{rows} reports stored, expected {_stored.Count}: each deduplication key once");
            }

            var records = Convert.ToInt32(await host.ScalarAsync("SELECT COUNT(*) FROM whatsapp_messages"), CultureInfo.InvariantCulture);
            if (records != _messages.Count)
            {
                failures.Add($"{records} records, expected {_messages.Count}: reports make no records");
            }

            return failures;
        }

        private static Report RandomReport(Random random, bool maytapi, string messageId)
        {
            var words = maytapi ? MaytapiWords : GreenApiWords;
            var (status, word) = words[random.Next(words.Length)];
            return new Report(maytapi, messageId, status, word, RandomTime(random));
        }

        private static DateTimeOffset? RandomTime(Random random) => random.Next(12) switch
        {
            0 => null,
            1 => DateTimeOffset.MinValue,
            2 => new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero),
            _ => T0.AddSeconds(random.Next(0, 60)),
        };

        /// <summary>The forward-only order the guide documents: queued, sent, delivered, read, played; failed and deleted last; unknown never.</summary>
        private static int Rank(WhatsAppMessageStatus status) => status switch
        {
            WhatsAppMessageStatus.Queued => 1,
            WhatsAppMessageStatus.Sent => 2,
            WhatsAppMessageStatus.Delivered => 3,
            WhatsAppMessageStatus.Read => 4,
            WhatsAppMessageStatus.Played => 5,
            WhatsAppMessageStatus.Failed or WhatsAppMessageStatus.Deleted => 6,
            _ => 0,
        };
    }
}
