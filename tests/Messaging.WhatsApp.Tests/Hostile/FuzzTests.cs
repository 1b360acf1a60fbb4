using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.Tests.Infrastructure;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Hostile;

/// <summary>
/// At least 1,000 seeded hostile answers per provider through the public send path (DI registration, the
/// sender, retries on, the real HTTP stack, a raw socket server). Counted and asserted: exceptions other
/// than the documented types, successes the body did not justify (per <see cref="SuccessOracle"/>), sends
/// that did not finish within Timeout + 5 s, and requests repeated after an answer that was not safe to
/// retry. All must be 0. The seed is printed; set WHATSAPP_FUZZ_SEED to replay one.
/// </summary>
[NonParallelizable]
public sealed partial class FuzzTests
{
    private const int Cases = 1200;
    private const int Concurrency = 16;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);
    private static readonly ChatAddress Person = ChatAddress.Parse("905301111111");

    private static int Seed =>
        int.TryParse(Environment.GetEnvironmentVariable("WHATSAPP_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : 20261124;

    [TestCaseSource(typeof(TestProvider), nameof(TestProvider.All))]
    public async Task Send_SeededHostileAnswers_OnlyTypedErrorsJustifiedSuccessesAndNoRepeats(TestProvider provider)
    {
        var seed = Seed;
        var fuzzer = new ResponseFuzzer(provider, seed);
        var served = new ConcurrentDictionary<int, ConcurrentQueue<FuzzedResponse>>();
        await using var server = new RawHttpServer(async (request, responder) =>
        {
            var index = int.Parse(CaseNumber().Match(request.BodyText).Groups[1].Value, CultureInfo.InvariantCulture);
            var answers = served.GetOrAdd(index, _ => new ConcurrentQueue<FuzzedResponse>());
            var answer = fuzzer.Answer(index, answers.Count + 1);
            answers.Enqueue(answer);
            await Deliver(answer, responder);
        });
        // Retries on, with delays short enough that a send with retries stays within Timeout + 5 s: a
        // Retry-After beyond MaxDelay is not waited for (as documented), so the bound is attempts x Timeout.
        using var services = TestServices.For(provider.Name, server.Url, timeout: Timeout, retry: r =>
        {
            r.BaseDelay = TimeSpan.FromMilliseconds(10);
            r.MaxDelay = TimeSpan.FromMilliseconds(500);
        });
        var outcomes = new (Exception? Error, string? Id, TimeSpan Elapsed)[Cases];
        using var gate = new SemaphoreSlim(Concurrency);

        await Task.WhenAll(Enumerable.Range(0, Cases).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var clock = Stopwatch.StartNew();
                try
                {
                    var sent = await services.Sender.SendTextAsync(Person, $"fuzz-{i}");
                    outcomes[i] = (null, sent.MessageId, clock.Elapsed);
                }
                catch (Exception e)
                {
                    outcomes[i] = (e, null, clock.Elapsed);
                }
            }
            finally
            {
                gate.Release();
            }
        }));

        var undocumented = Enumerable.Range(0, Cases).Where(i => outcomes[i].Error is { } e && e is not WhatsAppException).ToList();
        var unjustified = Enumerable.Range(0, Cases).Where(i => outcomes[i].Error is null && !Justified(provider, served, i, outcomes[i].Id)).ToList();
        var late = Enumerable.Range(0, Cases).Where(i => outcomes[i].Elapsed > Timeout + TimeSpan.FromSeconds(5)).ToList();
        var repeated = Enumerable.Range(0, Cases).Where(i => Repeated(provider, served, i)).ToList();
        var successes = outcomes.Count(o => o.Error is null);
        var missed = Enumerable.Range(0, Cases).Where(i => outcomes[i].Error is not null && served.TryGetValue(i, out var a)
            && a.Last() is { Complete: true, Status: 200 } last && SuccessOracle.JustifiedId(provider, last.Status, last.Body) is not null).ToList();
        var summary = $"{provider}, seed {seed}: {Cases} sends, {served.Values.Sum(q => q.Count)} answers, {successes} successes, " +
            $"{undocumented.Count} undocumented exceptions, {unjustified.Count} unjustified successes, {late.Count} late, {repeated.Count} unsafe repeats; " +
            $"{missed.Count} complete 200s the oracle calls successes reported as failures; errors: " +
            string.Join(", ", outcomes.Where(o => o.Error is not null).GroupBy(o => o.Error!.GetType().Name).Select(g => $"{g.Key} {g.Count()}"));
        TestContext.Out.WriteLine(summary);
        foreach (var i in missed.Take(20))
        {
            TestContext.Out.WriteLine("missed: " + Describe(served, i, outcomes[i].Error));
        }

        Assert.Multiple(() =>
        {
            Assert.That(served.Values.Sum(q => q.Count), Is.GreaterThanOrEqualTo(1000), summary);
            Assert.That(undocumented.Select(i => Describe(served, i, outcomes[i].Error)), Is.Empty, "undocumented exceptions; " + summary);
            Assert.That(unjustified.Select(i => Describe(served, i, null)), Is.Empty, "unjustified successes; " + summary);
            Assert.That(late.Select(i => $"{Describe(served, i, outcomes[i].Error)} after {outcomes[i].Elapsed}"), Is.Empty, "late; " + summary);
            Assert.That(repeated.Select(i => Describe(served, i, outcomes[i].Error)), Is.Empty, "unsafe repeats; " + summary);
        });
    }

    private static bool Justified(TestProvider provider, ConcurrentDictionary<int, ConcurrentQueue<FuzzedResponse>> served, int index, string? id) =>
        served.TryGetValue(index, out var answers) && answers.Last() is var last && SuccessOracle.JustifiedId(provider, last.Status, last.Body) == id && id is not null;

    /// <summary>
    /// A case answered more than once where an answer before the last was not one that is safe to retry, or
    /// did not arrive whole (a reset or a stall leaves the outcome unknown).
    /// </summary>
    private static bool Repeated(TestProvider provider, ConcurrentDictionary<int, ConcurrentQueue<FuzzedResponse>> served, int index) =>
        served.TryGetValue(index, out var answers) && answers.SkipLast(1).Any(a =>
            !SuccessOracle.SafeToRetry(provider, a.Status, a.Body) || a.Delivery is FuzzDelivery.ResetMidway or FuzzDelivery.Stall);

    private static string Describe(ConcurrentDictionary<int, ConcurrentQueue<FuzzedResponse>> served, int index, Exception? error) =>
        $"case {index}: " + string.Join(" then ", served.TryGetValue(index, out var a) ? a.Select(r => r.Description) : ["no request"]) +
        (error is null ? " -> success" : $" -> {error.GetType().Name}: {error.Message}");

    private static async Task Deliver(FuzzedResponse answer, RawResponder responder)
    {
        switch (answer.Delivery)
        {
            case FuzzDelivery.Trickle:
                await responder.WriteSlowlyAsync(answer.Bytes, Math.Max(1, answer.Bytes.Length / 8), TimeSpan.FromMilliseconds(answer.Bytes.Length % 2 == 0 ? 50 : 300));
                responder.Close();
                break;
            case FuzzDelivery.ResetMidway:
                await responder.WriteAsync(answer.Bytes[..(answer.Bytes.Length / 2)]);
                responder.Reset();
                break;
            case FuzzDelivery.Stall:
                var headersEnd = answer.Bytes.AsSpan().IndexOf("\r\n\r\n"u8) + 4;
                await responder.WriteAsync(answer.Bytes[..headersEnd]);
                await Task.Delay(Timeout + TimeSpan.FromSeconds(1));
                responder.Close();
                break;
            default:
                // A real server keeps the connection for the next request unless the framing or the
                // Connection header says otherwise.
                await responder.WriteAsync(answer.Bytes);
                if (!answer.KeepsConnection)
                {
                    responder.Close();
                }

                break;
        }
    }

    [GeneratedRegex("fuzz-([0-9]+)")]
    private static partial Regex CaseNumber();
}
