using System;
using System.Collections.Generic;
using System.Globalization;

namespace Messaging.WhatsApp.GreenApi;

/// <summary>
/// Reads a GREEN-API notification (specs/green-api-notifications.yaml), whether POSTed to the webhook or
/// returned by receiveNotification, and turns the ones about sent messages into <see cref="WhatsAppUpdate"/>s:
/// <list type="table">
/// <item><term><c>outgoingMessageStatus</c></term><description>one update: <c>sent</c>, <c>delivered</c>,
/// <c>read</c> as such; <c>pending</c> (the journals' word) as queued; <c>failed</c>, <c>noAccount</c>,
/// <c>notInGroup</c>, <c>yellowCard</c> as failed (error: the description, or the status when there is none);
/// anything else unknown.</description></item>
/// <item><term><c>outgoingAPIMessageReceived</c></term><description>one update, queued: the gateway has the
/// message.</description></item>
/// <item><term>either, without a usable <c>idMessage</c>, or with an empty or blank chat</term><description>no update: the report names no
/// message the app sent. The notification still reaches the notification handlers, and the reason is in
/// <see cref="NotificationBatch.Ignored"/>.</description></item>
/// <item><term><c>stateInstanceChanged</c>, <c>quotaExceeded</c></term><description>no update; typed
/// notifications for the notification handlers.</description></item>
/// <item><term>any other type</term><description>no update; a <see cref="GreenApiNotification"/> with the body's
/// fields, never an error.</description></item>
/// </list>
/// </summary>
internal static class GreenApiNotificationReader
{
    public const string OutgoingMessageStatus = "outgoingMessageStatus";
    public const string OutgoingApiMessageReceived = "outgoingAPIMessageReceived";
    public const string StateInstanceChanged = "stateInstanceChanged";
    public const string QuotaExceeded = "quotaExceeded";

    private static readonly IReadOnlyList<WhatsAppUpdate> None = Array.Empty<WhatsAppUpdate>();

    /// <exception cref="NotificationFormatException">Not one JSON object, no <c>typeWebhook</c>, or a known type that breaks its schema.</exception>
    public static NotificationBatch Read(byte[] body, string registrationName)
    {
        var type = NotificationJson.TopLevelString(body, "typeWebhook")
            ?? throw new NotificationFormatException("'typeWebhook' is missing: this is not a GREEN-API notification.");
        switch (type)
        {
            case OutgoingMessageStatus:
                var status = NotificationJson.Read<GreenApiOutgoingMessageStatusNotification>(body);
                return NotificationBatch.Unusable("idMessage", status.IdMessage, "chatId", status.ChatId) is { } why
                    ? new NotificationBatch(type, status, None, [why])
                    : new NotificationBatch(type, status, [StatusUpdate(status, registrationName)]);
            case OutgoingApiMessageReceived:
                var echo = NotificationJson.Read<GreenApiOutgoingApiMessageNotification>(body);
                return NotificationBatch.Unusable("idMessage", echo.IdMessage, "senderData.chatId", echo.SenderData?.ChatId) is { } unusable
                    ? new NotificationBatch(type, echo, None, [unusable])
                    : new NotificationBatch(type, echo, [EchoUpdate(echo, registrationName)]);
            case StateInstanceChanged:
                return new NotificationBatch(type, NotificationJson.Read<GreenApiStateInstanceChangedNotification>(body), None);
            case QuotaExceeded:
                return new NotificationBatch(type, NotificationJson.Read<GreenApiQuotaExceededNotification>(body), None);
            default:
                return new NotificationBatch(type, Other(body, type), None) { Known = false };
        }
    }

    /// <summary>The neutral status of an <c>outgoingMessageStatus</c> value.</summary>
    public static WhatsAppMessageStatus StatusOf(string? status) => status switch
    {
        "sent" => WhatsAppMessageStatus.Sent,
        "delivered" => WhatsAppMessageStatus.Delivered,
        "read" => WhatsAppMessageStatus.Read,
        "failed" or "noAccount" or "notInGroup" or "yellowCard" => WhatsAppMessageStatus.Failed,
        "pending" => WhatsAppMessageStatus.Queued,
        _ => WhatsAppMessageStatus.Unknown,
    };

    private static WhatsAppUpdate StatusUpdate(GreenApiOutgoingMessageStatusNotification n, string registrationName)
    {
        var status = StatusOf(n.Status);
        return new WhatsAppUpdate(
            GreenApiOptions.Provider,
            registrationName,
            Instance(n),
            n.IdMessage,
            n.ChatId,
            status,
            n.Status,
            n.Description ?? (status == WhatsAppMessageStatus.Failed ? n.Status : null),
            NotificationJson.FromUnixSeconds(n.Timestamp),
            n);
    }

    private static WhatsAppUpdate EchoUpdate(GreenApiOutgoingApiMessageNotification n, string registrationName) =>
        new(
            GreenApiOptions.Provider,
            registrationName,
            Instance(n),
            n.IdMessage,
            n.SenderData?.ChatId,
            WhatsAppMessageStatus.Queued,
            OutgoingApiMessageReceived,
            null,
            NotificationJson.FromUnixSeconds(n.Timestamp),
            n);

    private static string? Instance(GreenApiNotification n) =>
        n.InstanceData?.IdInstance is { } id ? id.ToString(CultureInfo.InvariantCulture) : null;

    /// <summary>
    /// A type this package does not read: as the base notification when its common fields fit, otherwise with
    /// only its type and the rest kept as unknown fields. Never an error.
    /// </summary>
    private static GreenApiNotification Other(byte[] body, string type)
    {
        try
        {
            return NotificationJson.Read<GreenApiNotification>(body);
        }
        catch (NotificationFormatException)
        {
            var other = new GreenApiNotification { TypeWebhook = type };
            foreach (var property in NotificationJson.ReadObject(body).Properties())
            {
                if (property.Name != "typeWebhook")
                {
                    other.AdditionalProperties[property.Name] = property.Value;
                }
            }

            return other;
        }
    }
}
