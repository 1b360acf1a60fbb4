using System;
using System.Globalization;

namespace Messaging.WhatsApp;

/// <summary>
/// What a gateway reported about one sent message, in the same shape for every gateway: from a webhook
/// notification or from polling. The gateways redeliver and sometimes duplicate notifications, so a handler
/// must be idempotent: <see cref="DeduplicationKey"/> is the same for the same report.
/// </summary>
public sealed class WhatsAppUpdate
{
    /// <summary>Creates an update; provider packages do this when they read a notification.</summary>
    /// <param name="provider">The gateway.</param>
    /// <param name="registrationName">The name the receiving instance was registered under ("" for the default one).</param>
    /// <param name="instance">The gateway's id of the sending instance or phone, when the notification names it.</param>
    /// <param name="messageId">The message id, as the send returned it.</param>
    /// <param name="chatId">The chat, as the gateway names it, when the notification names it.</param>
    /// <param name="status">The status in the library's words.</param>
    /// <param name="providerStatus">The gateway's own word for it (e.g. <c>noAccount</c>, <c>seen</c>, <c>F04</c>).</param>
    /// <param name="error">Why it failed, in the gateway's words, or null.</param>
    /// <param name="time">When the gateway says it happened, or null when it does not say.</param>
    /// <param name="notification">The typed notification this update was read from.</param>
    public WhatsAppUpdate(
        WhatsAppProvider provider,
        string registrationName,
        string? instance,
        string messageId,
        string? chatId,
        WhatsAppMessageStatus status,
        string providerStatus,
        string? error,
        DateTimeOffset? time,
        object notification)
    {
        Provider = Guard.NotNull(provider);
        RegistrationName = registrationName ?? string.Empty;
        Instance = instance;
        MessageId = Guard.NotNull(messageId);
        ChatId = chatId;
        Status = status;
        ProviderStatus = providerStatus ?? string.Empty;
        Error = error;
        Time = time;
        Notification = Guard.NotNull(notification);
    }

    /// <summary>The gateway.</summary>
    public WhatsAppProvider Provider { get; }

    /// <summary>The name the receiving instance was registered under: "" for the default one.</summary>
    public string RegistrationName { get; }

    /// <summary>The gateway's id of the sending instance (GREEN-API's <c>idInstance</c>, Maytapi's phone id), or null.</summary>
    public string? Instance { get; }

    /// <summary>The message id, as the send returned it (<see cref="SendResult.MessageId"/>).</summary>
    public string MessageId { get; }

    /// <summary>The chat, as the gateway names it (e.g. <c>79001234567@c.us</c>), or null when not named.</summary>
    public string? ChatId { get; }

    /// <summary>The status in the library's words.</summary>
    public WhatsAppMessageStatus Status { get; }

    /// <summary>The gateway's own word for the status, e.g. <c>noAccount</c>, <c>seen</c> or an error code.</summary>
    public string ProviderStatus { get; }

    /// <summary>Why the message failed, in the gateway's words (e.g. <c>SWE004: …</c>), or null.</summary>
    public string? Error { get; }

    /// <summary>When the gateway says it happened (to the second), or null when the notification has no time.</summary>
    public DateTimeOffset? Time { get; }

    /// <summary>The provider's typed notification it was read from (a generated model of the provider's package).</summary>
    public object Notification { get; }

    /// <summary>
    /// The same for a redelivered or duplicated report of the same event: provider, instance, message id and
    /// provider status. Record it (e.g. under a unique index) to handle each report once.
    /// </summary>
    public string DeduplicationKey =>
        string.Join("|", Provider.Name, Instance ?? string.Empty, MessageId, ProviderStatus);

    /// <summary>The update without its error text, which can quote message content.</summary>
    /// <returns>E.g. <c>GREEN-API message BAE5… delivered (delivered) at 2024-01-22T05:24:50Z</c>.</returns>
    public override string ToString() =>
        string.Format(
            CultureInfo.InvariantCulture,
            "{0} message {1} {2} ({3}){4}",
            Provider.DisplayName,
            MessageId,
            Status.ToString().ToLowerInvariant(),
            ProviderStatus,
            Time is { } t ? " at " + t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : string.Empty);
}
