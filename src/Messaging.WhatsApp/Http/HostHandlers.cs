using System;
using System.Collections.Generic;
using System.Net.Http;

namespace Messaging.WhatsApp;

/// <summary>
/// Host-wide handlers (<c>ConfigureHttpClientDefaults</c>) that would resend a request. .NET Aspire's service
/// defaults and many hosts add a resilience handler to every client; on the library's clients it would
/// retry a POST after a 5xx, a timeout or a dropped connection (a duplicate WhatsApp message, in exactly
/// the cases the library reports as "outcome unknown") and would replace the configured timeout with its
/// own. The library's clients therefore do not inherit them. A handler added to the builder that
/// a provider's <c>Add…</c> method returns is the app's own choice and is kept.
/// </summary>
internal static class HostHandlers
{
    /// <summary>
    /// Handler types that send a request more than once: Microsoft.Extensions.Http.Resilience's handler (the
    /// standard resilience and hedging handlers and any custom pipeline) and Microsoft.Extensions.Http.Polly's.
    /// Matched by name, so that neither package is a dependency of the library.
    /// </summary>
    private static readonly string[] ResendingTypes =
    [
        "Microsoft.Extensions.Http.Resilience.ResilienceHandler",
        "Microsoft.Extensions.Http.Polly.PolicyHttpMessageHandler",
    ];

    /// <summary>Removes the handlers that resend, and returns how many were removed.</summary>
    public static int RemoveResending(IList<DelegatingHandler> handlers)
    {
        var removed = 0;
        for (var i = handlers.Count - 1; i >= 0; i--)
        {
            if (Resends(handlers[i].GetType()))
            {
                handlers[i].Dispose();
                handlers.RemoveAt(i);
                removed++;
            }
        }

        return removed;
    }

    private static bool Resends(Type? type)
    {
        for (; type is not null && type != typeof(DelegatingHandler); type = type.BaseType)
        {
            if (Array.IndexOf(ResendingTypes, type.FullName) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
