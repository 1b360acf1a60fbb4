using System;
using System.Globalization;
using System.IO;
using Newtonsoft.Json;

namespace Messaging.WhatsApp.Cli;

/// <summary>
/// One update as the CLI prints it: a JSON object on one line, with <c>provider</c> (the stable name, e.g.
/// <c>green-api</c>), <c>messageId</c>, <c>chatId</c>, <c>status</c> (the neutral status, lower case),
/// <c>providerStatus</c>, <c>error</c> and <c>time</c> (ISO 8601 UTC to the second); the last three may be null.
/// </summary>
internal static class UpdateLine
{
    /// <summary>Formats <paramref name="update"/>.</summary>
    /// <param name="update">The update.</param>
    /// <returns>The line, without a line break.</returns>
    public static string Format(WhatsAppUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var json = new JsonTextWriter(text) { Formatting = Formatting.None })
        {
            json.WriteStartObject();
            json.WritePropertyName("provider");
            json.WriteValue(update.Provider.Name);
            json.WritePropertyName("messageId");
            json.WriteValue(update.MessageId);
            json.WritePropertyName("chatId");
            json.WriteValue(update.ChatId);
            json.WritePropertyName("status");
            json.WriteValue(StatusName(update.Status));
            json.WritePropertyName("providerStatus");
            json.WriteValue(update.ProviderStatus);
            json.WritePropertyName("error");
            json.WriteValue(update.Error);
            json.WritePropertyName("time");
            json.WriteValue(update.Time is { } time ? time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : null);
            json.WriteEndObject();
        }

        return text.ToString();
    }

    /// <summary>The neutral status as printed: <c>delivered</c>, <c>failed</c>, …</summary>
    /// <param name="status">The status.</param>
    /// <returns>Its name in lower case.</returns>
    public static string StatusName(WhatsAppMessageStatus status) => status.ToString().ToLowerInvariant();
}
