using System;
using System.Collections.Generic;

namespace Messaging.WhatsApp.Redis;

/// <summary>How a sender's rate limit is kept in Redis (<c>UseRedisRateLimiter</c>). Checked when registered.</summary>
public sealed class RedisRateLimiterOptions
{
    /// <summary>
    /// The sliding window in which at most <see cref="WhatsAppSenderOptions.MaxSendsPerSecond"/> sends start, by
    /// the store's clock. Default 1.1 s: the provider counts per second at its end, and the extra 0.1 s absorbs
    /// how much longer one request takes to reach it than another. At least 1 s, at most 1 minute.
    /// </summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMilliseconds(1200);

    /// <summary>
    /// How long a send waits for the store's answer (and for the first connection) before it fails with
    /// <see cref="WhatsAppRateLimitedException"/>, nothing sent. Default 1 s; at most 30 s.
    /// </summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The <see cref="WhatsAppRateLimitedException.RetryAfter"/> of a send the store did not answer for. Default 1 s; at most 1 minute.</summary>
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
