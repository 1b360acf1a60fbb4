using System;
using System.Net.Http;

namespace Messaging.WhatsApp;

/// <summary>How every HttpClient the library sends with is set up, from DI or from a public constructor.</summary>
internal static class SenderHttp
{
    /// <summary>
    /// The most of a response body a client reads (4 MiB). Answers are a few hundred bytes; a server sending
    /// more is not a gateway answering, and must not fill memory. A longer body ends the send as an outcome
    /// unknown, since the request was written.
    /// </summary>
    public const long MaxResponseBytes = 4 * 1024 * 1024;

    public static void Configure(HttpClient http, Uri baseAddress, TimeSpan timeout)
    {
        http.BaseAddress = baseAddress;
        http.Timeout = timeout;
        http.MaxResponseContentBufferSize = MaxResponseBytes;
    }

    /// <summary>
    /// A client for a sender built without DI: the library's outbound handler over <paramref name="primary"/>
    /// (or a new hardened handler), so that it keeps the same promises as one from IHttpClientFactory.
    /// </summary>
    /// <param name="baseAddress">The API's base address.</param>
    /// <param name="timeout">The timeout of one attempt.</param>
    /// <param name="secret">The credential the outbound handler adds.</param>
    /// <param name="primary">The caller's primary handler, which stays the caller's to dispose; or null.</param>
    public static HttpClient Create(Uri baseAddress, TimeSpan timeout, RequestSecret secret, HttpMessageHandler? primary)
    {
        // A caller's handler stays the caller's: disposing the client then leaves the chain alone.
        var http = new HttpClient(new OutboundHandler(primary ?? PrimaryHandlers.Create(), secret), disposeHandler: primary is null);
        Configure(http, baseAddress, timeout);
        return http;
    }
}
