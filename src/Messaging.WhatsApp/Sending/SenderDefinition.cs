using System;
using System.Net.Http;

namespace Messaging.WhatsApp;

/// <summary>
/// What a provider package tells the shared sender machinery about itself; each provider has one.
/// </summary>
/// <typeparam name="TOptions">The provider's options.</typeparam>
/// <typeparam name="TClient">The provider's generated client.</typeparam>
/// <param name="Provider">The gateway.</param>
/// <param name="HttpClientName">The IHttpClientFactory client name, and the logging category's prefix.</param>
/// <param name="Validator">Checks the options at startup and in the public constructors.</param>
/// <param name="BaseAddress">The base address of a client for the given options.</param>
/// <param name="Secret">The credential, and where in a request it goes.</param>
/// <param name="CreateClient">Wraps an HttpClient in the generated client.</param>
internal sealed record SenderDefinition<TOptions, TClient>(
    WhatsAppProvider Provider,
    string HttpClientName,
    SenderOptionsValidator<TOptions> Validator,
    Func<TOptions, Uri> BaseAddress,
    Func<TOptions, RequestSecret> Secret,
    Func<HttpClient, TClient> CreateClient)
    where TOptions : WhatsAppSenderOptions
    where TClient : class;
