using System;
using System.Collections.Generic;

namespace Messaging.WhatsApp.Redis;

/// <summary>How a sender's rate limit is kept in Redis (<c>UseRedisRateLimiter</c>). Checked when registered.</summary>
public sealed class RedisRateLimiterOptions
{
    /// <summary>
    /// The sliding window in which at most <see cref="WhatsAppSenderOptions.MaxSendsPerSecond"/> sends start, by
    /// the store's clock. Default 1.2 s: the provider counts per second at its end, and the extra 0.2 s absorbs
    /// how much longer one request takes to reach it than another. At least 1 s, at most 1 minute.
    /// </summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMilliseconds(1200);

    /// <summary>
    /// How long a send waits for the store's answer (and for the first connection) before it fails with
    /// <see cref="WhatsAppRateLimitedException"/>, nothing sent. An answer other than the limiter's script returns
    /// (an error, another shape) fails it the same way at once. Default 1 s; at most 30 s.
    /// </summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest a send waits for its permit, whatever the store answers: a send still waiting after
    /// <see cref="MaxWait"/> (and at most one <see cref="StoreTimeout"/> more, for a call to the store under way)
    /// fails with <see cref="WhatsAppRateLimitedException"/>, nothing sent. The sender's retries, when enabled,
    /// wait again for each attempt. Default 5 minutes, in which a replica's full default queue (10,000 sends)
    /// drains at GREEN-API's 50 a second; at least twice <see cref="Window"/>, at most 1 hour. While sends wait,
    /// their replica calls the store no sooner than the wait the store gave, and never sooner than 10 ms after an
    /// answer that brought no permit: at most 100 such calls a second, whatever the store answers.
    /// </summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The <see cref="WhatsAppRateLimitedException.RetryAfter"/> of a send the store did not answer for, or answered outside the limiter's script. Default 1 s; at most 1 minute.</summary>
    public TimeSpan StoreRetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Prefixes every key: <c>{KeyPrefix}{provider:instance}:permits</c> and three more, where the instance is
    /// GREEN-API's IdInstance or Maytapi's ProductId/PhoneId, never a credential. Default <c>whatsapp:ratelimit:</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "whatsapp:ratelimit:";

    /// <summary>The rules these options break, each naming the setting; empty when none.</summary>
    internal List<string> Problems()
    {
        var problems = new List<string>();
        if (Window < TimeSpan.FromSeconds(1) || Window > TimeSpan.FromMinutes(1))
        {
            problems.Add("Window must be at least 1 s (the providers count per second) and at most 1 minute.");
        }

        if (StoreTimeout <= TimeSpan.Zero || StoreTimeout > TimeSpan.FromSeconds(30))
        {
            problems.Add("StoreTimeout must be positive and at most 30 s.");
        }

        if (MaxWait < TimeSpan.FromTicks(2 * Window.Ticks) || MaxWait > TimeSpan.FromHours(1))
        {
            problems.Add("MaxWait must be at least twice Window (a restarted store grants nothing for one window) and at most 1 hour.");
        }

        if (StoreRetryAfter <= TimeSpan.Zero || StoreRetryAfter > TimeSpan.FromMinutes(1))
        {
            problems.Add("StoreRetryAfter must be positive and at most 1 minute.");
        }

        if (KeyPrefix is null || KeyPrefix.Length > 200 || KeyPrefix.IndexOfAny(['{', '}']) >= 0)
        {
            problems.Add("KeyPrefix must be set, at most 200 characters, without '{' or '}' (the limiter puts the instance in a hash tag).");
        }

        return problems;
    }
}
