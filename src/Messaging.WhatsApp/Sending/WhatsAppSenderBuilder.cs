using Microsoft.Extensions.DependencyInjection;

namespace Messaging.WhatsApp;

/// <summary>
/// What a provider package's <c>Add…</c> returns: the sender's HTTP client builder (add handlers as to any
/// IHttpClientBuilder), plus which gateway instance it is, for extensions that configure that instance.
/// </summary>
public class WhatsAppSenderBuilder : IHttpClientBuilder
{
    private readonly IHttpClientBuilder _http;

    internal WhatsAppSenderBuilder(IHttpClientBuilder http, WhatsAppProvider provider, string registrationName)
    {
        _http = http;
        Provider = provider;
        RegistrationName = registrationName ?? string.Empty;
    }

    /// <summary>The IHttpClientFactory name of the sender's client.</summary>
    public string Name => _http.Name;

    /// <summary>The services.</summary>
    public IServiceCollection Services => _http.Services;

    /// <summary>The gateway.</summary>
    public WhatsAppProvider Provider { get; }

    /// <summary>The name the sender was registered under: "" for the default one, otherwise its service key.</summary>
    public string RegistrationName { get; }
}
