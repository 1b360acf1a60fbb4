using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;
using WireMock;
using WireMock.RequestBuilders;

namespace Messaging.WhatsApp.Cli;

/// <summary>
/// What the CLI knows about one provider: its names on the command line, its configuration section and
/// credentials, its registration, how the embedded sandbox plays it from a recorded exchange, and how its
/// notifications are received (<see cref="Webhook"/>). The CLI knows providers only through <see cref="All"/>:
/// a new provider is one more entry.
/// </summary>
/// <param name="Provider">The gateway.</param>
/// <param name="CommandLineNames">The names <c>--provider</c> accepts, the first one canonical.</param>
/// <param name="SectionName">The configuration section holding its options.</param>
/// <param name="CredentialKeys">The keys whose presence means "credentials are configured".</param>
/// <param name="SecretKey">The key of the secret, masked in every line the CLI prints.</param>
/// <param name="Register">Registers the sender from the section: the default one, or one under the name given (the
/// sandbox's, <see cref="CliLedger.SandboxRegistration"/>).</param>
/// <param name="SandboxRecording">The recorded success exchange the sandbox answers as (an embedded resource).</param>
/// <param name="SandboxSettings">The settings, keys relative to the section, that point the sender at a
/// sandbox at the given root with the recording's credentials.</param>
/// <param name="SandboxBody">The body the sandbox answers a request with, from the recording: with the recorded message
/// id, or (true) with one of its own.</param>
/// <param name="Webhook">How its notifications are received, and played by the sandbox.</param>
internal sealed record ProviderProfile(
    WhatsAppProvider Provider,
    IReadOnlyList<string> CommandLineNames,
    string SectionName,
    IReadOnlyList<string> CredentialKeys,
    string SecretKey,
    Action<IServiceCollection, string?, IConfiguration> Register,
    string SandboxRecording,
    Func<RecordedExchange, Uri, IEnumerable<KeyValuePair<string, string?>>> SandboxSettings,
    Func<RecordedExchange, IRequestMessage, bool, string> SandboxBody,
    WebhookProfile Webhook)
{
    /// <summary>Asks the registered sender's gateway for the instance's state (its <c>GetInstanceStateAsync</c>).</summary>
    public required Func<IServiceProvider, CancellationToken, Task<WhatsAppInstanceStatus>> AskState { get; init; }

    /// <summary>The recorded state exchange the sandbox answers <c>state</c> with (a ready instance).</summary>
    public required string SandboxStateRecording { get; init; }

    /// <summary>Maytapi: product, phone and key.</summary>
    public static readonly ProviderProfile Maytapi = new(
        MaytapiOptions.Provider,
        ["maytapi"],
        MaytapiOptions.DefaultSectionName,
        [nameof(MaytapiOptions.ProductId), nameof(MaytapiOptions.PhoneId), nameof(MaytapiOptions.ApiKey)],
        nameof(MaytapiOptions.ApiKey),
        (services, name, section) => _ = name is null ? services.AddMaytapi(section) : services.AddMaytapi(name, section),
        "maytapi/text-success.json",
        (recording, root) =>
        [
            KeyValuePair.Create(nameof(MaytapiOptions.ApiUrl), (string?)new Uri(root, "api/").AbsoluteUri),
            KeyValuePair.Create(nameof(MaytapiOptions.ProductId), recording.ServerVariable("product_id")),
            KeyValuePair.Create(nameof(MaytapiOptions.PhoneId), recording.PathParameter("phoneId")),
            KeyValuePair.Create(nameof(MaytapiOptions.ApiKey), recording.RequestHeader(MaytapiClient.ApiKeyHeader)),
        ],
        MaytapiBody,
        new WebhookProfile(
            nameof(MaytapiOptions.WebhookSecret),
            (services, section) => services.AddMaytapiWebhook(section),
            RegisterSenderWithPolling: null,
            // ack-several's first entry is the 'reached' ack (delivered to the phone); the sandbox posts it alone.
            ["maytapi-notifications/ack-delivered.json", "maytapi-notifications/ack-several.json"],
            recording => recording.QueryParameter("secret"),
            MaytapiNotification))
    {
        AskState = (services, cancellationToken) => services.GetRequiredService<IMaytapiSender>().GetInstanceStateAsync(cancellationToken),
        SandboxStateRecording = "maytapi/list-phones-active-success.json",
    };

    /// <summary>GREEN-API: instance and token; the host is optional and not a credential.</summary>
    public static readonly ProviderProfile GreenApi = new(
        GreenApiOptions.Provider,
        ["green-api", "greenapi"],
        GreenApiOptions.DefaultSectionName,
        [nameof(GreenApiOptions.IdInstance), nameof(GreenApiOptions.ApiTokenInstance)],
        nameof(GreenApiOptions.ApiTokenInstance),
        (services, name, section) => _ = name is null ? services.AddGreenApi(section) : services.AddGreenApi(name, section),
        "green-api/text-person-success.json",
        (recording, root) =>
        [
            KeyValuePair.Create(nameof(GreenApiOptions.ApiUrl), (string?)root.AbsoluteUri.TrimEnd('/')),
            KeyValuePair.Create(nameof(GreenApiOptions.IdInstance), recording.PathParameter("idInstance")),
            KeyValuePair.Create(nameof(GreenApiOptions.ApiTokenInstance), recording.PathParameter("apiTokenInstance")),
        ],
        GreenApiBody,
        new WebhookProfile(
            nameof(GreenApiOptions.WebhookToken),
            (services, section) => services.AddGreenApiWebhook(section),
            (services, section) => services.AddGreenApi(section).AddNotificationPolling(),
            ["green-api-notifications/outgoing-status-sent.json", "green-api-notifications/outgoing-status-delivered.json"],
            recording => recording.RequestHeader("Authorization") is { } header && header.StartsWith("Bearer ", StringComparison.Ordinal)
                ? header["Bearer ".Length..]
                : null,
            GreenApiNotification))
    {
        AskState = (services, cancellationToken) => services.GetRequiredService<IGreenApiSender>().GetInstanceStateAsync(cancellationToken),
        SandboxStateRecording = "green-api/get-state-instance-authorized-success.json",
    };

    /// <summary>Every provider the CLI can send through.</summary>
    public static IReadOnlyList<ProviderProfile> All { get; } = [Maytapi, GreenApi];

    /// <summary>The name shown in output.</summary>
    public string DisplayName => Provider.DisplayName;

    /// <summary>The profile <c>--provider</c> names (any letter case), or null.</summary>
    /// <param name="name">The name given.</param>
    /// <returns>The profile, or null when no provider has that name.</returns>
    public static ProviderProfile? Find(string name) =>
        All.FirstOrDefault(p => p.CommandLineNames.Contains(name, StringComparer.OrdinalIgnoreCase));

    /// <summary>The canonical names, for messages: <c>maytapi|green-api</c>.</summary>
    public static string Names => string.Join("|", All.Select(p => p.CommandLineNames[0]));

    /// <summary>True when at least one credential of this provider is configured.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <returns>Whether any credential key has a value.</returns>
    public bool HasAnyCredential(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        return CredentialKeys.Any(key => !string.IsNullOrWhiteSpace(section[key]));
    }

    /// <summary>True when the webhook credential is configured: <c>listen</c> runs this provider's endpoint.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <returns>Whether the webhook's secret key has a value.</returns>
    public bool HasWebhookCredential(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration.GetSection(SectionName)[Webhook.SecretKey]);

    /// <summary>The configured secrets (the sender's and the webhook's), so that they can be masked in output.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <returns>The secret values; null for those not set.</returns>
    public IEnumerable<string?> Secrets(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        return [section[SecretKey], section[Webhook.SecretKey]];
    }

    /// <summary>The environment variable of a key of this provider's section, e.g. <c>GreenApi__WebhookToken</c>.</summary>
    /// <param name="key">The key in the section.</param>
    /// <returns>The variable's name.</returns>
    public string EnvironmentVariable(string key) => SectionName + "__" + key;

    /// <summary>
    /// The recorded body, with <c>data.chatId</c> naming the chat of the request, as Maytapi's does, and on request a
    /// message id of its own (a UUID, as Maytapi's are).
    /// </summary>
    private static string MaytapiBody(RecordedExchange recording, IRequestMessage sent, bool newMessageId)
    {
        var body = JObject.Parse(recording.ResponseBody);
        if (body["data"] is JObject data)
        {
            var toNumber = sent.Body is { Length: > 0 } json ? (string?)JObject.Parse(json)["to_number"] : null;
            if (ChatAddress.TryParse(toNumber, out var chat))
            {
                data["chatId"] = chat.Id;
            }

            if (newMessageId)
            {
                data["msgId"] = Guid.NewGuid().ToString("D");
            }
        }

        return body.ToString(Newtonsoft.Json.Formatting.None);
    }

    /// <summary>
    /// The recorded body, on request with a message id of its own, 20 upper-case hex digits like the recorded one.
    /// </summary>
    private static string GreenApiBody(RecordedExchange recording, IRequestMessage sent, bool newMessageId)
    {
        if (!newMessageId)
        {
            return recording.ResponseBody;
        }

        var body = JObject.Parse(recording.ResponseBody);
        body["idMessage"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(10));
        return body.ToString(Newtonsoft.Json.Formatting.None);
    }

    /// <summary>An outgoingMessageStatus about the sent message.</summary>
    private static JObject GreenApiNotification(JObject body, SendResult sent, DateTimeOffset time)
    {
        body["idMessage"] = sent.MessageId;
        body["chatId"] = sent.ChatId;
        body["timestamp"] = time.ToUnixTimeSeconds();
        return body;
    }

    /// <summary>An ack with one entry, the recording's first, about the sent message.</summary>
    private static JObject MaytapiNotification(JObject body, SendResult sent, DateTimeOffset time)
    {
        var ack = (JObject)body["data"]![0]!;
        ack["msgId"] = sent.MessageId;
        ack["chatId"] = sent.ChatId;
        ack["time"] = time.ToUnixTimeSeconds();
        body["data"] = new JArray(ack);
        return body;
    }
}
