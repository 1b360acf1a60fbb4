using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Messaging.WhatsApp.Cli.Tests;

/// <summary>
/// The recorded notifications of specs/recordings, as the CLI embeds them (Sandbox.&lt;folder&gt;.&lt;file&gt;): each
/// has the request a gateway sent (path, headers, body), the status the endpoint answers and the updates it yields.
/// </summary>
internal static class Recordings
{
    public const string GreenApiWebhookToken = "test-green-api-webhook-token";
    public const string MaytapiWebhookSecret = "test-maytapi-webhook-secret";

    /// <summary>The webhook credentials the recordings present.</summary>
    public static Dictionary<string, string?> WebhookEnvironment() => new()
    {
        ["GreenApi__WebhookToken"] = GreenApiWebhookToken,
        ["Maytapi__WebhookSecret"] = MaytapiWebhookSecret,
    };

    /// <summary>The names of every recorded notification, e.g. <c>green-api-notifications/outgoing-status-sent.json</c>.</summary>
    public static IEnumerable<string> Notifications() =>
        typeof(CliApp).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("Sandbox.green-api-notifications.", StringComparison.Ordinal) || n.StartsWith("Sandbox.maytapi-notifications.", StringComparison.Ordinal))
            .Select(n => n["Sandbox.".Length..])
            .Select(n => n[..n.IndexOf('.')] + "/" + n[(n.IndexOf('.') + 1)..])
            .Order();

    /// <summary>A recording, dates left as the strings they are.</summary>
    public static JObject Load(string name)
    {
        using var stream = typeof(CliApp).Assembly.GetManifestResourceStream("Sandbox." + name.Replace('/', '.'))!;
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    /// <summary>Parses JSON without turning ISO 8601 strings into dates.</summary>
    public static JObject Parse(string json) =>
        JsonConvert.DeserializeObject<JObject>(json, new JsonSerializerSettings { DateParseHandling = DateParseHandling.None })!;

    /// <summary>The provider name a recording's folder stands for: <c>green-api</c> or <c>maytapi</c>.</summary>
    public static string ProviderOf(string name) => name[..name.IndexOf("-notifications/", StringComparison.Ordinal)];
}
