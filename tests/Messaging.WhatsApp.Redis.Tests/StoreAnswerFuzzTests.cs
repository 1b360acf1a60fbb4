using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Messaging.WhatsApp.Redis.Tests;

/// <summary>
/// A seeded fuzzer of the store's answers to the permit script: each case is a replica (a GREEN-API sender
/// registered with <c>UseRedisRateLimiter</c>, as a user does) sending a few messages to a gateway that counts
/// them, through a <see cref="FakeRespServer"/> that answers with a sequence drawn from one class of answer
/// (wrong length, strings for integers, nesting, extra elements, nulls, errors, RESP3 types, values outside the
/// script's clamp, garbage, slow or split writes, silence, resets mid-answer, endless waits) after a few valid
/// answers. Per case: nothing reaches the gateway beyond the valid permits the store wrote whole; every send ends
/// within its documented bound (MaxWait + StoreTimeout), with a success or the typed refusal; after an answer
/// that brought no permit the store is not asked again within 10 ms.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class StoreAnswerFuzzTests
{
    private const int CasesPerSeed = 200;

    /// <summary>Cases run at once, each with its own replica and connection.</summary>
    private const int Concurrency = 25;

    private static readonly string[] Classes =
    [
        "valid", "wrong length", "extra element", "strings for integers", "nested array", "null", "scalar", "RESP3 type", "error",
        "first neither 0 nor 1", "grant with a wait", "wait under 1 ms", "wait over the window", "garbage",
        "split writes", "slow answer", "silent", "reset mid-answer", "truncated", "endless waits", "endless 1 ms waits",
    ];

    [TestCase(20260101)]
    [TestCase(424242)]
    [TestCase(7)]
    public async Task EveryAnswerShape_NoSendWithoutAValidPermit_EverySendEndsInItsBound_StoreCallsBounded(int seed)
    {
        var random = new Random(seed);
        var cases = Enumerable.Range(0, CasesPerSeed).Select(i => Case.Draw(seed, i, Classes[i % Classes.Length], random)).ToArray();
        var byInstance = cases.ToDictionary(c => c.Instance);
        using var store = new FakeRespServer(call => byInstance[OddStore.Instance(call)].Answer(call));
        await using var gateway = await FakeGateway.StartAsync();

        using var slots = new SemaphoreSlim(Concurrency);
        var ran = await Task.WhenAll(cases.Select(async c =>
        {
            await slots.WaitAsync();
            try
            {
                return await c.RunAsync(store, gateway);
            }
            finally
            {
                slots.Release();
            }
        }));

        var failures = ran.Where(r => r.Failure is not null).Select(r => r.Failure!).ToArray();
        var sends = ran.Sum(r => r.Sends);
        TestContext.Out.WriteLine($"seed {seed}: {ran.Length} cases, {sends} sends, {ran.Sum(r => r.Sent)} sent with a permit, {ran.Sum(r => r.Permits)} whole valid permits written, "
            + $"{ran.Sum(r => r.Asks)} asks; slowest send {ran.Max(r => r.Slowest).TotalSeconds:F2} s (bound {OddStore.Bound.TotalSeconds:F1} s); "
            + $"shortest gap after an answer without a permit {ran.Min(r => r.ShortestGap).TotalMilliseconds:F2} ms; failures {failures.Length}");
        var slowest = ran.MaxBy(r => r.Slowest)!;
        TestContext.Out.WriteLine($"  slowest case: {slowest.Describe}");
        foreach (var reason in ran.SelectMany(r => r.Reasons).GroupBy(r => r).OrderByDescending(g => g.Count()))
        {
            TestContext.Out.WriteLine($"  {reason.Count(),5} × {reason.Key}");
        }

        Assert.That(failures.Length, Is.Zero, () => $"seed {seed}: {failures.Length} of {ran.Length} cases failed; the first ones:\n" + string.Join("\n\n", failures.Take(5)));
        Assert.That(ran, Has.Length.EqualTo(CasesPerSeed), $"seed {seed}: every case ran");
        Assert.That(cases.Select(c => c.Class).Distinct().Order(), Is.EqualTo(Classes.Order()), "every class of answer was drawn");
    }

    /// <summary>One case: its instance, its sends, and the answers the store gives it.</summary>
    private sealed class Case
    {
        private readonly object _gate = new();
        private readonly Random _random;
        private readonly Random _leaving;
        private int _asked;
        private int _left;

        private Case(int seed, int index, string @class, Random random)
        {
            Seed = seed;
            Index = index;
            Class = @class;
            Instance = 1103000000 + index;
            // The case's own generators, one for asks and one for leaving the line, so that its answers do not
            // depend on how its calls interleave with other cases' or with each other.
            _random = new Random(random.Next());
            _leaving = new Random(random.Next());
            Sends = 1 + random.Next(4);
            QueueLimit = random.Next(5) == 0 ? 0 : 10_000;
            ValidFirst = random.Next(3);
            OddForever = random.Next(2) == 0;
        }

        public int Seed { get; }

        public int Index { get; }

        public string Class { get; }

        public long Instance { get; }

        public int Sends { get; }

        public int QueueLimit { get; }

        /// <summary>Valid answers before the first of the class.</summary>
        public int ValidFirst { get; }

        /// <summary>Whether the class goes on to the end, or valid grants follow its first answer.</summary>
        public bool OddForever { get; }

        public static Case Draw(int seed, int index, string @class, Random random) => new(seed, index, @class, random);

        /// <summary>What the store answers this call: called in the order the calls arrive.</summary>
        public ScriptReply Answer(ScriptCall call)
        {
            lock (_gate)
            {
                if (call.Mode == "leave")
                {
                    return _left++ % 2 == 0 ? StoreAnswers.Left() : OddAnswer(_leaving);
                }

                var n = _asked++;
                return Class switch
                {
                    "endless waits" => StoreAnswers.Wait(1000 + _random.NextInt64(OddStore.WindowMicroseconds - 999)),
                    "endless 1 ms waits" => StoreAnswers.Wait(1000),
                    _ when n < ValidFirst => Valid(_random),
                    _ when n == ValidFirst || OddForever => OfClass(Class, _random),
                    _ => StoreAnswers.Grant(),
                };
            }
        }

        public async Task<Result> RunAsync(FakeRespServer store, FakeGateway gateway)
        {
            var texts = Enumerable.Range(0, Sends).Select(i => $"fuzz {Seed} case {Index} send {i}").ToArray();
            SharedLimitTests.Outcome[] outcomes;
            var hung = false;
            var replica = OddStore.Replica(store, gateway, Instance, queueLimit: QueueLimit);
            try
            {
                var sends = texts.Select(t => SharedLimitTests.Send(replica, t)).ToArray();
                try
                {
                    outcomes = await Task.WhenAll(sends).WaitAsync(OddStore.Bound + OddStore.Slack);
                }
                catch (TimeoutException)
                {
                    hung = true;
                    outcomes = [.. sends.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result)];
                }
            }
            finally
            {
                // StackExchange.Redis's Dispose waits (up to its own 5 s timeout) for a silent store to answer QUIT:
                // on a thread of its own, so that the other cases' sends do not queue behind it for a thread.
                await Task.Factory.StartNew(replica.Dispose, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }

            // Asks made while the sends waited: the replica is gone, only its leaving the line may follow.
            var asks = OddStore.Asks(store, Instance);
            var permits = asks.Count(a => a.Reply is { DeliveredPermit: true });
            var arrivals = gateway.Arrivals.Where(a => texts.Contains(a.Text)).ToArray();
            var (gap, where) = OddStore.ShortestGapAfterNoPermit(asks);
            var problems = new List<string>();
            if (hung)
            {
                problems.Add($"{Sends - outcomes.Length} of {Sends} sends had not ended after {(OddStore.Bound + OddStore.Slack).TotalSeconds:F0} s (bound {OddStore.Bound.TotalSeconds:F1} s)");
            }

            if (arrivals.Length > permits)
            {
                problems.Add($"{arrivals.Length} sends reached the gateway with {permits} valid permits written");
            }

            if (arrivals.GroupBy(a => a.Text).Any(g => g.Count() > 1))
            {
                problems.Add("a send reached the gateway twice");
            }

            foreach (var outcome in outcomes)
            {
                var arrived = arrivals.Any(a => a.Text == outcome.Text);
                if (outcome.Elapsed > OddStore.Bound + OddStore.Slack)
                {
                    problems.Add($"'{outcome.Text}' took {outcome.Elapsed.TotalSeconds:F2} s");
                }

                if (outcome.Result is not null && !arrived)
                {
                    problems.Add($"'{outcome.Text}' succeeded but never reached the gateway");
                }

                if (outcome.Error is not null && (arrived || outcome.Error is not WhatsAppRateLimitedException { IsSafeToRetry: true } || !outcome.Error.Message.Contains("nothing was sent", StringComparison.Ordinal)))
                {
                    problems.Add($"'{outcome.Text}' failed {(arrived ? "after reaching the gateway" : "")} with {outcome.Error.GetType().Name}: {outcome.Error.Message}");
                }
            }

            if (gap < RedisSlidingWindowRateLimiter.MinimumAskInterval)
            {
                problems.Add($"the store was asked again {gap.TotalMilliseconds:F2} ms after an answer without a permit: {where}");
            }

            // One when the queue empties, which takes a send each time, and one when the replica is disposed.
            var leaves = store.Calls.Count(c => c.Mode == "leave" && OddStore.Instance(c) == Instance);
            if (leaves > Sends + 1)
            {
                problems.Add($"{leaves} calls to leave the line for {Sends} sends");
            }

            var description = $"seed {Seed}, case {Index} ({Class}; {Sends} sends, queue limit {QueueLimit}, {ValidFirst} valid answers first, {(OddForever ? "odd to the end" : "grants after")}):"
                + string.Concat(problems.Select(p => "\n  " + p)) + "\n  answers: " + Describe(asks)
                + "\n  outcomes: " + string.Join("; ", outcomes.Select(o => $"{o.Elapsed.TotalSeconds:F2} s {(o.Result is not null ? "sent" : o.Error?.Message)}"));
            return new Result(
                problems.Count == 0 ? null : description,
                description,
                Sends,
                arrivals.Length,
                permits,
                asks.Length,
                outcomes.Length == 0 ? TimeSpan.Zero : outcomes.Max(o => o.Elapsed),
                gap,
                [.. outcomes.Select(o => o.Result is not null ? "sent" : Reason(o.Error!))]);
        }

        private static string Describe(ScriptCall[] asks) =>
            asks.Length == 0 ? "(not asked)" : string.Join(", ", asks.Take(12).Select(a => a.Reply?.ToString() ?? "(unanswered, the connection silent)")) + (asks.Length > 12 ? $", … {asks.Length} in all" : "");

        private static string Reason(Exception error)
        {
            var start = error.Message.IndexOf('(', StringComparison.Ordinal);
            var end = error.Message.IndexOf(')', start + 1);
            return start < 0 || end < 0 ? error.GetType().Name : error.Message[(start + 1)..end];
        }

        private static ScriptReply Valid(Random random) =>
            random.Next(2) == 0 ? StoreAnswers.Grant() : StoreAnswers.Wait(1000 + random.NextInt64(OddStore.WindowMicroseconds - 999));

        private static T Pick<T>(T[] items, Random random) => items[random.Next(items.Length)];

        /// <summary>Any answer of the classes that are never a permit, for the answers to leaving the line.</summary>
        private static ScriptReply OddAnswer(Random random) =>
            OfClass(Pick(["wrong length", "extra element", "strings for integers", "nested array", "null", "scalar", "error", "grant with a wait"], random), random);

        /// <summary>One answer of <paramref name="class"/>.</summary>
        private static ScriptReply OfClass(string @class, Random random)
        {
            switch (@class)
            {
                case "valid":
                    return Valid(random);
                case "wrong length":
                    return StoreAnswers.Odd(@class, Pick(StoreAnswers.WrongLength, random));
                case "extra element":
                    return StoreAnswers.Odd(@class, Pick(StoreAnswers.ExtraElement, random));
                case "strings for integers":
                    return StoreAnswers.Odd(@class, Pick(StoreAnswers.StringsForIntegers, random));
                case "nested array":
                    return StoreAnswers.Odd(@class, Pick(StoreAnswers.Nested, random));
                case "null":
                    return StoreAnswers.Odd(@class, Pick(StoreAnswers.Nulls, random));
                case "scalar":
                    return StoreAnswers.Odd(@class, Pick(StoreAnswers.Scalars, random));
                case "RESP3 type":
                    return StoreAnswers.Odd(@class, Pick(StoreAnswers.Resp3, random));
                case "error":
                    return StoreAnswers.Error(Pick(StoreAnswers.Errors, random));
                case "first neither 0 nor 1":
                    return StoreAnswers.Pair(@class, Pick(StoreAnswers.NotZeroOrOne, random), random.Next(2) == 0 ? 0 : 5000);
                case "grant with a wait":
                    return StoreAnswers.Pair(@class, 1, Pick(StoreAnswers.GrantWaits, random));
                case "wait under 1 ms":
                    return StoreAnswers.Pair(@class, 0, Pick(StoreAnswers.ShortWaits, random));
                case "wait over the window":
                    return StoreAnswers.Pair(@class, 0, Pick(StoreAnswers.LongWaits, random));
                case "garbage":
                    return random.Next(3) == 0
                        ? new ScriptReply(@class, Encoding.Latin1.GetBytes(RandomBytes(random) + "\r\n"))
                        : StoreAnswers.Odd(@class, Pick(StoreAnswers.Garbage, random));
                case "split writes":
                    var split = Any(random);
                    return split with { Name = "split " + split.Name, ChunkSize = 1 + random.Next(3), ChunkDelay = TimeSpan.FromMilliseconds(random.Next(40)) };
                case "slow answer":
                    var slow = Any(random);
                    return slow with { Name = "slow " + slow.Name, Delay = OddStore.StoreTimeout * (0.5 + (2.5 * random.NextDouble())) };
                case "silent":
                    return new ScriptReply(@class, []) { Silent = true };
                case "reset mid-answer":
                    var reset = Any(random);
                    return reset with { Name = "reset " + reset.Name, CutAfter = random.Next(reset.Bytes.Length + 1), Reset = true };
                case "truncated":
                    var truncated = Any(random);
                    return truncated with { Name = "truncated " + truncated.Name, CutAfter = random.Next(Math.Max(1, truncated.Bytes.Length - 1)) };
                default:
                    throw new ArgumentOutOfRangeException(nameof(@class), @class, "no such class of answer");
            }
        }

        /// <summary>A valid answer or one of the odd ones, for the classes that change how it is written.</summary>
        private static ScriptReply Any(Random random) =>
            random.Next(2) == 0 ? Valid(random) : OfClass(Pick(["wrong length", "extra element", "strings for integers", "nested array", "null", "error", "grant with a wait", "wait over the window"], random), random);

        private static string RandomBytes(Random random) =>
            new([.. Enumerable.Range(0, 1 + random.Next(12)).Select(_ => (char)random.Next(33, 127))]);
    }

    private sealed record Result(string? Failure, string Describe, int Sends, int Sent, int Permits, int Asks, TimeSpan Slowest, TimeSpan ShortestGap, string[] Reasons);
}
