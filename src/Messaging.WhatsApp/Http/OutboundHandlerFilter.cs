using System;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace Messaging.WhatsApp;

/// <summary>Named options: set for a client name the library registered, telling how to reach the wire.</summary>
internal sealed class OutboundClientOptions
{
    /// <summary>The credential of the client's requests, or null for a client the library did not register.</summary>
    public Func<IServiceProvider, RequestSecret>? Secret { get; set; }
}

/// <summary>
/// Runs after every other configuration of a client (host-wide defaults, the library's, the app's own on the
/// builder) and, for the library's clients, wraps whatever primary handler ended up configured in an
/// <see cref="OutboundHandler"/>, hardened by <see cref="PrimaryHandlers.Harden"/>. Being last is what makes
/// the credential reach only the wire, whatever handlers the app added.
/// </summary>
internal sealed class OutboundHandlerFilter : IHttpMessageHandlerBuilderFilter
{
    private readonly IOptionsMonitor<OutboundClientOptions> _options;

    public OutboundHandlerFilter(IOptionsMonitor<OutboundClientOptions> options) => _options = options;

    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) =>
        builder =>
        {
            next(builder);
            if (builder.Name is { } name && _options.Get(name).Secret is { } secret)
            {
                builder.PrimaryHandler = new OutboundHandler(builder.PrimaryHandler, secret(builder.Services));
            }
        };
}
