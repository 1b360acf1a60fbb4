using System.Collections.Generic;

namespace Messaging.WhatsApp;

/// <summary>How a notification arrived, and the updates the library read from it.</summary>
public sealed class WhatsAppNotificationContext
{
    internal WhatsAppNotificationContext(WhatsAppProvider provider, string registrationName, WhatsAppReceiveChannel channel, string type, IReadOnlyList<WhatsAppUpdate> updates)
    {
        Provider = provider;
        RegistrationName = registrationName;
        Channel = channel;
        Type = type;
        Updates = updates;
    }

    /// <summary>The gateway.</summary>
    public WhatsAppProvider Provider { get; }

    /// <summary>The name the receiving instance was registered under: "" for the default one.</summary>
    public string RegistrationName { get; }

    /// <summary>Webhook or polling.</summary>
    public WhatsAppReceiveChannel Channel { get; }

    /// <summary>The notification's type as the gateway names it (GREEN-API's <c>typeWebhook</c>, Maytapi's <c>type</c>).</summary>
    public string Type { get; }

    /// <summary>The message updates read from it: none, one, or (a Maytapi ack) several.</summary>
    public IReadOnlyList<WhatsAppUpdate> Updates { get; }

    /// <summary>Whether the provider package reads this type; telemetry names the others <c>other</c>.</summary>
    internal bool KnownType { get; init; } = true;

    /// <summary>The type as telemetry names it: bounded, whatever the gateway sends.</summary>
    internal string TelemetryType => KnownType ? Type : "other";
}

/// <summary>How notifications reach the app.</summary>
public enum WhatsAppReceiveChannel
{
    /// <summary>The gateway POSTed it to the app's webhook endpoint.</summary>
    Webhook = 0,

    /// <summary>The app fetched it from the gateway's queue (GREEN-API's receiveNotification).</summary>
    Polling = 1,
}
