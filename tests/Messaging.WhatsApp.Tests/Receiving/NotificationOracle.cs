using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace Messaging.WhatsApp.Tests.Receiving;

/// <summary>What the oracle expects of one body: accepted or not (and why), the model, the updates.</summary>
public sealed record OracleVerdict(bool Accepted, string Reason, string? Model, IReadOnlyList<ExpectedUpdate> Updates);

/// <summary>
/// An independent reading of a notification body, written from the specs (specs/*-notifications.yaml), the
/// receiving rules of the brief and the mapping tables of the readers' documentation, with System.Text.Json and
/// nothing of the library: one JSON object in strict UTF-8 (no byte order mark, nesting at most 64 levels, no
/// name twice in any object, no lone surrogate, no fraction or exponent beyond double's range), a string type field, and for a known type every field the
/// spec types of that type (a null optional field counts as absent; a required one must be there and not null;
/// list items are never null). Unknown types and fields are accepted.
/// </summary>
public static class NotificationOracle
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly Kind Str = new("a string");
    private static readonly Kind Bool = new("true or false");
    private static readonly Kind Int32 = new("an int32");
    private static readonly Kind Int64 = new("an int64");
    private static readonly Kind Any = new("anything");

    private static readonly Schema InstanceData = new(new() { ["idInstance"] = Int64, ["wid"] = Str, ["typeInstance"] = Str });

    private static readonly Dictionary<string, Kind> GreenBase = new() { ["typeWebhook"] = Str, ["instanceData"] = Kind.Of(InstanceData), ["timestamp"] = Int64 };

    private static readonly Dictionary<string, Schema> GreenTypes = new()
    {
        ["outgoingMessageStatus"] = new(With(GreenBase, new() { ["chatId"] = Str, ["idMessage"] = Str, ["status"] = Str, ["description"] = Str, ["sendByApi"] = Bool }), "typeWebhook", "idMessage", "status"),
        ["outgoingAPIMessageReceived"] = new(
            With(GreenBase, new()
            {
                ["idMessage"] = Str,
                ["senderData"] = Kind.Of(new(new() { ["chatId"] = Str, ["chatName"] = Str, ["sender"] = Str, ["senderName"] = Str, ["senderContactName"] = Str })),
                ["messageData"] = Kind.Of(new(new()
                {
                    ["typeMessage"] = Str,
                    ["textMessageData"] = Kind.Of(new(new() { ["textMessage"] = Str, ["isTemplateMessage"] = Bool })),
                    ["extendedTextMessageData"] = Kind.Of(new(new()
                    {
                        ["text"] = Str, ["description"] = Str, ["title"] = Str, ["previewType"] = Str, ["jpegThumbnail"] = Str,
                        ["stanzaId"] = Str, ["participant"] = Str, ["forwardingScore"] = Int32, ["isForwarded"] = Bool,
                    })),
                })),
            }),
            "typeWebhook",
            "idMessage"),
        ["stateInstanceChanged"] = new(With(GreenBase, new() { ["stateInstance"] = Str }), "typeWebhook", "stateInstance"),
        ["quotaExceeded"] = new(
            With(GreenBase, new() { ["quotaData"] = Kind.Of(new(new() { ["method"] = Str, ["used"] = Any, ["total"] = Any, ["status"] = Str, ["description"] = Str })) }),
            "typeWebhook"),
    };

    private static readonly Dictionary<string, Kind> MaytapiBase = new() { ["type"] = Str, ["product_id"] = Str, ["phone_id"] = Any };

    private static readonly Dictionary<string, Schema> MaytapiTypes = new()
    {
        ["ack"] = new(
            With(MaytapiBase, new()
            {
                ["data"] = Kind.ListOf(Kind.Of(new(new()
                {
                    ["msgId"] = Str, ["chatId"] = Str, ["ackType"] = Str, ["ackCode"] = Int32, ["time"] = Int64, ["rxid"] = Str,
                    ["options"] = Kind.ListOf(Kind.Of(new(new() { ["id"] = Int32, ["name"] = Str, ["votes"] = Int32 }))),
                    ["text"] = Str, ["reaction"] = Str, ["reactionId"] = Str, ["reactorId"] = Str,
                }))),
            }),
            "type",
            "data"),
        ["error"] = new(
            With(MaytapiBase, new() { ["code"] = Str, ["message"] = Str, ["data"] = Kind.Of(new(new() { ["id"] = Str, ["to_number"] = Str, ["type"] = Str, ["phone_id"] = Any })) }),
            "type"),
        ["status"] = new(With(MaytapiBase, new() { ["pid"] = Str, ["status"] = Str }), "type", "status"),
    };

    public static OracleVerdict Judge(string provider, byte[] body)
    {
        var typeField = provider == "green-api" ? "typeWebhook" : "type";
        if (body.Length >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF)
        {
            return Refused("byte order mark");
        }

        try
        {
            StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return Refused("not UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            return Refused("not JSON: " + e.Message);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Refused("not an object");
            }

            if (WellFormed(root) is { } broken)
            {
                return Refused(broken);
            }

            if (!root.TryGetProperty(typeField, out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
            {
                return Refused("no string " + typeField);
            }

            var type = typeElement.GetString()!;
            var known = provider == "green-api" ? GreenTypes : MaytapiTypes;
            if (!known.TryGetValue(type, out var schema))
            {
                return new OracleVerdict(true, "unknown type", provider == "green-api" ? "GreenApiNotification" : "MaytapiNotification", []);
            }

            if (Check(root, schema) is { } wrong)
            {
                return Refused(type + ": " + wrong);
            }

            return provider == "green-api" ? GreenApi(type, root) : Maytapi(type, root);
        }
    }

    private static OracleVerdict Refused(string reason) => new(false, reason, null, []);

    private static Dictionary<string, Kind> With(Dictionary<string, Kind> first, Dictionary<string, Kind> more) =>
        first.Concat(more).ToDictionary(p => p.Key, p => p.Value);

    /// <summary>No object with a name twice, no string or name with a lone surrogate, anywhere.</summary>
    private static string? WellFormed(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    var names = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var property in element.EnumerateObject())
                    {
                        if (!names.Add(property.Name))
                        {
                            return $"'{property.Name}' twice";
                        }

                        if (WellFormed(property.Value) is { } inner)
                        {
                            return inner;
                        }
                    }

                    return null;
                case JsonValueKind.Array:
                    return element.EnumerateArray().Select(WellFormed).FirstOrDefault(r => r is not null);
                case JsonValueKind.String:
                    element.GetString();
                    return null;
                case JsonValueKind.Number:
                    // The library's strict reader refuses a fraction or exponent beyond double's range (its documented limit).
                    var raw = element.GetRawText();
                    return raw.AsSpan().IndexOfAny(".eE") >= 0 && double.IsInfinity(double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture))
                        ? "a number beyond double's range"
                        : null;
                default:
                    return null;
            }
        }
        catch (InvalidOperationException)
        {
            return "a lone surrogate";
        }
    }

    private static string? Check(JsonElement value, Schema schema)
    {
        foreach (var property in value.EnumerateObject())
        {
            if (!schema.Fields.TryGetValue(property.Name, out var kind))
            {
                continue;
            }

            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                if (schema.Required.Contains(property.Name))
                {
                    return $"'{property.Name}' is null";
                }

                continue;
            }

            if (Check(property.Value, kind) is { } wrong)
            {
                return $"'{property.Name}' {wrong}";
            }
        }

        return schema.Required.FirstOrDefault(r => !value.TryGetProperty(r, out _)) is { } missing ? $"'{missing}' missing" : null;
    }

    private static string? Check(JsonElement value, Kind kind)
    {
        var fits = kind switch
        {
            _ when kind == Any => true,
            _ when kind == Str => value.ValueKind == JsonValueKind.String,
            _ when kind == Bool => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            _ when kind == Int32 => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _),
            _ when kind == Int64 => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
            { Object: not null } => value.ValueKind == JsonValueKind.Object,
            { Item: not null } => value.ValueKind == JsonValueKind.Array,
            _ => throw new InvalidOperationException("unknown kind"),
        };
        if (!fits)
        {
            return "is not " + kind.Name;
        }

        if (kind.Object is { } objectSchema)
        {
            return Check(value, objectSchema);
        }

        if (kind.Item is { } item)
        {
            foreach (var element in value.EnumerateArray())
            {
                if (element.ValueKind == JsonValueKind.Null)
                {
                    return "has a null item";
                }

                if (Check(element, item) is { } wrong)
                {
                    return "item " + wrong;
                }
            }
        }

        return null;
    }

    /// <summary>GREEN-API's table: outgoingMessageStatus and outgoingAPIMessageReceived make one update each.</summary>
    private static OracleVerdict GreenApi(string type, JsonElement root)
    {
        var model = type switch
        {
            "outgoingMessageStatus" => "GreenApiOutgoingMessageStatusNotification",
            "outgoingAPIMessageReceived" => "GreenApiOutgoingApiMessageNotification",
            "stateInstanceChanged" => "GreenApiStateInstanceChangedNotification",
            _ => "GreenApiQuotaExceededNotification",
        };
        var instance = Object(root, "instanceData") is { } data && Int(data, "idInstance") is { } id ? id.ToString(CultureInfo.InvariantCulture) : null;
        var time = Time(Int(root, "timestamp"));
        var updates = new List<ExpectedUpdate>();
        if (type == "outgoingMessageStatus" && Names(Text(root, "idMessage"), Text(root, "chatId")))
        {
            var status = Text(root, "status")!;
            var neutral = status switch
            {
                "sent" or "delivered" or "read" => status,
                "pending" => "queued",
                "failed" or "noAccount" or "notInGroup" or "yellowCard" => "failed",
                _ => "unknown",
            };
            updates.Add(new ExpectedUpdate("green-api", instance, Text(root, "idMessage")!, Text(root, "chatId"), neutral, status, Text(root, "description") ?? (neutral == "failed" ? status : null), time));
        }
        else if (type == "outgoingAPIMessageReceived" && Names(Text(root, "idMessage"), Object(root, "senderData") is { } sender ? Text(sender, "chatId") : null))
        {
            updates.Add(new ExpectedUpdate("green-api", instance, Text(root, "idMessage")!, Object(root, "senderData") is { } echoSender ? Text(echoSender, "chatId") : null, "queued", "outgoingAPIMessageReceived", null, time));
        }

        return new OracleVerdict(true, type, model, updates);
    }

    /// <summary>Maytapi's table: an update per ack entry with a code or a type and a message id; one failed update per error naming a message.</summary>
    private static OracleVerdict Maytapi(string type, JsonElement root)
    {
        var instance = PhoneText(root, "phone_id") ?? PhoneText(root, "phoneId");
        var updates = new List<ExpectedUpdate>();
        if (type == "ack")
        {
            foreach (var entry in root.GetProperty("data").EnumerateArray())
            {
                var code = Int(entry, "ackCode");
                var ackType = Text(entry, "ackType");
                var messageId = Text(entry, "msgId");
                if ((code is null && ackType is null) || !Names(messageId, Text(entry, "chatId")))
                {
                    continue;
                }

                var byCode = code switch
                {
                    null => null,
                    1 => "sent",
                    2 => "delivered",
                    3 => "read",
                    4 => "played",
                    5 => "deleted",
                    _ => "unknown",
                };
                var byType = ackType switch
                {
                    null => null,
                    "delivered" => "sent",
                    "reached" => "delivered",
                    "seen" => "read",
                    "played" => "played",
                    "deleted" => "deleted",
                    _ => "unknown",
                };

                // Both given and saying different things: the lower of two steps on the way, else unknown.
                string[] steps = ["sent", "delivered", "read", "played"];
                var neutral = byCode is null ? byType!
                    : byType is null || byType == byCode ? byCode
                    : Array.IndexOf(steps, byCode) is >= 0 and var c && Array.IndexOf(steps, byType) is >= 0 and var t ? steps[Math.Min(c, t)]
                    : "unknown";
                var codeText = code?.ToString(CultureInfo.InvariantCulture);
                var word = ackType is null ? codeText! : codeText is null || byCode == byType ? ackType : ackType + "/" + codeText;
                updates.Add(new ExpectedUpdate("maytapi", instance, messageId!, Text(entry, "chatId"), neutral, word, null, Time(Int(entry, "time"))));
            }
        }
        else if (type == "error" && Object(root, "data") is { } data && Text(data, "id") is { } id && Names(id, Text(data, "to_number")))
        {
            updates.Add(new ExpectedUpdate("maytapi", instance, id, Text(data, "to_number"), "failed", Text(root, "code") ?? "error", Text(root, "message"), null));
        }

        var model = type switch
        {
            "ack" => "MaytapiAckNotification",
            "error" => "MaytapiErrorNotification",
            _ => "MaytapiStatusNotification",
        };
        return new OracleVerdict(true, type, model, updates);
    }

    /// <summary>
    /// Whether a status report names a message: an id with something besides white space and no control character,
    /// and no chat or a chat that is such a text too.
    /// </summary>
    private static bool Names(string? id, string? chat)
    {
        static bool Usable(string text) => text.Trim().Length > 0 && !text.Any(char.IsControl);
        return id is not null && Usable(id) && (chat is null || Usable(chat));
    }

    private static JsonElement? Object(JsonElement owner, string name) =>
        owner.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static string? Text(JsonElement owner, string name) =>
        owner.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Int(JsonElement owner, string name) =>
        owner.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    /// <summary>A phone id as text: a string as it is, an integer in its digits, anything else none.</summary>
    private static string? PhoneText(JsonElement owner, string name) =>
        Text(owner, name) ?? (Int(owner, name) is { } number ? number.ToString(CultureInfo.InvariantCulture) : null);

    /// <summary>Unix seconds from 0 to the last second of year 9999, as a time; anything else none.</summary>
    private static DateTimeOffset? Time(long? seconds) =>
        seconds is >= 0 and <= 253_402_300_799 ? DateTimeOffset.FromUnixTimeSeconds(seconds.Value) : null;

    private sealed record Schema(Dictionary<string, Kind> Fields, params string[] Required);

    private sealed record Kind(string Name, Schema? Object = null, Kind? Item = null)
    {
        public static Kind Of(Schema schema) => new("an object", schema);

        public static Kind ListOf(Kind item) => new("an array", Item: item);
    }
}
