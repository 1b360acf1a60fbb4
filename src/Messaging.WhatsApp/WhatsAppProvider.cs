namespace Messaging.WhatsApp;

/// <summary>The gateway a message is sent through.</summary>
public enum WhatsAppProvider
{
    /// <summary>Maytapi (api.maytapi.com).</summary>
    Maytapi = 1,

    /// <summary>GREEN-API (api.green-api.com and per-instance hosts).</summary>
    GreenApi = 2,
}
