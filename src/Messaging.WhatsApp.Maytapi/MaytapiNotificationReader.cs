using System;
using System.Collections.Generic;
using System.Globalization;

namespace Messaging.WhatsApp.Maytapi;

/// <summary>
/// Reads a Maytapi webhook notification (specs/maytapi-notifications.yaml) and turns the ones about sent
/// messages into <see cref="WhatsAppUpdate"/>s:
/// <list type="table">
/// <item><term><c>ack</c></term><description>one update per entry that has an <c>ackCode</c> or <c>ackType</c>:
/// 1 (delivered to WhatsApp's servers) sent, 2 (reached the phone) delivered, 3 (seen) read, 4 played, 5 deleted,
/// anything else unknown. Entries without either (poll votes, reactions) give none.</description></item>
/// <item><term><c>error</c></term><description>one failed update for the message <c>data.id</c> names (a send
/// that was accepted, then failed); error: the message, provider status: the code.</description></item>
/// <item><term><c>status</c></term><description>no update; the phone's state, for the notification handlers.</description></item>
/// <item><term>any other type</term><description>no update; a <see cref="MaytapiNotification"/> with the body's
/// fields, never an error.</description></item>
/// </list>
/// </summary>
internal static class MaytapiNotificationReader
{
    public const string Ack = "ack";
    public const string Error = "error";
    public const string Status = "status";

    private static readonly IReadOnlyList<WhatsAppUpdate> None = Array.Empty<WhatsAppUpdate>();

    /// <exception cref="NotificationFormatException">Not one JSON object, no <c>type</c>, or a known type that breaks its schema.</exception>
    public static NotificationBatch Read(byte[] body, string registrationName)
    {
        var type = NotificationJson.TopLevelString(body, "type")
            ?? throw new NotificationFormatException("'type' is missing: this is not a Maytapi notification.");
        switch (type)
        {
            case Ack:
                var ack = NotificationJson.Read<MaytapiAckNotification>(body);
                return new NotificationBatch(type, ack, AckUpdates(ack, registrationName));
            case Error:
                var error = NotificationJson.Read<MaytapiErrorNotification>(body);
                return new NotificationBatch(type, error, ErrorUpdates(error, registrationName));
            case Status:
                return new NotificationBatch(type, NotificationJson.Read<MaytapiStatusNotification>(body), None);
            default:
                return new NotificationBatch(type, Other(body, type), None) { Known = false };
        }
    }

    /// <summary>The neutral status of an ack code (1–5), or of its name when the code is absent.</summary>
    public static WhatsAppMessageStatus StatusOf(int? ackCode, string? ackType) => ackCode switch
    {
        1 => WhatsAppMessageStatus.Sent,
        2 => WhatsAppMessageStatus.Delivered,
        3 => WhatsAppMessageStatus.Read,
        4 => WhatsAppMessageStatus.Played,
        5 => WhatsAppMessageStatus.Deleted,
        null => ackType switch
        {
            "delivered" => WhatsAppMessageStatus.Sent,
            "reached" => WhatsAppMessageStatus.Delivered,
            "seen" => WhatsAppMessageStatus.Read,
            "played" => WhatsAppMessageStatus.Played,
            "deleted" => WhatsAppMessageStatus.Deleted,
            _ => WhatsAppMessageStatus.Unknown,
        },
        _ => WhatsAppMessageStatus.Unknown,
    };

    private static IReadOnlyList<WhatsAppUpdate> AckUpdates(MaytapiAckNotification n, string registrationName)
    {
        if (n.Data is null || n.Data.Count == 0)
        {
            return None;
        }

        var instance = Instance(n);
        var updates = new List<WhatsAppUpdate>(n.Data.Count);
        foreach (var entry in n.Data)
        {
            if (entry is null || (entry.AckCode is null && entry.AckType is null) || string.IsNullOrEmpty(entry.MsgId))
            {
                continue;
            }

            updates.Add(new WhatsAppUpdate(
                MaytapiOptions.Provider,
                registrationName,
                instance,
                entry.MsgId!,
                entry.ChatId,
                StatusOf(entry.AckCode, entry.AckType),
                entry.AckType ?? entry.AckCode!.Value.ToString(CultureInfo.InvariantCulture),
                null,
                NotificationJson.FromUnixSeconds(entry.Time),
                n));
        }

        return updates;
    }

    private static IReadOnlyList<WhatsAppUpdate> ErrorUpdates(MaytapiErrorNotification n, string registrationName) =>
        n.Data?.Id is { Length: > 0 } id
            ?
            [
                new WhatsAppUpdate(
                    MaytapiOptions.Provider,
                    registrationName,
                    Instance(n),
                    id,
                    n.Data.ToNumber,
                    WhatsAppMessageStatus.Failed,
                    n.Code ?? Error,
                    n.Message,
                    null,
                    n),
            ]
            : None;

    /// <summary>The phone id, a number in real payloads and a string in Maytapi's own spec: either, as text.</summary>
    private static string? Instance(MaytapiNotification n) =>
        Text(n.PhoneId) ?? (n.AdditionalProperties.TryGetValue("phoneId", out var camel) ? Text(camel) : null);

    private static string? Text(object? value) => value switch
    {
        string s => s,
        long l => l.ToString(CultureInfo.InvariantCulture),
        Newtonsoft.Json.Linq.JValue { Value: { } v } => Text(v),
        _ => null,
    };

    private static MaytapiNotification Other(byte[] body, string type)
    {
        try
        {
            return NotificationJson.Read<MaytapiNotification>(body);
        }
        catch (NotificationFormatException)
        {
            var other = new MaytapiNotification { Type = type };
            foreach (var property in NotificationJson.ReadObject(body).Properties())
            {
                if (property.Name != "type")
                {
                    other.AdditionalProperties[property.Name] = property.Value;
                }
            }

            return other;
        }
    }
}
