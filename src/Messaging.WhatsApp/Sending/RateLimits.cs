using System;
using System.Threading.RateLimiting;

namespace Messaging.WhatsApp;

/// <summary>The client-side limiter that keeps a sender under a provider's sends-per-second limit.</summary>
internal static class RateLimits
{
    /// <summary>
    /// A sliding window, or null when <paramref name="perSecond"/> is 0. A permit comes back when its
    /// segment leaves the window, between one window and one window less a segment after it was taken;
    /// a window of 1.1 s in segments of 0.1 s therefore never lets more than <paramref name="perSecond"/>
    /// sends start within any second, which is how the provider counts. (A token bucket, whose refill can
    /// land just after a full burst, lets twice as many through.) Sends beyond the limit wait in order,
    /// up to <paramref name="queueLimit"/> of them.
    /// </summary>
    public static RateLimiter? PerSecond(int perSecond, int queueLimit) =>
        perSecond <= 0
            ? null
            : new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
            {
                PermitLimit = perSecond,
                Window = TimeSpan.FromMilliseconds(1100),
                SegmentsPerWindow = 11,
                QueueLimit = queueLimit,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            });
}
