using System;

namespace Messaging.WhatsApp;

/// <summary>A send about to be made, as a <see cref="IWhatsAppSendRecorder"/> records it. Holds no credential.</summary>
public sealed class WhatsAppSendIntent
{
    internal WhatsAppSendIntent(WhatsAppProvider provider, string registrationName, string instance, string? idempotencyKey, string chatId, string? text, string content)
    {
        Provider = provider;
        RegistrationName = registrationName;
        Instance = instance;
        IdempotencyKey = idempotencyKey;
        ChatId = chatId;
        Text = text;
        Content = content;
    }

    /// <summary>The gateway.</summary>
    public WhatsAppProvider Provider { get; }

    /// <summary>The name the sender was registered under: "" for the default one.</summary>
    public string RegistrationName { get; }

    /// <summary>The gateway's id of the sending instance (GREEN-API's IdInstance, Maytapi's ProductId/PhoneId), never a credential.</summary>
    public string Instance { get; }

    /// <summary>The caller's key (<see cref="SendOptions.IdempotencyKey"/>), or null when the send carries none.</summary>
    public string? IdempotencyKey { get; }

    /// <summary>The chat as the request names it (GREEN-API's <c>chatId</c>, Maytapi's <c>to_number</c>).</summary>
    public string ChatId { get; }

    /// <summary>The message's text, when it is a text (or has a caption); null otherwise.</summary>
    public string? Text { get; }

    /// <summary>The request as JSON, exactly what the gateway is sent (no credential is part of it): what a key's content is compared by.</summary>
    public string Content { get; }

    /// <summary>The send, for logs: provider, registration and key, no chat or content.</summary>
    /// <returns>E.g. <c>GREEN-API send, key order-42</c>.</returns>
    public override string ToString() =>
        Provider.DisplayName + " send" + (RegistrationName.Length == 0 ? string.Empty : " via " + RegistrationName) + (IdempotencyKey is null ? string.Empty : ", key " + IdempotencyKey);
}
