using System;
using System.Linq;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.WhatsApp.Redis.Tests;

/// <summary>
/// A GREEN-API replica registered as a user registers it (<c>AddGreenApi(…).UseRedisRateLimiter(…)</c>) whose
/// store is a <see cref="FakeRespServer"/>, with short limiter options so that the bounds are quick to reach.
/// Retries are off: each send is one attempt, whose wait the limiter bounds.
/// </summary>
internal static class OddStore
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan StoreTimeout = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan StoreRetryAfter = TimeSpan.FromSeconds(3);

    /// <summary>The documented bound on one attempt's wait for a permit: MaxWait, and one store call under way.</summary>
    public static readonly TimeSpan Bound = MaxWait + StoreTimeout;

    /// <summary>Added to <see cref="Bound"/> before a send counts as hung: far more than a busy machine adds.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromSeconds(20);

    /// <summary>The window in µs, as the script counts it.</summary>
    public static long WindowMicroseconds => (long)(Window.Ticks / 10);

    public static ServiceProvider Replica(FakeRespServer store, FakeGateway gateway, long idInstance, CapturedLogs? logs = null, int queueLimit = 10_000) =>
        Replicas.GreenApi(store.Configuration, gateway.BaseAddress, logs,
            o =>
            {
                o.IdInstance = idInstance;
                o.MaxSendsPerSecond = 5;
                o.RateLimitQueueLimit = queueLimit;
                o.Retry.Enabled = false;
            },
            r =>
            {
                r.Window = Window;
                r.StoreTimeout = StoreTimeout;
                r.MaxWait = MaxWait;
                r.StoreRetryAfter = StoreRetryAfter;
            });

    /// <summary>The instance id in the script's first key, <c>whatsapp:ratelimit:{green-api:ID}:permits</c>.</summary>
    public static long Instance(ScriptCall call)
    {
        var start = call.Key.IndexOf("{green-api:", StringComparison.Ordinal) + "{green-api:".Length;
        return long.Parse(call.Key.AsSpan(start, call.Key.IndexOf('}', start) - start), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The limiter's calls for sends (take or try), not those leaving the line.</summary>
    public static ScriptCall[] Asks(FakeRespServer store, long idInstance) =>
        [.. store.Calls.Where(c => c.Mode != "leave" && Instance(c) == idInstance)];

    /// <summary>
    /// The shortest gap between two asks where the first brought no permit, and the pair, for a failure's message;
    /// a -NOSCRIPT answer is skipped, as StackExchange.Redis itself sends the script again at once after one.
    /// </summary>
    public static (TimeSpan Gap, string Where) ShortestGapAfterNoPermit(ScriptCall[] asks)
    {
        var shortest = (TimeSpan.MaxValue, "no two asks");
        for (var i = 1; i < asks.Length; i++)
        {
            var before = asks[i - 1].Reply;
            if (before is { DeliveredPermit: true } || before?.Name.StartsWith("error -NOSCRIPT", StringComparison.Ordinal) == true)
            {
                continue;
            }

            var gap = System.Diagnostics.Stopwatch.GetElapsedTime(asks[i - 1].Timestamp, asks[i].Timestamp);
            if (gap < shortest.Item1)
            {
                shortest = (gap, $"ask {i} came {gap.TotalMilliseconds:F2} ms after ask {i - 1}, answered {before?.ToString() ?? "(nothing)"}");
            }
        }

        return shortest;
    }
}
