using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Messaging.WhatsApp.Tests.Infrastructure;
using Messaging.WhatsApp.Tests.Receiving;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Health;

/// <summary>
/// Issue 25: seeded answers of the state operations (<see cref="StateAnswerFuzzer"/>) to
/// <see cref="IGreenApiSender.GetInstanceStateAsync"/> and <see cref="IMaytapiSender.GetInstanceStateAsync"/>, called as an
/// app calls them (DI registration, the real HTTP stack, a raw socket server, a clock the test sets). Each answer must
/// agree with the independent <see cref="StateAnswerOracle"/>: a state only when the answer states it, with the gateway's
/// word (never a secret); otherwise only a <see cref="WhatsAppException"/> of the type the status calls for, which leaves
/// the known state as it was, within a bound only a hang exceeds, and with no secret in its texts, the status or the logs.
/// The seed is printed; set WHATSAPP_FUZZ_SEED to replay one.
/// </summary>
[NonParallelizable]
public sealed class StateAnswerFuzzTests
{
    /// <summary>Cases per seed, half of them GREEN-API's and half Maytapi's.</summary>
    private const int Cases = 1600;

    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(60);

    /// <summary>The outcomes each run must reach often enough (a fortieth of the cases) to mean something.</summary>
    private static readonly string[] Outcomes =
        ["green-api: Ready", "green-api: Unknown", "green-api: NeedsLogin", "green-api: error", "maytapi: Ready", "maytapi: Unknown", "maytapi: NeedsLogin", "maytapi: error"];

    [TestCase(20260325)]
    [TestCase(20260326)]
    public async Task GetInstanceState_SeededAnswers_AgreeWithTheOracle(int defaultSeed)
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("WHATSAPP_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var replay) ? replay : defaultSeed;
        TestContext.Out.WriteLine($"seed {seed} (replay with WHATSAPP_FUZZ_SEED={seed})");
        var fuzzer = new StateAnswerFuzzer(seed);
        StateAnswerCase? current = null;
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
        var clock = new SettableClock(new DateTimeOffset(2026, 3, 25, 9, 0, 0, TimeSpan.Zero));
        using var services = TestServices.With(s =>
        {
            s.AddGreenApi(o =>
            {
                TestServices.ConfigureGreenApi(o);
                o.ApiUrl = server.Url;
                o.Retry.Enabled = false;
            });
            s.AddMaytapi(o =>
            {
                TestServices.ConfigureMaytapi(o);
                o.ApiUrl = new Uri(server.Url, "api/");
                o.Retry.Enabled = false;
            });
            s.AddSingleton<TimeProvider>(clock);
        });
        var green = services.GreenApiSender;
        var maytapi = services.MaytapiSender;
        var disagreements = new List<string>();
        var tally = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var run = 0;

        for (var i = 0; i < Cases; i++)
        {
            var c = fuzzer.Case(i);
            var expected = StateAnswerOracle.Judge(c);
            Volatile.Write(ref current, c);

            // A second and more since the last ask: the sender's spacing of asks never waits here.
            clock.Advance(TimeSpan.FromSeconds(2));
            var before = c.Maytapi ? maytapi.InstanceStatus : green.InstanceStatus;
            WhatsAppInstanceStatus? result = null;
            Exception? error = null;
            try
            {
                result = await (c.Maytapi ? maytapi.GetInstanceStateAsync() : green.GetInstanceStateAsync()).WaitAsync(HangBound);
            }
            catch (Exception e)
            {
                error = e;
            }

            run++;
            var after = c.Maytapi ? maytapi.InstanceStatus : green.InstanceStatus;
            if (Disagreement(c, expected, result, error, before, after, clock.GetUtcNow()) is { } problem)
            {
                disagreements.Add($"seed {seed} {c}: {problem} (oracle: {expected.Reason})");
            }

            Count(tally, $"{c.Provider}: {(result is null ? "error" : result.State.ToString())}");
            Count(tally, c.Body.Length > 4 * 1024 * 1024 ? "answers over 4 MiB" : c.Body.Length > 500_000 ? "answers over 500 KB" : "smaller answers");
        }

        var leaks = SecretEncodings.Find(TestServices.GreenToken, services.Logs.Lines).Concat(SecretEncodings.Find(TestServices.MaytapiKey, services.Logs.Lines)).ToList();
        foreach (var disagreement in disagreements.Take(100))
        {
            TestContext.Out.WriteLine(disagreement);
        }

        TestContext.Out.WriteLine($"seed {seed}: {run} cases; {string.Join("; ", tally.Select(t => $"{t.Key} {t.Value}"))}; {disagreements.Count} disagreements");
        Assert.Multiple(() =>
        {
            Assert.That(disagreements, Is.Empty, $"seed {seed}: {disagreements.Count} disagreements");
            Assert.That(leaks, Is.Empty, $"seed {seed}: a secret in the logs");
            Assert.That(run, Is.EqualTo(Cases));
            Assert.That(fuzzer.RecordingCounts, Is.EqualTo((16, 10)), "every recording of getStateInstance and listPhones is a starting point");
            foreach (var kind in Outcomes)
            {
                Assert.That(tally.GetValueOrDefault(kind), Is.GreaterThanOrEqualTo(Cases / 40), $"seed {seed}: enough cases of '{kind}' for the run to mean something");
            }

            Assert.That(tally.GetValueOrDefault("answers over 4 MiB"), Is.GreaterThan(0), $"seed {seed}: an oversized answer");
            Assert.That(tally.GetValueOrDefault("answers over 500 KB"), Is.GreaterThan(0), $"seed {seed}: a huge answer that fits");
        });
    }

    [Test]
    public void Fuzzer_SameSeed_SameCases()
    {
        var first = new StateAnswerFuzzer(7);
        var second = new StateAnswerFuzzer(7);

        Assert.That(Enumerable.Range(0, 300).Select(i => first.Case(i).ToString()), Is.EqualTo(Enumerable.Range(0, 300).Select(i => second.Case(i).ToString())));
    }

    /// <summary>What is wrong with the ask's outcome against the oracle's, or null.</summary>
    private static string? Disagreement(
        StateAnswerCase c, StateExpectation expected, WhatsAppInstanceStatus? result, Exception? error, WhatsAppInstanceStatus before, WhatsAppInstanceStatus after, DateTimeOffset now)
    {
        if (error is TimeoutException)
        {
            return $"no answer within {HangBound.TotalSeconds} s: a hang";
        }

        if (result is not null)
        {
            var secret = expected.States.Any(s => StateAnswerOracle.CarriesASecret(s.Word));
            var agrees = expected.States.Any(s => s.State == result.State
                && (secret ? !StateAnswerOracle.CarriesASecret(result.ProviderState) : string.Equals(s.Word, result.ProviderState, StringComparison.Ordinal)));
            return !agrees ? $"answered {result.State} ({StateAnswerOracle.Show(result.ProviderState)}), must be {(expected.States.Count == 0 ? "an error" : string.Join(" or ", expected.States.Select(s => $"{s.State} ({StateAnswerOracle.Show(s.Word)})")))}"
                : result.Source != WhatsAppInstanceStateSource.Query || result.LearnedAt != now ? $"learned {result.LearnedAt:O} by {result.Source}, must be {now:O} by Query"
                : after != result ? $"the sender knows {after}, not the answer {result}"
                : SecretEncodings.Find(TestServices.GreenToken, [result.ToString()]).Concat(SecretEncodings.Find(TestServices.MaytapiKey, [result.ToString()])).FirstOrDefault() is { } inStatus ? "a secret in the status: " + inStatus
                : null;
        }

        if (error is not WhatsAppException typed)
        {
            return $"threw {error!.GetType().FullName}, not a WhatsAppException: {error}";
        }

        var texts = new[] { typed.Message, typed.ToString(), typed.ResponseBody ?? string.Empty, typed.ProviderMessage ?? string.Empty }
            .Concat(typed.Data.Cast<DictionaryEntry>().Select(d => $"{d.Key}={d.Value}")).ToList();
        return !expected.ErrorAllowed ? $"threw {typed.GetType().Name}: {typed.Message}; must be {string.Join(" or ", expected.States.Select(s => $"{s.State} ({StateAnswerOracle.Show(s.Word)})"))}"
            : !expected.ErrorType.IsInstanceOfType(typed) ? $"threw {typed.GetType().Name}, must be {expected.ErrorType.Name}: {typed.Message}"
            : c.Delivery == Delivery.Whole && c.Body.Length <= 4 * 1024 * 1024 && typed.HttpStatus != (System.Net.HttpStatusCode)c.Status ? $"HTTP status {typed.HttpStatus?.ToString() ?? "none"}, must be {c.Status}: {typed.Message}"
            : after != before ? $"a failed ask changed what is known: {before} -> {after}"
            : SecretEncodings.Find(TestServices.GreenToken, texts).Concat(SecretEncodings.Find(TestServices.MaytapiKey, texts)).FirstOrDefault() is { } leak ? "a secret in the error: " + leak
            : null;
    }

    private static void Count(SortedDictionary<string, int> tally, string key) => tally[key] = tally.GetValueOrDefault(key) + 1;
}
