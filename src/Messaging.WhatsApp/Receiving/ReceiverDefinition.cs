using System;

namespace Messaging.WhatsApp;

/// <summary>
/// What a provider package tells the shared receiving machinery about its webhooks: the credential its
/// requests carry and where, the rules for that setting, and how to read a notification body.
/// </summary>
/// <typeparam name="TOptions">The provider's options, which hold the webhook's credential beside the sender's settings.</typeparam>
internal sealed class ReceiverDefinition<TOptions>
    where TOptions : WhatsAppSenderOptions
{
    /// <param name="provider">The gateway.</param>
    /// <param name="sectionName">The configuration section read by default, which prefixes option messages.</param>
    /// <param name="place">Where the gateway's requests carry the credential.</param>
    /// <param name="secret">The webhook secret the options hold (validated first).</param>
    /// <param name="validate">Records the rules the webhook settings break.</param>
    /// <param name="reader">Reads one notification body.</param>
    public ReceiverDefinition(
        WhatsAppProvider provider,
        string sectionName,
        WebhookCredentialPlace place,
        Func<TOptions, string?> secret,
        Action<TOptions, OptionsChecks> validate,
        NotificationReader reader)
    {
        Provider = provider;
        SectionName = sectionName;
        Place = place;
        Credential = o => place == WebhookCredentialPlace.QueryParameter
            ? WebhookCredential.QueryParameter(secret(o) ?? string.Empty)
            : WebhookCredential.AuthorizationHeader(secret(o) ?? string.Empty);
        Validate = validate;
        Reader = reader;
    }

    public WhatsAppProvider Provider { get; }

    public string SectionName { get; }

    public WebhookCredentialPlace Place { get; }

    public Func<TOptions, WebhookCredential> Credential { get; }

    public Action<TOptions, OptionsChecks> Validate { get; }

    public NotificationReader Reader { get; }
}
