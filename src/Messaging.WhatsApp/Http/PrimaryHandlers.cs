using System.Net.Http;

namespace Messaging.WhatsApp;

/// <summary>
/// The primary handler every library client sends with, and what is enforced on one an app configures:
/// redirects are never followed (a POST is never sent twice, nor to another host with its credential), and
/// on .NET 8 and later the handler creates no <c>System.Net.Http</c> activity (whose <c>url.full</c> would
/// show the request path, which holds a secret path segment at that depth). Cookies are not kept.
/// </summary>
internal static class PrimaryHandlers
{
    public static HttpMessageHandler Create() =>
#if NET8_0_OR_GREATER
        new SocketsHttpHandler { AllowAutoRedirect = false, ActivityHeadersPropagator = null, UseCookies = false };
#else
        new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
#endif

    /// <summary>
    /// Switches off redirects (and, on .NET 8+, the activity) on <paramref name="handler"/>, or on the handler
    /// at the end of its chain of delegating handlers. A handler of another type is left as it is.
    /// </summary>
    public static HttpMessageHandler Harden(HttpMessageHandler handler)
    {
        var primary = handler;
        while (primary is DelegatingHandler { InnerHandler: { } inner })
        {
            primary = inner;
        }

        switch (primary)
        {
#if NET8_0_OR_GREATER
            case SocketsHttpHandler sockets:
                if (sockets.AllowAutoRedirect)
                {
                    sockets.AllowAutoRedirect = false;
                }

                if (sockets.ActivityHeadersPropagator is not null)
                {
                    sockets.ActivityHeadersPropagator = null;
                }

                break;
#endif
            case HttpClientHandler client when client.AllowAutoRedirect:
                client.AllowAutoRedirect = false;
                break;
        }

        return handler;
    }
}
