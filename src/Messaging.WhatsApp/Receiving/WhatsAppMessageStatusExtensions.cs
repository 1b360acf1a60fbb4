namespace Messaging.WhatsApp;

/// <summary>Orders statuses, for handlers that keep only the furthest state a message reached.</summary>
public static class WhatsAppMessageStatusExtensions
{
    /// <summary>
    /// Whether <paramref name="status"/> is further along than <paramref name="current"/>:
    /// queued &lt; sent &lt; delivered &lt; read &lt; played, and failed or deleted after all of them. An unknown
    /// status is never after anything, and anything known is after unknown.
    /// </summary>
    /// <param name="status">The status just received.</param>
    /// <param name="current">The status recorded so far.</param>
    /// <returns>True when <paramref name="status"/> should replace <paramref name="current"/>.</returns>
    public static bool IsAfter(this WhatsAppMessageStatus status, WhatsAppMessageStatus current) =>
        Rank(status) > Rank(current);

    /// <summary>Whether nothing more is expected after this status: failed or deleted.</summary>
    /// <param name="status">The status.</param>
    /// <returns>True for <see cref="WhatsAppMessageStatus.Failed"/> and <see cref="WhatsAppMessageStatus.Deleted"/>.</returns>
    public static bool IsFinal(this WhatsAppMessageStatus status) =>
        status is WhatsAppMessageStatus.Failed or WhatsAppMessageStatus.Deleted;

    private static int Rank(WhatsAppMessageStatus status) => status switch
    {
        WhatsAppMessageStatus.Queued => 1,
        WhatsAppMessageStatus.Sent => 2,
        WhatsAppMessageStatus.Delivered => 3,
        WhatsAppMessageStatus.Read => 4,
        WhatsAppMessageStatus.Played => 5,
        WhatsAppMessageStatus.Failed or WhatsAppMessageStatus.Deleted => 6,
        _ => 0,
    };
}
