using System;

namespace Messaging.WhatsApp;

/// <summary>How one sender's instance state is monitored (<c>AddInstanceStateMonitoring</c>).</summary>
public sealed class WhatsAppInstanceMonitoringOptions
{
    /// <summary>
    /// How often the gateway's state operation is asked: 10 s to 1 day, or <see cref="TimeSpan.Zero"/> for never (when
    /// the state notifications keep the state fresh). Default 1 minute, as GREEN-API recommends ("request the state of
    /// the instance every minute"). It must be shorter than the sender's
    /// <see cref="WhatsAppSenderOptions.StateTrustWindow"/>, or the state would go stale between two polls.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The longest wait after failed polls in a row: the wait doubles from <see cref="PollInterval"/> up to this (or
    /// what a 429 asks, if longer). Default 15 minutes; at least <see cref="PollInterval"/>.
    /// </summary>
    public TimeSpan MaxErrorDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The smallest interval a poll may have: the gateways' limits are per second, and the state rarely changes.</summary>
    internal static readonly TimeSpan MinPollInterval = TimeSpan.FromSeconds(10);

    internal string? Validate(string prefix)
    {
        if (PollInterval != TimeSpan.Zero && (PollInterval < MinPollInterval || PollInterval > TimeSpan.FromDays(1)))
        {
            return $"{prefix}PollInterval must be from 10 seconds to 1 day, or 0 for no polling.";
        }

        if (MaxErrorDelay < PollInterval || MaxErrorDelay > TimeSpan.FromDays(1))
        {
            return $"{prefix}MaxErrorDelay must be from PollInterval to 1 day.";
        }

        return null;
    }
}
