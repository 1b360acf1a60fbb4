using System;

namespace Messaging.WhatsApp;

/// <summary>
/// Automatic retries. They apply only where the provider certainly did not act: failures its error map
/// marks as safe to retry (what the provider documents as not acted on), and a connection that failed
/// before the request was written. Nothing else is ever retried.
/// </summary>
public sealed class RetryOptions
{
    /// <summary>Whether to retry at all. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Attempts in all, the first included (1 to 10). Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Delay before the first retry; each further retry doubles it, with jitter. Default 250 ms.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The longest wait before a retry. A provider asking (Retry-After) for longer than this is not retried:
    /// the error reaches the caller with its <see cref="WhatsAppRateLimitedException.RetryAfter"/>. Default 10 s.
    /// </summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The rule a setting breaks, or null when all hold.</summary>
    /// <param name="prefix">Prepended to the setting's name, e.g. <c>MyGateway:Retry:</c>.</param>
    /// <returns>The first problem found, or null.</returns>
    internal string? Validate(string prefix)
    {
        if (MaxAttempts is < 1 or > 10)
        {
            return $"{prefix}MaxAttempts must be between 1 and 10 (was {MaxAttempts}).";
        }

        if (BaseDelay < TimeSpan.Zero || BaseDelay > SenderLimits.MaxTimeout)
        {
            return $"{prefix}BaseDelay must not be negative or longer than 24 days.";
        }

        if (MaxDelay < BaseDelay || MaxDelay > SenderLimits.MaxTimeout)
        {
            return $"{prefix}MaxDelay must not be shorter than BaseDelay or longer than 24 days.";
        }

        return null;
    }

    /// <summary>
    /// The wait before retry number <paramref name="retry"/> (1 for the first), or null when the provider
    /// asked for longer than <see cref="MaxDelay"/>.
    /// </summary>
    internal TimeSpan? DelayBefore(int retry, TimeSpan? retryAfter, double jitter)
    {
        if (retryAfter > MaxDelay)
        {
            return null;
        }

        var exponential = BaseDelay.TotalMilliseconds * Math.Pow(2, retry - 1);
        var capped = Math.Min(exponential, MaxDelay.TotalMilliseconds);

        // Jitter spreads retries of many senders hit by the same failure: half fixed, half random.
        var jittered = TimeSpan.FromMilliseconds(capped * (0.5 + (0.5 * jitter)));
        return retryAfter is { } asked && asked > jittered ? asked : jittered;
    }
}
