using System;

namespace Messaging.WhatsApp;

/// <summary>Limits every sender's settings share.</summary>
internal static class SenderLimits
{
    /// <summary>
    /// The longest timeout or delay accepted: 24 days, within what HttpClient and timers take
    /// (<see cref="int.MaxValue"/> milliseconds, about 24.8 days).
    /// </summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(24);
}
