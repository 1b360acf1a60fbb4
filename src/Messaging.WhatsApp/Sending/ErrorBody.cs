using System;
using System.Globalization;
using Newtonsoft.Json.Linq;

namespace Messaging.WhatsApp;

/// <summary>
/// Reads an error body defensively: any shape, any types. Nothing here throws, whatever the provider sent.
/// </summary>
internal static class ErrorBody
{
    /// <summary>The body as a JSON object, or null when it is empty, text, HTML or another JSON value.</summary>
    public static JObject? TryParseObject(string? body)
    {
        if (body is null || !body.TrimStart().StartsWith("{", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return JObject.Parse(body);
        }
        catch (Newtonsoft.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>A string or number field as text; null for anything else (an array, an object, absent).</summary>
    public static string? Text(JToken? token) =>
        token is JValue { Type: JTokenType.String or JTokenType.Integer or JTokenType.Float } value
            ? Convert.ToString(value.Value, CultureInfo.InvariantCulture)
            : null;

    /// <summary>An integer field, given as a number or a numeric string; null otherwise.</summary>
    public static int? Integer(JToken? token) =>
        int.TryParse(Text(token), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>A short plain-text body, trimmed; null for HTML, JSON, empty or long bodies.</summary>
    public static string? PlainText(string? body) =>
        body is { Length: > 0 and <= 500 } && !body.TrimStart().StartsWith("<", StringComparison.Ordinal)
            && !body.TrimStart().StartsWith("{", StringComparison.Ordinal)
            ? body.Trim()
            : null;
}
