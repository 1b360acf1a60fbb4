using System;
using System.Collections.Generic;

namespace Messaging.WhatsApp;

/// <summary>One notification as a provider package read it: the typed model, its type name, and its updates.</summary>
internal sealed class NotificationBatch
{
    public NotificationBatch(string type, object notification, IReadOnlyList<WhatsAppUpdate> updates)
    {
        Type = type;
        Notification = notification;
        Updates = updates;
    }

    /// <summary>The gateway's name for the notification's type.</summary>
    public string Type { get; }

    public object Notification { get; }

    public IReadOnlyList<WhatsAppUpdate> Updates { get; }

    /// <summary>Whether the provider package reads this type (false: it is kept as the provider's base type).</summary>
    public bool Known { get; init; } = true;
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
