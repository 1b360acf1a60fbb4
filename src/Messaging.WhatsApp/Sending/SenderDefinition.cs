using System;
using System.Net.Http;

namespace Messaging.WhatsApp;

/// <summary>
/// What a provider package tells the shared sender machinery about itself, beyond what its options know
/// (<see cref="WhatsAppSenderOptions"/>: base address, credential, rules); each provider has one.
/// </summary>
/// <typeparam name="TOptions">The provider's options.</typeparam>
/// <typeparam name="TClient">The provider's generated client.</typeparam>
internal sealed class SenderDefinition<TOptions, TClient>
    where TOptions : WhatsAppSenderOptions
    where TClient : class
{
    /// <param name="provider">The gateway.</param>
    /// <param name="sectionName">The configuration section read by default, which prefixes option messages.</param>
    /// <param name="apiUrlExample">An API URL to quote when the configured one is not usable.</param>
    /// <param name="createClient">Wraps an HttpClient in the generated client.</param>
    public SenderDefinition(WhatsAppProvider provider, string sectionName, string apiUrlExample, Func<HttpClient, TClient> createClient)
    {
        Provider = provider;
        CreateClient = createClient;
        Validator = new SenderOptionsValidator<TOptions>(sectionName, apiUrlExample);
        HttpClientName = "Messaging.WhatsApp." + sectionName;
    }

    public WhatsAppProvider Provider { get; }

    /// <summary>The IHttpClientFactory client name, and the logging category's prefix: <c>Messaging.WhatsApp.&lt;section&gt;</c>.</summary>
    public string HttpClientName { get; }

    /// <summary>Checks the options at startup and in the public constructors.</summary>
    public SenderOptionsValidator<TOptions> Validator { get; }

    public Func<HttpClient, TClient> CreateClient { get; }
}
