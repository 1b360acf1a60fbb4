using System;
using System.Collections.Generic;
using System.Linq;
using Messaging.WhatsApp;

namespace Messaging.WhatsApp
{
    /// <summary>
    /// One registered webhook (<c>AddGreenApiWebhook</c>, <c>AddMaytapiWebhook</c>, …), as
    /// <c>MapWhatsAppWebhooks</c> maps it: for showing a person the URL to set in the gateway's console.
    /// </summary>
    public sealed class WhatsAppWebhookEndpoint
    {
        private readonly WebhookReceiver _receiver;

        internal WhatsAppWebhookEndpoint(WebhookReceiver receiver) => _receiver = receiver;

        /// <summary>The gateway.</summary>
        public WhatsAppProvider Provider => _receiver.Provider;

        /// <summary>The name the instance was registered under: "" for the default one.</summary>
        public string RegistrationName => _receiver.RegistrationName;

        /// <summary>
        /// The endpoint's path below the prefix <c>MapWhatsAppWebhooks</c> was given, without a secret:
        /// <c>green-api</c>, <c>maytapi/sales</c>.
        /// </summary>
        public string Path => _receiver.Path;

        /// <summary>
        /// Whether the URL carries a secret, as the query parameter <c>secret</c> (gateways that cannot send a
        /// header, such as Maytapi).
        /// </summary>
        public bool SecretInUrl => _receiver.CredentialPlace == WebhookCredentialPlace.QueryParameter;

        /// <summary>
        /// The URL to set in the gateway's console: <paramref name="endpointsBaseUrl"/> (the app's public address
        /// and the prefix, e.g. <c>https://example.com/whatsapp</c>), the <see cref="Path"/>, and for
        /// <see cref="SecretInUrl"/> the secret (<c>?secret=…</c>). Show it to the person configuring the gateway; never log it.
        /// </summary>
        /// <param name="endpointsBaseUrl">The public URL the endpoints are mapped under.</param>
        /// <returns>The absolute URL.</returns>
        public string UrlToConfigure(Uri endpointsBaseUrl)
        {
            Guard.NotNull(endpointsBaseUrl);
            return _receiver.UrlToConfigure(endpointsBaseUrl.AbsoluteUri);
        }

        /// <summary>Names the endpoint without its secret.</summary>
        /// <returns>E.g. <c>Maytapi webhook maytapi?secret={secret}</c>.</returns>
        public override string ToString() =>
            $"{Provider.DisplayName} webhook {Path}{(SecretInUrl ? "?" + WebhookCredential.QueryParameterName + "={secret}" : string.Empty)}";
    }
}

namespace Microsoft.Extensions.DependencyInjection
{
    /// <summary>Lists the webhooks an app receives.</summary>
    public static class WhatsAppWebhookServiceProviderExtensions
    {
        /// <summary>The webhooks registered in <paramref name="services"/>, in registration order.</summary>
        /// <param name="services">The app's services.</param>
        /// <returns>One entry per receiving registration.</returns>
        public static IReadOnlyList<WhatsAppWebhookEndpoint> GetWhatsAppWebhookEndpoints(this IServiceProvider services)
        {
            Guard.NotNull(services);
            return services.GetServices<WebhookReceiver>().Select(r => new WhatsAppWebhookEndpoint(r)).ToList();
        }
    }
}
