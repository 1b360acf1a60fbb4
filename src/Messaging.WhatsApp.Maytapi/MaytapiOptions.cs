using System;

namespace Messaging.WhatsApp.Maytapi;

/// <summary>
/// One Maytapi phone. Bind it from a configuration section (see <see cref="DefaultSectionName"/>);
/// everything is checked at startup. <see cref="ToString"/> never shows the key.
/// </summary>
public sealed class MaytapiOptions : WhatsAppSenderOptions
{
    /// <summary>The configuration section read by default: <c>Maytapi</c>.</summary>
    public const string DefaultSectionName = "Maytapi";

    /// <summary>
    /// Creates the options with Maytapi's defaults: <see cref="WhatsAppSenderOptions.ApiUrl"/>
    /// <c>https://api.maytapi.com/api/</c> (the API root, before the product id) and no rate limiter
    /// (<see cref="WhatsAppSenderOptions.MaxSendsPerSecond"/> 0), as Maytapi documents no limit.
    /// </summary>
    public MaytapiOptions()
        : base(new Uri("https://api.maytapi.com/api/"), 0)
    {
    }

    /// <summary>The gateway: <c>maytapi</c>, displayed as <c>Maytapi</c>.</summary>
    public static WhatsAppProvider Provider { get; } = new("maytapi", "Maytapi");

    /// <summary>The provider as the shared sender machinery needs it, beyond what the options' own members say.</summary>
    internal static SenderDefinition<MaytapiOptions, MaytapiClient> Definition { get; } =
        new(Provider, DefaultSectionName, "https://api.maytapi.com/api/", http => new MaytapiClient(http));

    /// <summary>The product id (a UUID) from the Maytapi console. Required.</summary>
    public string ProductId { get; set; } = string.Empty;

    /// <summary>The phone id (digits, e.g. <c>12</c>) from the Maytapi console. Required.</summary>
    public string PhoneId { get; set; } = string.Empty;

    /// <summary>The API key, sent as the <c>x-maytapi-key</c> header, added only on the wire. Required; never logged.</summary>
    public string ApiKey { get; set; } = string.Empty;

    /// <summary>
    /// The secret the webhook endpoint's URL carries (<c>…/whatsapp/maytapi?secret=&lt;secret&gt;</c>), because Maytapi
    /// does not sign its webhooks: at least 16 characters of letters, digits, <c>-</c>, <c>.</c>, <c>_</c> or
    /// <c>~</c>; generate one (e.g. 32 random characters). Required by <c>AddMaytapiWebhook</c> only; never logged.
    /// </summary>
    public string? WebhookSecret { get; set; }

    /// <summary>The provider's webhooks as the shared receiving machinery needs them.</summary>
    internal static ReceiverDefinition<MaytapiOptions> Receiver { get; } = new(
        Provider,
        DefaultSectionName,
        WebhookCredentialPlace.QueryParameter,
        o => o.WebhookSecret,
        (o, check) =>
        {
            check.Credential(nameof(WebhookSecret), o.WebhookSecret, "a secret of your choice that the webhook URL set in the Maytapi console carries");
            check.Require(
                o.WebhookSecret is null || o.WebhookSecret.Length == 0 || IsUrlSecret(o.WebhookSecret),
                "WebhookSecret must be at least 16 characters of letters, digits, '-', '.', '_' or '~': it is a URL query parameter that only you and Maytapi know.");
        },
        MaytapiNotificationReader.Read);

    /// <summary><c>{ApiUrl}{ProductId}/</c>.</summary>
    internal override Uri BaseAddress() => MaytapiSender.BaseAddressFor(this);

    /// <summary>The key is a header: the client leaves it out, the last handler adds it.</summary>
    internal override RequestSecret Secret() => RequestSecret.Header(MaytapiClient.ApiKeyHeader, ApiKey);

    /// <summary>Teams limit Maytapi per phone: the product and the phone id.</summary>
    internal override string RateLimitInstance() => ProductId + "/" + PhoneId;

    internal override void Validate(OptionsChecks check)
    {
        check.Require(Guid.TryParse(ProductId, out _), "ProductId is required: the product id (a UUID) from the Maytapi console.");
        check.Require(!string.IsNullOrEmpty(PhoneId) && Guard.IsAsciiDigits(PhoneId), "PhoneId is required: the phone id (digits) from the Maytapi console.");
        check.Credential(nameof(ApiKey), ApiKey, "the API key from the Maytapi console");
    }

    private static bool IsUrlSecret(string value)
    {
        if (value.Length < 16)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '.' or '_' or '~'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Names the phone without the key.</summary>
    /// <returns>E.g. <c>Maytapi phone 12 of product 1111…</c>.</returns>
    public override string ToString() => $"Maytapi phone {PhoneId} of product {ProductId}";
}
