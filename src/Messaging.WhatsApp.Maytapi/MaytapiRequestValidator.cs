using System;
using System.Collections.Generic;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Linq;
using System.Reflection;

namespace Messaging.WhatsApp.Maytapi;

/// <summary>Maytapi's rules for sendMessage (specs/maytapi.yaml), checked before anything is sent.</summary>
internal static class MaytapiRequestValidator
{
    public static void Validate(MaytapiMessage? message)
    {
        if (message is null)
        {
            throw new WhatsAppArgumentException("message", "must not be null");
        }

        if (message.GetType().Assembly != typeof(MaytapiMessage).Assembly)
        {
            // A subclass of the caller's own has no type Maytapi knows, and would be sent without one.
            throw new WhatsAppArgumentException("message", $"must be one of the message types of this package (TextMessage, MediaMessage, LocationMessage, …), not {message.GetType().Name}");
        }

        ValidateToNumber(message.ToNumber);
        switch (message)
        {
            case TextMessage text:
                ValidateText(text.Message);
                break;
            case LocationMessage location:
                ValidateCoordinate("latitude", location.Latitude, 90);
                ValidateCoordinate("longitude", location.Longitude, 180);
                break;
        }

        // Everything else the spec says (required fields, patterns, lengths) is on the generated models as
        // data annotations, nested objects and list items included.
        ValidateAnnotations(message, string.Empty);
    }

    private static void ValidateAnnotations(object model, string prefix)
    {
        var type = model.GetType();
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(model, new ValidationContext(model), results, validateAllProperties: true))
        {
            var first = results[0];
            var member = first.MemberNames.FirstOrDefault();
            var field = member is null ? prefix.TrimEnd('.') : prefix + JsonName(type, member);
            throw new WhatsAppArgumentException(field.Length == 0 ? "message" : field, $"breaks the spec: {first.ErrorMessage}");
        }

        foreach (var property in type.GetProperties())
        {
            if (property.GetIndexParameters().Length > 0 || !property.CanRead)
            {
                continue;
            }

            var name = prefix + JsonName(type, property.Name);
            switch (property.GetValue(model))
            {
                case { } child when IsModel(child.GetType()):
                    ValidateAnnotations(child, name + ".");
                    break;
                case System.Collections.IEnumerable items and not string:
                    var index = 0;
                    foreach (var item in items)
                    {
                        if (item is null)
                        {
                            throw new WhatsAppArgumentException($"{name}[{index}]", "must not be null");
                        }

                        if (IsModel(item.GetType()))
                        {
                            ValidateAnnotations(item, $"{name}[{index}].");
                        }

                        index++;
                    }

                    break;
            }
        }
    }

    /// <summary>A generated model of this spec (not a string, number or collection).</summary>
    private static bool IsModel(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace == typeof(MaytapiMessage).Namespace;

    /// <summary>The rules of a text send: the chat, the text and the quoted message, named as the caller knows them.</summary>
    public static void ValidateText(ChatAddress chat, string text, string? replyTo)
    {
        ValidateChat(chat);
        ValidateText(text, nameof(text));
        if (replyTo is { Length: 0 })
        {
            throw new WhatsAppArgumentException(nameof(replyTo), "must be null or a message id, not empty");
        }
    }

    public static void ValidateText(string? text, string field = "message")
    {
        if (text is null || text.Length == 0)
        {
            throw new WhatsAppArgumentException(field, "must not be empty");
        }
    }

    public static void ValidateChat(ChatAddress chat)
    {
        if (chat.Kind == ChatAddressKind.None)
        {
            throw new WhatsAppArgumentException("chat", "must be set (it is the default ChatAddress)");
        }
    }

    /// <summary>Maytapi's form of a chat: digits for a person, the full id for anything else.</summary>
    public static string ToNumber(ChatAddress chat) => chat.Kind == ChatAddressKind.Person ? chat.User : chat.Id;

    public static void ValidateCoordinate(string field, double value, double limit)
    {
        if (double.IsNaN(value) || double.IsInfinity(value) || Math.Abs(value) > limit)
        {
            throw new WhatsAppArgumentException(field, $"must be a number between -{limit} and {limit} (was {value.ToString(CultureInfo.InvariantCulture)})");
        }
    }

    private static void ValidateCoordinate(string field, string? value, double limit)
    {
        if (!double.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            throw new WhatsAppArgumentException(field, $"must be a decimal number written as a string, such as \"41.093292\" (was '{value}')");
        }

        ValidateCoordinate(field, number, limit);
    }

    private static void ValidateToNumber(string? toNumber)
    {
        // Maytapi takes the digits, the digits with a leading +, or a chat id; nothing with spaces.
        if (!ChatAddress.TryParse(toNumber, out var chat)
            || (toNumber != chat.Id && toNumber != chat.User && toNumber != "+" + chat.User)
            || (chat.Kind != ChatAddressKind.Person && toNumber != chat.Id))
        {
            throw new WhatsAppArgumentException("to_number", $"must be a phone number with country code (905301234567) or a chat id (905301234567@c.us, 120363238104@g.us, …@lid, …@newsletter) (was '{toNumber}'); ChatAddress.Parse accepts what people type");
        }
    }

    private static string JsonName(Type type, string member) =>
        type.GetProperty(member)?.GetCustomAttribute<Newtonsoft.Json.JsonPropertyAttribute>()?.PropertyName ?? member;
}
