using System;
using System.Collections.Generic;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Messaging.WhatsApp.GreenApi;

/// <summary>
/// Hand-written part of the generated model: its <see cref="Body"/> is read as the exact JSON text GREEN-API sent
/// (a <see cref="JRaw"/>), so that a notification fetched by polling is read by the same reader, with the same
/// rules, as the same notification POSTed to a webhook. A parsed tree would already have decided things the
/// notification reader must decide: which of two equal names wins, how deep is too deep, how a number is written.
/// </summary>
[JsonConverter(typeof(GreenApiReceivedNotificationConverter))]
public partial class GreenApiReceivedNotification
{
}

/// <summary>
/// Reads the receiveNotification answer: exactly one <c>receiptId</c> (an integer) and one <c>body</c> (any JSON,
/// kept as its text), each once; other fields kept as they are. Anything else is a
/// <see cref="JsonSerializationException"/>, which the generated client turns into its exception.
/// </summary>
internal sealed class GreenApiReceivedNotificationConverter : JsonConverter
{
    private static readonly JsonLoadSettings NoDuplicates = new() { DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error };

    public override bool CanWrite => false;

    public override bool CanConvert(Type objectType) => objectType == typeof(GreenApiReceivedNotification);

    public override void WriteJson(JsonWriter writer, object? value, JsonSerializer serializer) =>
        throw new NotSupportedException("Writing goes through Newtonsoft.Json's own contract.");

    public override object? ReadJson(JsonReader reader, Type objectType, object? existingValue, JsonSerializer serializer)
    {
        if (reader.TokenType == JsonToken.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonToken.StartObject)
        {
            throw StrictObjectConverter.Fail(reader, $"expected an object, found {StrictJsonReader.Describe(reader.TokenType)}");
        }

        var result = new GreenApiReceivedNotification();
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            StrictObjectConverter.Next(reader);
            if (reader.TokenType == JsonToken.EndObject)
            {
                break;
            }

            var name = (string)reader.Value!;
            if (!names.Add(name))
            {
                throw StrictObjectConverter.Fail(reader, $"'{name}' is given twice");
            }

            StrictObjectConverter.Next(reader);
            switch (name)
            {
                case "receiptId":
                    result.ReceiptId = reader.TokenType == JsonToken.Integer && reader.Value is long receiptId
                        ? receiptId
                        : throw StrictObjectConverter.Fail(reader, "'receiptId' is not an integer in range");
                    break;
                case "body":
                    result.Body = reader.TokenType == JsonToken.Null
                        ? throw StrictObjectConverter.Fail(reader, "'body' is null")
                        : reader is StrictJsonReader strict && reader.TokenType is JsonToken.StartObject or JsonToken.StartArray
                            ? new JRaw(Text(strict.ReadRawContainer()))
                            : JToken.ReadFrom(reader, NoDuplicates);
                    break;
                default:
                    result.AdditionalProperties[name] = JToken.ReadFrom(reader, NoDuplicates);
                    break;
            }
        }

        if (!names.Contains("receiptId") || !names.Contains("body"))
        {
            throw StrictObjectConverter.Fail(reader, $"the required property '{(names.Contains("receiptId") ? "body" : "receiptId")}' is missing");
        }

        return result;
    }

    /// <summary>The bytes as text; the strict reader has already checked that they are UTF-8.</summary>
    private static string Text(ArraySegment<byte> utf8) => Encoding.UTF8.GetString(utf8.Array!, utf8.Offset, utf8.Count);
}
