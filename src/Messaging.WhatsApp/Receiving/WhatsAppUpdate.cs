using System;
using System.Diagnostics.CodeAnalysis;
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
    /// <param name="messageId">The message id, as the send returned it: not empty, not only white space, no control characters.</param>
    /// <param name="chatId">The chat, as the gateway names it, or null when the notification does not name it; when
    /// named, the same rule.</param>
    /// <param name="status">The status in the library's words.</param>
    /// <param name="providerStatus">The gateway's own word for it (e.g. <c>noAccount</c>, <c>seen</c>, <c>F04</c>).</param>
    /// <param name="error">Why it failed, in the gateway's words, or null.</param>
    /// <param name="time">When the gateway says it happened, or null when it does not say.</param>
    /// <param name="notification">The typed notification this update was read from.</param>
    /// <exception cref="ArgumentException"><paramref name="messageId"/>, or a <paramref name="chatId"/> that is given, is not a usable id.</exception>
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
        MessageId = IsUsableId(messageId) ? messageId : throw Unusable(messageId, nameof(messageId));
        ChatId = chatId is null || IsUsableId(chatId) ? chatId : throw Unusable(chatId, nameof(chatId));
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

    /// <summary>
    /// The chat, as the gateway names it (e.g. <c>79001234567@c.us</c>), or null when the notification does not name
    /// it (GREEN-API's older <c>noAccount</c> reports, for one).
    /// </summary>
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
    /// The same for a redelivered or duplicated report of the same event, and different for any other: provider,
    /// instance, message id and provider status, each written as its length, a colon and its text (the instance
    /// as <c>-</c> when the notification does not name it), joined by <c>|</c>. Because every part carries its
    /// length, no text inside a part (a <c>|</c>, a colon, digits) can make two different reports share a key.
    /// Record it (e.g. under a unique index) to handle each report once.
    /// </summary>
    /// <example><c>9:green-api|10:1101000001|16:BAE5F4886F6F2D05|9:delivered</c></example>
    public string DeduplicationKey =>
        string.Join("|", Part(Provider.Name), Instance is null ? "-" : Part(Instance), Part(MessageId), Part(ProviderStatus));

    /// <summary>
    /// Whether a gateway's message or chat id can name a message: not empty, not only white space, and without
    /// control characters. A status report whose id or chat is not usable makes no update.
    /// </summary>
    internal static bool IsUsableId([NotNullWhen(true)] string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return false;
        }

        foreach (var c in id!)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    private static ArgumentException Unusable(string? value, string name) =>
        value is null
            ? new ArgumentNullException(name)
            : new ArgumentException("The value must not be empty, only white space, or contain control characters: it names no message or chat.", name);

    private static string Part(string text) => text.Length.ToString(CultureInfo.InvariantCulture) + ":" + text;

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
