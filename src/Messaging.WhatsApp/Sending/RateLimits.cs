using System;
using System.Threading.RateLimiting;

namespace Messaging.WhatsApp;

/// <summary>The client-side limiter that keeps a sender under a provider's sends-per-second limit.</summary>
internal static class RateLimits
{
    /// <summary>
    /// A sliding one-second window in ten segments, or null when <paramref name="perSecond"/> is 0. Unlike a
    /// token bucket, whose refill can land just after a full burst, it never lets more than
    /// <paramref name="perSecond"/> sends start within one window, which is how the provider counts.
    /// Sends beyond the limit wait in order, up to <paramref name="queueLimit"/> of them.
    /// </summary>
    public static RateLimiter? PerSecond(int perSecond, int queueLimit) =>
        perSecond <= 0
            ? null
            : new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
            {
                PermitLimit = perSecond,
                Window = TimeSpan.FromSeconds(1),
                SegmentsPerWindow = 10,
                QueueLimit = queueLimit,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            });
}
