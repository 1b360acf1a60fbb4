using System;

namespace Messaging.WhatsApp.GreenApi;

/// <summary>
/// One GREEN-API instance. Bind it from a configuration section (see <see cref="DefaultSectionName"/>);
/// everything is checked at startup. <see cref="ToString"/> never shows the token.
/// </summary>
public sealed class GreenApiOptions : WhatsAppSenderOptions
{
    /// <summary>The configuration section read by default: <c>GreenApi</c>.</summary>
    public const string DefaultSectionName = "GreenApi";

    /// <summary>GREEN-API's limit: sendMessage calls a second per instance before it answers 429.</summary>
    public const int ProviderSendsPerSecond = 50;

    /// <summary>
    /// Creates the options with GREEN-API's defaults: <see cref="WhatsAppSenderOptions.ApiUrl"/>
    /// <c>https://api.green-api.com</c> (the universal host the official SDKs use; the console shows the
    /// instance's own, such as <c>https://7105.api.greenapi.com</c>) and
    /// <see cref="WhatsAppSenderOptions.MaxSendsPerSecond"/> <see cref="ProviderSendsPerSecond"/>.
    /// </summary>
    public GreenApiOptions()
        : base(new Uri("https://api.green-api.com"), ProviderSendsPerSecond)
    {
    }

    /// <summary>The gateway: <c>green-api</c>, displayed as <c>GREEN-API</c>.</summary>
    public static WhatsAppProvider Provider { get; } = new("green-api", "GREEN-API");

    /// <summary>The provider as the shared sender machinery needs it, beyond what the options' own members say.</summary>
    internal static SenderDefinition<GreenApiOptions, GreenApiClient> Definition { get; } =
        new(Provider, DefaultSectionName, "https://7105.api.greenapi.com", http => new GreenApiClient(http));

    /// <summary>The instance number (<c>idInstance</c>), about 10 digits. Required.</summary>
    public long IdInstance { get; set; }

    /// <summary>The instance token (<c>apiTokenInstance</c>). Required. It travels in the URL path, added only
    /// on the wire, and is removed from every log line, exception and ToString().</summary>
    public string ApiTokenInstance { get; set; } = string.Empty;

    /// <summary>
    /// The token GREEN-API puts in the <c>Authorization</c> header of every webhook request: the value set as
    /// <c>webhookUrlToken</c> in the instance's settings (console or SetSettings). Required by
    /// <c>AddGreenApiWebhook</c> only; never logged.
    /// </summary>
    public string? WebhookToken { get; set; }

    /// <summary>
    /// How long after a send its absence from the journals is conclusive (<see cref="IGreenApiSender.FindSentMessageAsync"/>):
    /// GREEN-API says its journals lag up to 2 minutes (<see cref="GreenApiSender.JournalDelay"/>, the default). Longer
    /// is safer; shorter only for a gateway known to be quicker (a test's). At least 1 s, at most 1 day.
    /// </summary>
    public TimeSpan JournalDelay { get; set; } = GreenApiSender.JournalDelay;

    /// <summary>The provider's webhooks as the shared receiving machinery needs them.</summary>
    internal static ReceiverDefinition<GreenApiOptions> Receiver { get; } = new(
        Provider,
        DefaultSectionName,
        WebhookCredentialPlace.AuthorizationHeader,
        o => o.WebhookToken,
        (o, check) => check.Credential(nameof(WebhookToken), o.WebhookToken, "the webhookUrlToken set in the instance's settings, which GREEN-API sends in the Authorization header"),
        GreenApiNotificationReader.Read);

    /// <summary>The instance's host with a trailing '/'.</summary>
    internal override Uri BaseAddress() => Guard.WithTrailingSlash(ApiUrl);

    /// <summary>The token is a path segment: the client writes the placeholder, the last handler the token.</summary>
    internal override RequestSecret Secret() => RequestSecret.PathSegment(ApiTokenInstance);

    /// <summary>GREEN-API counts its limit per instance.</summary>
    internal override string RateLimitInstance() => IdInstance.ToString(System.Globalization.CultureInfo.InvariantCulture);

    internal override void Validate(OptionsChecks check)
    {
        check.Require(IdInstance > 0, "IdInstance is required: the instance number from the GREEN-API console.");
        check.Credential(nameof(ApiTokenInstance), ApiTokenInstance, "the instance token from the GREEN-API console");
        check.Require(JournalDelay >= TimeSpan.FromSeconds(1) && JournalDelay <= TimeSpan.FromDays(1), "JournalDelay must be at least 1 s and at most 1 day.");
    }

    /// <summary>Names the instance without its token.</summary>
    /// <returns>E.g. <c>GREEN-API instance 1101000001 at https://api.green-api.com/</c>.</returns>
    public override string ToString() => $"GREEN-API instance {IdInstance} at {ApiUrl}";
}
