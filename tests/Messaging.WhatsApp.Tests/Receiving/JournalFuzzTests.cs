using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Receiving;

/// <summary>
/// Issue 21: seeded journal answers (<see cref="JournalFuzzer"/>) to <see cref="IGreenApiSender.FindSentMessageAsync"/>
/// and <see cref="IGreenApiSender.GetMessageStatusAsync"/>, called as an app calls them (DI registration, the real
/// HTTP stack, a raw socket server, a clock the test sets). Every answer must agree with the independent
/// <see cref="JournalOracle"/>: found only for a real match, with its id, status and time; conclusive only when
/// it is; otherwise only <see cref="WhatsAppException"/>s, with the status they must carry and no token in their
/// texts or the logs. The seed is printed; set WHATSAPP_FUZZ_SEED to replay one.
/// </summary>
[NonParallelizable]
public sealed class JournalFuzzTests
{
    private const int Cases = 1200;

    /// <summary>The outcomes each run must reach often enough (a fortieth of the cases) to mean something.</summary>
    private static readonly string[] Outcomes =
        ["Find: found", "Find: not found, conclusive", "Find: not found, not conclusive", "Find: error", "GetMessage: found", "GetMessage: error"];

    [TestCase(20261210)]
    [TestCase(20261211)]
    public async Task Lookups_SeededJournalAnswers_AgreeWithTheOracle(int defaultSeed)
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("WHATSAPP_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var replay) ? replay : defaultSeed;
        TestContext.Out.WriteLine($"seed {seed} (replay with WHATSAPP_FUZZ_SEED={seed})");
        var fuzzer = new JournalFuzzer(seed);
        JournalCase? current = null;
        await using var server = new RawHttpServer(async (_, responder) =>
        {
            var answer = Volatile.Read(ref current)!;
            await responder.WriteAsync(answer.Response());
            if (answer.Delivery == Delivery.Reset)
            {
                responder.Reset();
            }
            else
            {
                responder.Close();
            }
        });
        var clock = new ManualClock(JournalFuzzer.SentAfter);
        using var services = TestServices.With(s =>
        {
            s.AddGreenApi(o =>
            {
                TestServices.ConfigureGreenApi(o);
                o.ApiUrl = server.Url;
            });
            s.AddSingleton<TimeProvider>(clock);
        });
        var sender = services.GreenApiSender;
        var disagreements = new List<string>();
        var tally = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var run = 0;

        for (var i = 0; i < Cases; i++)
        {
            var c = fuzzer.Case(i);
            var expected = JournalOracle.Judge(c);
            Volatile.Write(ref current, c);
            clock.UtcNow = c.Now;
            SentMessageLookup? result = null;
            Exception? error = null;
            try
            {
                result = c.Method == JournalMethod.Find
                    ? await sender.FindSentMessageAsync(c.Chat, c.Asked, c.SentAfter)
                    : await sender.GetMessageStatusAsync(c.Chat, c.Asked);
            }
            catch (Exception e)
            {
                error = e;
            }

            run++;
            if (Disagreement(expected, result, error, services) is { } problem)
            {
                disagreements.Add($"seed {seed} {c}: {problem} (oracle: {expected.Outcome}, {expected.Reason})");
            }

            var outcome = expected.Outcome switch
            {
                JournalOutcome.NotFound => expected.Conclusive ? "not found, conclusive" : "not found, not conclusive",
                var other => other.ToString().ToLowerInvariant(),
            };
            Count(tally, $"{c.Method}: {outcome}");
            Count(tally, c.Oversized ? "answers over 4 MiB" : c.Body.Length > 500_000 ? "answers over 500 KB" : "smaller answers");
            Count(tally, c.Status != 200 ? "other statuses" : c.Delivery != Delivery.Whole ? "cut or reset" : "200");
        }

        var leaks = SecretEncodings.Find(TestServices.GreenToken, services.Logs.Lines);
        TestContext.Out.WriteLine($"seed {seed}: {run} cases; {string.Join("; ", tally.Select(t => $"{t.Key} {t.Value}"))}; {disagreements.Count} disagreements");
        Assert.Multiple(() =>
        {
            Assert.That(disagreements, Is.Empty, $"seed {seed}");
            Assert.That(leaks, Is.Empty, $"seed {seed}: the token in the logs");
            Assert.That(run, Is.EqualTo(Cases));
            foreach (var kind in Outcomes)
            {
                Assert.That(tally.GetValueOrDefault(kind), Is.GreaterThanOrEqualTo(Cases / 40), $"seed {seed}: enough cases of '{kind}' for the run to mean something");
            }

            Assert.That(tally.GetValueOrDefault("answers over 4 MiB"), Is.GreaterThan(0), $"seed {seed}: an oversized answer");
            Assert.That(tally.GetValueOrDefault("answers over 500 KB"), Is.GreaterThan(0), $"seed {seed}: a huge journal that fits");
        });
    }

    [Test]
    public void Fuzzer_SameSeed_SameCases()
    {
        var first = new JournalFuzzer(7);
        var second = new JournalFuzzer(7);

        Assert.That(Enumerable.Range(0, 200).Select(i => first.Case(i).ToString()), Is.EqualTo(Enumerable.Range(0, 200).Select(i => second.Case(i).ToString())));
    }

    /// <summary>What is wrong with the lookup's answer against the oracle's, or null.</summary>
    private static string? Disagreement(JournalExpectation expected, SentMessageLookup? result, Exception? error, TestServices services)
    {
        if (expected.Outcome != JournalOutcome.Error)
        {
            if (error is not null)
            {
                return $"threw {error.GetType().Name}: {error.Message}";
            }

            var want = expected.Outcome == JournalOutcome.Found
                ? $"found {expected.MessageId} {expected.Status} '{expected.ProviderStatus}' {expected.Time:O} conclusive"
                : $"not found{(expected.Conclusive ? " conclusive" : string.Empty)}";
            var got = result!.Found
                ? $"found {result.MessageId} {result.Status} '{result.ProviderStatus}' {result.Time:O}{(result.Conclusive ? " conclusive" : string.Empty)}"
                : $"not found{(result.Conclusive ? " conclusive" : string.Empty)}{(result.MessageId is null ? string.Empty : " with id " + result.MessageId)}";
            return want == got ? null : $"answered '{got}', must be '{want}'";
        }

        if (error is not WhatsAppException typed)
        {
            return error is null ? $"answered {result}, must throw" : $"threw {error.GetType().FullName}, not a WhatsAppException: {error}";
        }

        var texts = new[] { typed.Message, typed.ToString(), typed.ResponseBody ?? string.Empty, typed.ProviderMessage ?? string.Empty }
            .Concat(typed.Data.Cast<DictionaryEntry>().Select(d => $"{d.Key}={d.Value}"));
        return expected.PlainError && typed.GetType() != typeof(WhatsAppException) ? $"threw {typed.GetType().Name}, must be WhatsAppException: {typed.Message}"
            : expected.HttpStatusKnown && typed.HttpStatus != expected.HttpStatus ? $"HTTP status {typed.HttpStatus?.ToString() ?? "none"}, must be {expected.HttpStatus?.ToString() ?? "none"}: {typed.Message}"
            : expected.SafeToRetry is { } safe && typed.IsSafeToRetry != safe ? $"IsSafeToRetry {typed.IsSafeToRetry}, must be {safe}"
            : SecretEncodings.Find(TestServices.GreenToken, texts) is { Count: > 0 } leaks ? "the token in the error: " + string.Join(" | ", leaks)
            : null;
    }

    private static void Count(SortedDictionary<string, int> tally, string key) => tally[key] = tally.GetValueOrDefault(key) + 1;
}
