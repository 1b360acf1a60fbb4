using System;
using System.Collections.Generic;
using Newtonsoft.Json;

namespace Messaging.WhatsApp;

/// <summary>
/// Reads notification bodies for the provider packages: one JSON object in UTF-8 (what
/// <see cref="StrictJsonReader"/> accepts), the type property found first, then the body read as the model of
/// that type with <see cref="StrictContractResolver.Tolerant"/>: unknown fields kept, a null optional field
/// absent, a known field of another type an error.
/// </summary>
internal static class NotificationJson
{
    private static readonly JsonSerializer Serializer = JsonSerializer.Create(Settings());

    /// <summary>
    /// The string value of the top-level property <paramref name="name"/>, or null when there is none. Reads the
    /// whole body, so that anything but one well-formed JSON object throws here.
    /// </summary>
    /// <exception cref="NotificationFormatException">Not one JSON object, a property given twice in any object of it, or the property is not a string.</exception>
    public static string? TopLevelString(byte[] utf8, string name)
    {
        try
        {
            var reader = new StrictJsonReader(utf8) { MaxDepth = 64 };
            if (!reader.Read())
            {
                throw new NotificationFormatException("The body is empty.");
            }

            if (reader.TokenType != JsonToken.StartObject)
            {
                throw new NotificationFormatException($"The body is {StrictJsonReader.Describe(reader.TokenType)}, not a JSON object.");
            }

            string? value = null;
            var names = new HashSet<string>(StringComparer.Ordinal);
            while (true)
            {
                if (!reader.Read())
                {
                    throw new NotificationFormatException("The object is not closed.");
                }

                if (reader.TokenType == JsonToken.EndObject)
                {
                    break;
                }

                var property = (string)reader.Value!;
                if (!names.Add(property))
                {
                    throw new NotificationFormatException($"'{property}' is given twice.");
                }

                if (!reader.Read())
                {
                    throw new NotificationFormatException("The JSON text ends where a value is expected.");
                }

                if (!string.Equals(property, name, StringComparison.Ordinal))
                {
                    SkipValue(reader);
                    continue;
                }

                value = reader.TokenType == JsonToken.String
                    ? (string)reader.Value!
                    : throw new NotificationFormatException($"'{name}' is {StrictJsonReader.Describe(reader.TokenType)}, not a string.");
            }

            reader.EnsureEnd();
            return value;
        }
        catch (JsonException e)
        {
            throw new NotificationFormatException("The body is not one JSON object in UTF-8: " + e.Message, e);
        }
    }

    /// <summary>The body as <typeparamref name="T"/>.</summary>
    /// <exception cref="NotificationFormatException">A field the model knows has another type, or a required one is missing.</exception>
    public static T Read<T>(byte[] utf8)
        where T : class
    {
        try
        {
            return StrictJson.Deserialize<T>(utf8, Serializer);
        }
        catch (JsonException e)
        {
            throw new NotificationFormatException(e.Message, e);
        }
    }

    /// <summary>
    /// The body as a JSON object whose fields are kept as they are: for a type the package does not read, whose
    /// common fields do not fit its base model. The body was already found to be one JSON object.
    /// </summary>
    public static Newtonsoft.Json.Linq.JObject ReadObject(byte[] utf8)
    {
        try
        {
            var reader = new StrictJsonReader(utf8) { MaxDepth = 64 };
            var value = Newtonsoft.Json.Linq.JObject.Load(reader, new Newtonsoft.Json.Linq.JsonLoadSettings { DuplicatePropertyNameHandling = Newtonsoft.Json.Linq.DuplicatePropertyNameHandling.Error });
            reader.EnsureEnd();
            return value;
        }
        catch (JsonException e)
        {
            throw new NotificationFormatException("The body is not one JSON object in UTF-8: " + e.Message, e);
        }
    }

    /// <summary>Unix seconds as a time, or null when absent or out of range.</summary>
    public static DateTimeOffset? FromUnixSeconds(long? seconds) =>
        seconds is >= 0 and <= 253_402_300_799 ? DateTimeOffset.FromUnixTimeSeconds(seconds.Value) : null;

    /// <summary>
    /// Skips the value the reader is on, refusing a property given twice in any object inside it: the models keep
    /// unknown fields by name, so a duplicate would otherwise be dropped in silence.
    /// </summary>
    private static void SkipValue(JsonReader reader)
    {
        if (reader.TokenType == JsonToken.StartObject)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType != JsonToken.EndObject)
            {
                if (!names.Add((string)reader.Value!))
                {
                    throw new NotificationFormatException($"'{reader.Path}' is given twice.");
                }

                reader.Read();
                SkipValue(reader);
            }
        }
        else if (reader.TokenType == JsonToken.StartArray)
        {
            while (reader.Read() && reader.TokenType != JsonToken.EndArray)
            {
                SkipValue(reader);
            }
        }
    }

    private static JsonSerializerSettings Settings()
    {
        var settings = new JsonSerializerSettings();
        StrictContractResolver.Apply(settings);
        settings.ContractResolver = StrictContractResolver.Tolerant;
        return settings;
    }
}
