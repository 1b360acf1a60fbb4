namespace Messaging.WhatsApp;

/// <summary>
/// What became of a sent message, in the same words for every gateway. The provider's own word is kept beside
/// it (<see cref="WhatsAppUpdate.ProviderStatus"/>). Updates can arrive late, twice or out of order: compare
/// <see cref="WhatsAppUpdate.Time"/> or use <see cref="WhatsAppMessageStatusExtensions.IsAfter"/> rather than
/// assuming that the last update received is the latest state.
/// </summary>
public enum WhatsAppMessageStatus
{
    /// <summary>A status the library does not know (a new value of the provider's); see the provider status.</summary>
    Unknown = 0,

    /// <summary>The gateway has the message and will send it.</summary>
    Queued = 1,

    /// <summary>Sent: it reached WhatsApp's servers (one tick).</summary>
    Sent = 2,

    /// <summary>Delivered to the recipient's device (two ticks).</summary>
    Delivered = 3,

    /// <summary>Read (seen) by the recipient.</summary>
    Read = 4,

    /// <summary>Played by the recipient (a voice or audio message).</summary>
    Played = 5,

    /// <summary>Not sent or not delivered; the update's error says why. Final.</summary>
    Failed = 6,

    /// <summary>Deleted (revoked) after it was sent.</summary>
    Deleted = 7,
}
