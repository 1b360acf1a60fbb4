using System;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp;

/// <summary>
/// One notification as a provider package read it: the typed model, its type name, its updates, and the status
/// reports in it that made no update because they name no usable message or chat.
/// </summary>
internal sealed partial class NotificationBatch
{
    public NotificationBatch(string type, object notification, IReadOnlyList<WhatsAppUpdate> updates, IReadOnlyList<string>? ignored = null)
    {
        Type = type;
        Notification = notification;
        Updates = updates;
        Ignored = ignored ?? Array.Empty<string>();
    }

    /// <summary>The gateway's name for the notification's type.</summary>
    public string Type { get; }

    public object Notification { get; }

    public IReadOnlyList<WhatsAppUpdate> Updates { get; }

    /// <summary>Whether the provider package reads this type (false: it is kept as the provider's base type).</summary>
    public bool Known { get; init; } = true;

    /// <summary>
    /// Why status reports of this notification made no update, one line each and without their values (e.g.
    /// "data[1]: no usable msgId"): the receivers log them as a warning, on every channel alike.
    /// </summary>
    public IReadOnlyList<string> Ignored { get; }

    /// <summary>
    /// Why a status report cannot become an update, or null when it can: its message id is missing or not usable
    /// (see <see cref="WhatsAppUpdate.IsUsableId"/>), or it names a chat that is not usable (an empty or blank one).
    /// A report that names no chat at all is usable: GREEN-API's documented older <c>noAccount</c> report has none.
    /// </summary>
    public static string? Unusable(string idField, string? id, string chatField, string? chat) =>
        !WhatsAppUpdate.IsUsableId(id) ? "no usable " + idField
        : chat is not null && !WhatsAppUpdate.IsUsableId(chat) ? "an unusable " + chatField
        : null;

    /// <summary>Logs <see cref="Ignored"/>, if anything was, as one warning: the same line whichever channel brought it.</summary>
    public void LogIgnored(ILogger logger, WhatsAppProvider provider, WhatsAppReceiveChannel channel)
    {
        if (Ignored.Count > 0)
        {
            LogIgnoredReports(logger, provider.DisplayName, Type, channel, string.Join("; ", Ignored));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored status reports of a {Provider} {Type} notification ({Channel}) that name no message: {Reasons}. It was handled otherwise (notification handlers ran); nothing was dispatched to update handlers for them.")]
    private static partial void LogIgnoredReports(ILogger logger, string provider, string type, WhatsAppReceiveChannel channel, string reasons);
}

/// <summary>
/// Reads one notification body. Throws <see cref="NotificationFormatException"/> when it is not JSON, or
/// when a type the package knows does not match its schema; never for an unknown type or unknown fields.
/// </summary>
/// <param name="body">The body, UTF-8.</param>
/// <param name="registrationName">The name the receiving instance was registered under.</param>
internal delegate NotificationBatch NotificationReader(byte[] body, string registrationName);

/// <summary>A notification body the library cannot read: malformed JSON, or a known type that breaks its schema.</summary>
internal sealed class NotificationFormatException : Exception
{
    public NotificationFormatException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
