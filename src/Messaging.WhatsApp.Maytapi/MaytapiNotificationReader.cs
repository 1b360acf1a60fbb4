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
/// anything else unknown. When an entry has both and they disagree, the lower of the two (see
/// <see cref="StatusOf"/>). Entries without either (poll votes, reactions) give none.</description></item>
/// <item><term><c>error</c></term><description>one failed update for the message <c>data.id</c> names (a send
/// that was accepted, then failed); error: the message, provider status: the code.</description></item>
/// <item><term>an ack entry or error without a usable message id, or with an empty or blank chat</term><description>no update: the report
/// names no message the app sent. The notification still reaches the notification handlers, and the reason is in
/// <see cref="NotificationBatch.Ignored"/>.</description></item>
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
                return AckBatch(NotificationJson.Read<MaytapiAckNotification>(body), registrationName);
            case Error:
                var error = NotificationJson.Read<MaytapiErrorNotification>(body);
                return NotificationBatch.Unusable("data.id", error.Data?.Id, "data.to_number", error.Data?.ToNumber) is { } why
                    ? new NotificationBatch(type, error, None, [why])
                    : new NotificationBatch(type, error, [ErrorUpdate(error, registrationName)]);
            case Status:
                return new NotificationBatch(type, NotificationJson.Read<MaytapiStatusNotification>(body), None);
            default:
                return new NotificationBatch(type, Other(body, type), None) { Known = false };
        }
    }

    /// <summary>
    /// The neutral status of an ack entry: of its code (1–5) or of its name (<c>delivered</c>, <c>reached</c>,
    /// <c>seen</c>, <c>played</c>, <c>deleted</c>), whichever it has. When it has both and they disagree, the body does
    /// not clearly state either, so the lower of the two is reported (a body saying both "delivered" and 3 is
    /// <see cref="WhatsAppMessageStatus.Sent"/>): never a status further along than the body states. Where the two
    /// cannot be ordered (one of them deleted or unknown), the status is <see cref="WhatsAppMessageStatus.Unknown"/>.
    /// </summary>
    public static WhatsAppMessageStatus StatusOf(int? ackCode, string? ackType)
    {
        var fromCode = ackCode switch
        {
            null => (WhatsAppMessageStatus?)null,
            1 => WhatsAppMessageStatus.Sent,
            2 => WhatsAppMessageStatus.Delivered,
            3 => WhatsAppMessageStatus.Read,
            4 => WhatsAppMessageStatus.Played,
            5 => WhatsAppMessageStatus.Deleted,
            _ => WhatsAppMessageStatus.Unknown,
        };
        var fromType = ackType switch
        {
            null => (WhatsAppMessageStatus?)null,
            "delivered" => WhatsAppMessageStatus.Sent,
            "reached" => WhatsAppMessageStatus.Delivered,
            "seen" => WhatsAppMessageStatus.Read,
            "played" => WhatsAppMessageStatus.Played,
            "deleted" => WhatsAppMessageStatus.Deleted,
            _ => WhatsAppMessageStatus.Unknown,
        };
        return (fromCode, fromType) switch
        {
            ({ } code, null) => code,
            (null, { } named) => named,
            ({ } code, { } named) when code == named => code,
            ({ } code, { } named) when IsProgress(code) && IsProgress(named) => code.IsAfter(named) ? named : code,
            _ => WhatsAppMessageStatus.Unknown,
        };
    }

    /// <summary>A step of a message's way to the recipient, which the steps after it include: sent to played.</summary>
    private static bool IsProgress(WhatsAppMessageStatus status) =>
        status is WhatsAppMessageStatus.Sent or WhatsAppMessageStatus.Delivered or WhatsAppMessageStatus.Read or WhatsAppMessageStatus.Played;

    /// <summary>
    /// The gateway's word for an ack entry's status: its name, its code when it has no name, and both when they
    /// disagree (<c>delivered/3</c>), so that the report keeps what the body said and its deduplication key differs
    /// from an agreeing one's.
    /// </summary>
    private static string ProviderStatusOf(int? ackCode, string? ackType)
    {
        var code = ackCode?.ToString(CultureInfo.InvariantCulture);
        return ackType is null ? code!
            : code is null || StatusOf(ackCode, null) == StatusOf(null, ackType) ? ackType
            : ackType + "/" + code;
    }

    private static NotificationBatch AckBatch(MaytapiAckNotification n, string registrationName)
    {
        if (n.Data is null || n.Data.Count == 0)
        {
            return new NotificationBatch(Ack, n, None);
        }

        var instance = Instance(n);
        var updates = new List<WhatsAppUpdate>(n.Data.Count);
        List<string>? ignored = null;
        var index = 0;
        foreach (var entry in n.Data)
        {
            var at = index++;
            if (entry is null || (entry.AckCode is null && entry.AckType is null))
            {
                continue;
            }

            if (NotificationBatch.Unusable("msgId", entry.MsgId, "chatId", entry.ChatId) is { } why)
            {
                (ignored ??= []).Add("data[" + at.ToString(CultureInfo.InvariantCulture) + "]: " + why);
                continue;
            }

            updates.Add(new WhatsAppUpdate(
                MaytapiOptions.Provider,
                registrationName,
                instance,
                entry.MsgId!,
                entry.ChatId,
                StatusOf(entry.AckCode, entry.AckType),
                ProviderStatusOf(entry.AckCode, entry.AckType),
                null,
                NotificationJson.FromUnixSeconds(entry.Time),
                n));
        }

        return new NotificationBatch(Ack, n, updates, ignored);
    }

    private static WhatsAppUpdate ErrorUpdate(MaytapiErrorNotification n, string registrationName) =>
        new(
            MaytapiOptions.Provider,
            registrationName,
            Instance(n),
            n.Data!.Id!,
            n.Data.ToNumber,
            WhatsAppMessageStatus.Failed,
            n.Code ?? Error,
            n.Message,
            null,
            n);

    /// <summary>The notification's phone id (<c>phone_id</c>, else <c>phoneId</c>) as text, whether it came as a number or a string.</summary>
    private static string? Instance(MaytapiNotification n) =>
        Text(n.PhoneId) ?? (n.AdditionalProperties.TryGetValue("phoneId", out var camel) ? Text(camel) : null);

    /// <summary>A phone id as read (a JSON number as a long, a string as it is) as text; anything else names no phone: null.</summary>
    internal static string? Text(object? value) => value switch
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
