using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Receiving;

/// <summary>One update as a recording expects it: every field of <see cref="WhatsAppUpdate"/> the gateway decides.</summary>
public sealed record ExpectedUpdate(string Provider, string? Instance, string MessageId, string? ChatId, string Status, string ProviderStatus, string? Error, DateTimeOffset? Time)
{
    public static ExpectedUpdate Of(WhatsAppUpdate update) => new(
        update.Provider.Name,
        update.Instance,
        update.MessageId,
        update.ChatId,
        update.Status.ToString().ToLowerInvariant(),
        update.ProviderStatus,
        update.Error,
        update.Time);
}

/// <summary>
/// A recorded notification (specs/recordings/*-notifications/*.json): the request a gateway sent, the status the
/// endpoint answers, the typed notification and the updates it becomes. One new file, one new test case.
/// </summary>
public sealed class NotificationRecording
{
    private NotificationRecording(string provider, string file, JObject root)
    {
        Provider = provider;
        Name = Path.GetFileNameWithoutExtension(file);
        var request = (JObject)root["request"]!;
        // The request target: the path, then the query (Maytapi's webhook secret).
        RequestPath = (string)request["path"]! + (request["query"] is JObject { Count: > 0 } query
            ? "?" + string.Join("&", query.Properties().Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString((string)p.Value!)))
            : string.Empty);
        Headers = ((JObject?)request["headers"])?.Properties().ToDictionary(p => p.Name, p => (string)p.Value!, StringComparer.OrdinalIgnoreCase)
            ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        Body = Encoding.UTF8.GetBytes(request["body"]!.ToString(Formatting.None));
        Status = (int)root["response"]!["status"]!;
        NotificationTypeName = (string)root["notification"]!;
        Updates = ((JArray)root["updates"]!).Select(u => new ExpectedUpdate(
            (string)u["provider"]!,
            (string?)u["instance"],
            (string)u["messageId"]!,
            (string?)u["chatId"],
            (string)u["status"]!,
            (string)u["providerStatus"]!,
            (string?)u["error"],
            u["time"]!.Type == JTokenType.Null ? null : DateTimeOffset.Parse((string)u["time"]!, System.Globalization.CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>The webhook token and secret the recordings were made with.</summary>
    public const string GreenApiWebhookToken = "test-green-api-webhook-token";

    public const string MaytapiWebhookSecret = "test-maytapi-webhook-secret";

    /// <summary>The provider's stable name (<c>green-api</c>, <c>maytapi</c>).</summary>
    public string Provider { get; }

    public string Name { get; }

    public string RequestPath { get; }

    public IReadOnlyDictionary<string, string> Headers { get; }

    public byte[] Body { get; }

    public int Status { get; }

    /// <summary>The model the notification handlers receive, e.g. <c>MaytapiAckNotification</c>.</summary>
    public string NotificationTypeName { get; }

    public Type NotificationType =>
        typeof(GreenApiNotification).Assembly.GetType("Messaging.WhatsApp.GreenApi." + NotificationTypeName)
        ?? typeof(MaytapiNotification).Assembly.GetType("Messaging.WhatsApp.Maytapi." + NotificationTypeName)
        ?? throw new InvalidOperationException($"{Name}: no notification model is named {NotificationTypeName}.");

    public IReadOnlyList<ExpectedUpdate> Updates { get; }

    public string? Authorization => Headers.TryGetValue("Authorization", out var value) ? value : null;

    public string ContentType => Headers.TryGetValue("Content-Type", out var value) ? value : "application/json";

    public static IEnumerable<NotificationRecording> All => Of("green-api").Concat(Of("maytapi"));

    /// <summary>The recordings of one provider, read from the test output (linked from specs/recordings).</summary>
    public static IEnumerable<NotificationRecording> Of(string provider)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "Recordings", provider + "-notifications");
        return Directory.GetFiles(directory, "*.json")
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => new NotificationRecording(provider, f, JObject.Parse(File.ReadAllText(f))));
    }

    /// <summary>Every recording as a test case named after its file.</summary>
    public static IEnumerable<TestCaseData> Cases() =>
        All.Select(r => new TestCaseData(r).SetArgDisplayNames(r.Provider + "/" + r.Name));

    public override string ToString() => Provider + "/" + Name;
}
